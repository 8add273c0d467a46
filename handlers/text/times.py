"""Times people type in chat turned into aware UTC datetimes.

Inside the bot every time is timezone-aware UTC; the channel's zone only applies to what people type and see.
What is understood (`FORMS`, shown in `/help contact` and the README):

- ISO 8601: `2025-07-03T14:00Z`, `2025-07-03 14:00`, `2025-07-03T14:00+03:00`; a bare `2025-07-03` is that day
  with the hour unknown.
- A clock time alone is today in the zone: `14:00`, `14.00`, `2pm`, `2:30 pm`, `noon`, `midnight`.
- A day and a clock time, either order, `at` allowed between: `today 2pm`, `yesterday 23:30`, `3 July 14:00`,
  `July 3 2pm`, `3 Jul 2025 14:00`, `2025-07-03 2pm`, `14:00 yesterday`. A day without a clock time (`yesterday`,
  `3 July`) has its hour unknown. A day and month without a year is the latest such day not in the future.
- `now`, `2h ago`, `90 minutes ago`.
- Any of these may end with a zone: `UTC`, `Kyiv`, `Moscow`, `Europe/Kyiv`, `+03:00`, `UTC+3`; without one the
  channel's zone applies.
- The same in Ukrainian, as the Ukrainian help shows them: `зараз`, `2 год тому`, `сьогодні 14:00 Київ`,
  `вчора о 23:30`, `3 липня 14:00`, `опівдні`, `14:00 за Києвом`.

Anything else raises `TimeParseError` naming the word that was not understood — never another exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import partial

from handlers.i18n import N_, _, ngettext
from handlers.text.zones import UnknownZoneError, resolve_zone

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(minutes=10)
MAX_TEXT = 200  # a time is a few words; longer text is not one
FORMS = N_('2025-07-03 14:00, 14:00, 14.00, 2pm, "today 2pm Kyiv", "yesterday 23:30", "3 July 14:00", now, 2h ago')

_AGO = re.compile(
    r"^(\d{1,7}(?:\.\d{1,3})?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?)\s+ago$", re.IGNORECASE
)
_AGO_UK = re.compile(
    r"^(\d{1,7}(?:[.,]\d{1,3})?)\s*(с|сек|секунд[аиу]?|хв|хвилин[аиу]?|г|год|годин[аиу]?|д|дн|день|дні|днів|доба|доби|діб)"
    r"\.?\s+тому$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_UK_UNITS = {"с": "s", "х": "m", "г": "h", "д": "d"}  # a Ukrainian unit by its first letter
_NOW = {"now", "зараз"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:[+-]\d{2}:?\d{2})?")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2})(?::(\d{2}))?)?(am|pm|a\.m\.|p\.m\.)?")
_MERIDIEM = {"am": "am", "a.m.": "am", "pm": "pm", "p.m.": "pm"}
_ATTACHED_OFFSET = re.compile(r"^(.*(?:\d[:.]\d{2}(?::\d{2})?|[ap]m))(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_DAY_NUMBER = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_YEAR = re.compile(r"\d{4}")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
} | {
    name: number
    for number, names in enumerate(
        (
            ("січня", "січень"),
            ("лютого", "лютий"),
            ("березня", "березень"),
            ("квітня", "квітень"),
            ("травня", "травень"),
            ("червня", "червень"),
            ("липня", "липень"),
            ("серпня", "серпень"),
            ("вересня", "вересень"),
            ("жовтня", "жовтень"),
            ("листопада", "листопад"),
            ("грудня", "грудень"),
        ),
        start=1,
    )
    for name in names
}
_DAY_WORDS = {"today": 0, "yesterday": 1, "сьогодні": 0, "вчора": 1, "учора": 1, "позавчора": 2}
_AT = {"at", "о", "об"}  # "yesterday at 23:30", "вчора о 23:30"
_NOON = {"noon", "midday", "полудень", "опівдні"}
_MIDNIGHT = {"midnight", "північ", "опівночі"}


class TimeParseError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedTime:
    at: datetime  # aware, UTC
    time_known: bool  # False when only a date was given


def parse_time(text: str, *, now: datetime, zone: tzinfo, allow_future: bool = False) -> ParsedTime:
    """Parse one time expression; `zone` applies when the text names none."""
    raw = " ".join(text.split())
    if not raw:
        raise TimeParseError(_("empty time: write it like {forms}").format(forms=_(FORMS)))
    if len(raw) > MAX_TEXT:
        raise TimeParseError(
            ngettext(
                "that time is {n} character long; write it like {forms}",
                "that time is {n} characters long; write it like {forms}",
                len(raw),
            ).format(n=len(raw), forms=_(FORMS))
        )
    try:
        parsed = _parse(raw, now=now, zone=zone)
    except (OverflowError, ValueError) as error:  # a year at the edge of the calendar, after the zone shift
        if isinstance(error, TimeParseError):
            raise
        raise TimeParseError(_("time {value} is out of range; check the year").format(value=repr(raw))) from None
    if parsed.at < EARLIEST:
        raise TimeParseError(_("time {value} is before 2000; check the year").format(value=repr(raw)))
    if not allow_future and parsed.at > now + FUTURE_SLACK:
        raise TimeParseError(
            _(
                "time {value} is in the future ({when} UTC); reports are about what already happened "
                '(for yesterday, write "yesterday" before the time)'
            ).format(value=repr(raw), when=f"{parsed.at:%Y-%m-%d %H:%M}")
        )
    return parsed


def _parse(raw: str, *, now: datetime, zone: tzinfo) -> ParsedTime:
    lowered = raw.lower()
    if lowered in _NOW:
        return ParsedTime(now.astimezone(UTC), True)
    ago = _AGO.match(raw) or _AGO_UK.match(raw)
    if ago:
        letter = ago.group(2)[0].lower()
        amount, unit = float(ago.group(1).replace(",", ".")), _UK_UNITS.get(letter, letter)
        return ParsedTime((now - timedelta(seconds=amount * _UNIT_SECONDS[unit])).astimezone(UTC), True)
    iso = _parse_iso(raw, zone)
    if iso:
        return iso
    body, named_zone, zone_problem = _split_zone(raw)
    zone = named_zone or zone
    parsed = _parse_iso(body, zone) or _read_words(body, raw, now=now, zone=zone)
    if zone_problem:  # "today 2pm Mars": the time reads, so the last word is a zone that is not known
        raise TimeParseError(zone_problem)
    return parsed


def _parse_iso(text: str, zone: tzinfo) -> ParsedTime | None:
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    if _ISO_DATE.fullmatch(candidate):
        return _at(_real_date(candidate, text), time(0, 0), zone, time_known=False)
    if not _ISO.fullmatch(candidate):
        return None
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError as error:
        raise TimeParseError(
            _("{value} is not a real date and time ({reason})").format(value=repr(text), reason=_calendar_reason(error))
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return ParsedTime(value.astimezone(UTC), True)


def _real_date(candidate: str, text: str) -> date:
    try:
        return date.fromisoformat(candidate)
    except ValueError as error:
        raise TimeParseError(
            _("{value} is not a real date ({reason})").format(value=repr(text), reason=_calendar_reason(error))
        ) from None


# Python's words for an impossible date or clock time, as they are shown inside our own sentence.
_CALENDAR_REASONS = {
    "month must be in 1..12": N_("month must be in 1..12"),
    "day is out of range for month": N_("day is out of range for month"),
    "hour must be in 0..23": N_("hour must be in 0..23"),
    "minute must be in 0..59": N_("minute must be in 0..59"),
    "second must be in 0..59": N_("second must be in 0..59"),
}


def _calendar_reason(error: ValueError) -> str:
    """Why the calendar refused a date, in the active language (Python's own wording for anything unforeseen)."""
    said = str(error)
    known = next((reason for text, reason in _CALENDAR_REASONS.items() if said.startswith(text)), None)
    return _(known) if known else said


def _split_zone(raw: str) -> tuple[str, tzinfo | None, str | None]:
    """(the text before a trailing zone, that zone or None, why the last word is not a zone if it looks like one).

    When the last word looks like a zone but is none, the text before it is returned with the reason: if that
    text reads as a time, the unknown zone is the error; if not, the first word it cannot read is.

    A zone is the last one to three words (`Kyiv`, `Europe/Kyiv`, `New York`, `UTC+3`) or an offset attached to
    a clock time (`14:00+03:00`, `14:00Z`).
    """
    attached = _ATTACHED_OFFSET.match(raw)
    if attached:
        try:
            return attached.group(1), resolve_zone(attached.group(2)), None
        except UnknownZoneError as error:
            return raw, None, str(error)
    words = raw.split(" ")
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        candidate = " ".join(words[-size:])
        if _is_time_word(candidate):
            continue
        try:
            return " ".join(words[:-size]), resolve_zone(candidate), None
        except UnknownZoneError as error:
            if size == 1 and _looks_like_zone(candidate):
                return " ".join(words[:-1]), None, str(error)
    return raw, None, None


def _is_time_word(word: str) -> bool:
    lowered = word.lower()
    return (
        lowered in MONTHS
        or lowered in _DAY_WORDS
        or lowered in _MERIDIEM
        or lowered in _AT | _NOON | _MIDNIGHT | {"ago", "тому"}
        or bool(_CLOCK.fullmatch(lowered))
    )


def _looks_like_zone(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z_/+\-0-9]*", word)) and not _is_time_word(word)


def _read_words(body: str, raw: str, *, now: datetime, zone: tzinfo) -> ParsedTime:
    """A day and/or a clock time, in either order, `at` allowed: what is left once ISO and the zone are read."""
    words = [word.strip(",").lower() for word in body.split(" ") if word.strip(",")]
    today = now.astimezone(zone).date()
    day: date | None = None
    clock: time | None = None
    index = 0
    while index < len(words):
        word = words[index]
        if word in _AT:
            index += 1
            continue
        if day is None and word in _DAY_WORDS:
            day, index = today - timedelta(days=_DAY_WORDS[word]), index + 1
            continue
        if day is None and _ISO_DATE.fullmatch(word):
            day, index = _real_date(word, raw), index + 1
            continue
        if day is None:
            found = _calendar_date(words[index:], today, raw)
            if found:
                day, used = found
                index += used
                continue
        if clock is None:
            read = _clock(words[index:], raw)
            if read:
                clock, used = read
                index += used
                continue
        raise TimeParseError(_not_understood(word, raw))
    if day is None and clock is None:
        raise TimeParseError(_not_understood(words[0] if words else raw, raw))
    return _at(day or today, clock or time(0, 0), zone, time_known=clock is not None)


def _not_understood(word: str, raw: str) -> str:
    if word == raw.lower():
        return _("can't read the time {value}: write it like {forms}").format(value=repr(raw), forms=_(FORMS))
    return _("can't read the time {value}: {word} is not a day, a clock time or a zone; write it like {forms}").format(
        value=repr(raw), word=repr(word), forms=_(FORMS)
    )


def _clock(words: list[str], raw: str) -> tuple[time, int] | None:
    """`14:00`, `14.00`, `2pm`, `2:30 pm`, `noon`, `midnight` at the start of `words`: (clock time, words used)."""
    first = words[0]
    if first in _NOON:
        return time(12, 0), 1
    if first in _MIDNIGHT:
        return time(0, 0), 1
    used = 1
    text = first
    if len(words) > 1 and words[1] in _MERIDIEM and not first.endswith(tuple(_MERIDIEM)):
        text, used = first + words[1], 2
    match = _CLOCK.fullmatch(text)
    if not match:
        return None
    hours_text, minutes_text, seconds_text, meridiem = match.groups()
    if minutes_text is None and meridiem is None:
        return None  # a bare number is not a clock time ("3" could be a day)
    hours, minutes, seconds = int(hours_text), int(minutes_text or 0), int(seconds_text or 0)
    if meridiem:
        if not 1 <= hours <= 12:
            raise TimeParseError(
                _("{value} is not a clock time: with am/pm the hour is 1 to 12").format(value=repr(text))
            )
        hours = hours % 12 + (12 if _MERIDIEM[meridiem] == "pm" else 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise TimeParseError(_("{value} is not a clock time").format(value=repr(text)))
    return time(hours, minutes, seconds), used


def _calendar_date(words: list[str], today: date, raw: str) -> tuple[date, int] | None:
    """`3 July [2025]`, `July 3 [2025]`, `3rd Jul` at the start of `words`: (date, words used)."""
    if len(words) < 2:
        return None
    first, second = words[0], words[1]
    if first in MONTHS and _DAY_NUMBER.fullmatch(second):
        month, day_text = MONTHS[first], _DAY_NUMBER.fullmatch(second).group(1)  # type: ignore[union-attr]
    elif second in MONTHS and _DAY_NUMBER.fullmatch(first):
        month, day_text = MONTHS[second], _DAY_NUMBER.fullmatch(first).group(1)  # type: ignore[union-attr]
    else:
        return None
    used = 2
    year: int | None = None
    if len(words) > 2 and _YEAR.fullmatch(words[2]):
        year, used = int(words[2]), 3
    label = " ".join(words[:used])
    try:
        if year is not None:
            return date(year, month, int(day_text)), used
        # No year: the latest such day that is not in the future (3 July read on 1 July is last year's).
        candidate = date(today.year, month, int(day_text)) if _exists(today.year, month, int(day_text)) else None
        if candidate is None or candidate > today:
            candidate = date(today.year - 1, month, int(day_text))
        return candidate, used
    except ValueError:
        raise TimeParseError(
            _("{date} in {value} is not a real date").format(date=repr(label), value=repr(raw))
        ) from None


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _at(day: date, clock: time, zone: tzinfo, *, time_known: bool) -> ParsedTime:
    return ParsedTime(datetime.combine(day, clock, tzinfo=zone).astimezone(UTC), time_known)


RANGE_KEYS = frozenset({"from", "to"})  # the arguments `range_arguments` reads; times may run on over words


def range_arguments(now: datetime, zone: tzinfo) -> dict[str, Callable[[str], ParsedTime]]:
    """`from=` and `to=` as /timeline and /analysis take them: any time, in the future too (a period's end)."""
    return {key: partial(parse_time, now=now, zone=zone, allow_future=True) for key in sorted(RANGE_KEYS)}


def time_range(start: ParsedTime | None, end: ParsedTime | None) -> tuple[datetime | None, datetime | None]:
    """`from=`/`to=` as a half-open UTC range; a bare `to=2025-07-10` includes that whole day."""
    lower = start.at if start else None
    try:
        upper = (end.at if end.time_known else end.at + timedelta(days=1)) if end else None
    except OverflowError:
        raise TimeParseError(_("to= is past the end of the calendar; leave it out to mean up to now")) from None
    if lower and upper and lower >= upper:
        raise TimeParseError(_("from= must be before to="))
    return lower, upper


def as_utc(value: datetime) -> datetime:
    """Databases hand back naive datetimes (SQLite) or aware ones (PostgreSQL); make both aware UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def show_time(value: datetime, zone: tzinfo) -> str:
    """'2025-07-03 14:05 UTC · 17:05 Kyiv' — UTC always, the channel's zone beside it when different."""
    from handlers.text.zones import zone_label

    utc = as_utc(value)
    text = utc.strftime("%Y-%m-%d %H:%M UTC")
    local = utc.astimezone(zone)
    if local.utcoffset() != timedelta(0) or zone_label(zone) != "UTC":
        same_day = local.date() == utc.date()
        text += f" · {local.strftime('%H:%M' if same_day else '%Y-%m-%d %H:%M')} {zone_label(zone)}"
    return text
