"""Lengths of time as readiness posts and /alerts replies show them, in the active language.

Three forms, for three jobs:
- `format_offset` is the stored, typed form of an offset (`24h`, `1h30m`): what `offsets=` is written in and kept as.
- `show_offset` / `show_duration` are the compact forms people read in a line ("+24h of 72h", "after 45m
  unacknowledged"). English shows exactly what is typed, so a channel reads what it can type back; other languages
  get CLDR's short units through Babel (`24 год`, `1 год 30 хв`), counted in hours as a risk window is, side by side
  as a terse post writes them (CLDR's list patterns would put "і" between them).
- `format_span` says a length in words ("3 days", "1 day 6 hours") with each language's plural forms.
"""

from __future__ import annotations

from functools import lru_cache

from handlers.i18n import DEFAULT_LANGUAGE, current_language, ngettext
from handlers.text.durations import format_duration


def format_offset(seconds: int) -> str:
    """Offsets read in hours, as people set them: 86400 → '24h', 5400 → '1h30m' (also the stored form)."""
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h" if not rest else format_duration(seconds)


def show_offset(seconds: int) -> str:
    """An offset or window length for reading: '24h' in English, '24 год' in Ukrainian."""
    language = current_language()
    return format_offset(seconds) if language == DEFAULT_LANGUAGE else _short_units(seconds, language)


def show_duration(seconds: int) -> str:
    """A duration for reading: '45m', '1d6h' in English (as typed), '45 хв', '30 год' in Ukrainian."""
    language = current_language()
    return format_duration(seconds) if language == DEFAULT_LANGUAGE else _short_units(seconds, language)


@lru_cache(maxsize=1024)
def _short_units(seconds: int, language: str) -> str:
    """Cached: posts repeat the same few lengths (the window, the snooze) in every channel."""
    from babel.units import format_unit

    hours, rest = divmod(max(0, seconds), 3600)
    minutes, rest = divmod(rest, 60)
    parts = [
        format_unit(count, unit, length="short", locale=language)
        for count, unit in ((hours, "duration-hour"), (minutes, "duration-minute"), (rest, "duration-second"))
        if count
    ]
    if not parts:
        parts = [format_unit(0, "duration-hour", length="short", locale=language)]
    return " ".join(parts)


def format_span(seconds: int) -> str:
    """A length of time in words, its two largest units: '3 days', '1 day 6 hours', '2 minutes', '45 seconds'."""
    parts = []
    for size, counted in ((86400, _days), (3600, _hours), (60, _minutes), (1, _seconds)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(counted(count))
    return " ".join(parts[:2]) or _seconds(0)


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def _hours(n: int) -> str:
    return ngettext("{n} hour", "{n} hours", n).format(n=n)


def _minutes(n: int) -> str:
    return ngettext("{n} minute", "{n} minutes", n).format(n=n)


def _seconds(n: int) -> str:
    return ngettext("{n} second", "{n} seconds", n).format(n=n)
