"""Durations such as `45m`, `1h30m`, `2d` and offset lists such as `0h,24h,48h,72h`.

Two ways to write one back: `format_duration` is the typed form (`1d6h`), what an argument takes and a setting
stores; `show_duration` is the form people read in a reply, which in English is the typed form and in Ukrainian
CLDR's short units (`1 дн. 6 год`, `45 хв`) through Babel.
"""

from __future__ import annotations

import re

from handlers.i18n import DEFAULT_LANGUAGE, _, current_language

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
MAX_SECONDS = 366 * 86400


def parse_duration(text: str, *, default_unit: str = "m") -> int:
    """Seconds in a duration like `90`, `45m`, `1h30m`, `2d`; a bare number counts in `default_unit`."""
    value = text.strip().lower()
    if not value:
        raise ValueError(_("empty duration"))
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        seconds = float(value) * _UNITS[default_unit]
    else:
        pos, seconds = 0, 0.0
        for match in _PART.finditer(value):
            if match.start() != pos:
                break
            seconds += float(match.group(1)) * _UNITS[match.group(2)]
            pos = match.end()
        if pos != len(value) or pos == 0:
            raise ValueError(
                _("{value} is not a duration: write it like 45m, 1h30m, 2d (units s m h d)").format(value=repr(text))
            )
    if seconds > MAX_SECONDS:
        raise ValueError(_("duration {value} is longer than a year").format(value=repr(text)))
    return round(seconds)


def parse_offsets(text: str) -> tuple[int, ...]:
    """Reminder offsets in seconds, ascending and distinct; the first is the alert, the last closes the window."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ValueError(_("offsets must list at least one duration, like 0h,24h,48h,72h"))
    offsets = tuple(parse_duration(part, default_unit="h") for part in parts)
    if list(offsets) != sorted(set(offsets)):
        raise ValueError(
            _("offsets {value} must be distinct and in ascending order, like 0h,24h,48h,72h").format(value=repr(text))
        )
    return offsets


def format_duration(seconds: int) -> str:
    """Compact human form: 90 → '1m30s', 86400 → '1d', 3600*30 → '1d6h'."""
    if seconds == 0:
        return "0h"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


_BABEL_UNITS = (("duration-day", 86400), ("duration-hour", 3600), ("duration-minute", 60), ("duration-second", 1))


def show_duration(seconds: int) -> str:
    """A duration for people to read, in the active language: '1d6h' in English (as typed), '1 дн. 6 год' in
    Ukrainian, the same units as `format_duration` in the same order."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return format_duration(seconds)
    from babel.units import format_unit

    parts = []
    for unit, size in _BABEL_UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(format_unit(count, unit, length="short", locale=language))
    return " ".join(parts) or format_unit(0, "duration-hour", length="short", locale=language)
