"""Times people type in chat ("2025-07-03 14:00 Kyiv", "today 09:30", "2h ago") turned into aware UTC datetimes.

Inside the bot every time is timezone-aware UTC; the channel's zone only applies to what people type and see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from handlers.text.zones import UnknownZoneError, resolve_zone

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(minutes=10)

_AGO = re.compile(
    r"^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?|d|days?)\s+ago$", re.IGNORECASE
)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_TRAILING_ZONE = re.compile(r"^(.*?)(?:\s+|(?<=\d))((?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?|Z|[A-Za-z][A-Za-z_/ ]*)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


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
        raise TimeParseError("empty time: write it like 2025-07-03T14:00Z, 'today 09:30' or now")
    parsed = _parse(raw, now=now, zone=zone)
    if parsed.at < EARLIEST:
        raise TimeParseError(f"time {text!r} is before 2000; check the year")
    if not allow_future and parsed.at > now + FUTURE_SLACK:
        raise TimeParseError(f"time {text!r} is in the future; reports are about what already happened")
    return parsed


def _parse(raw: str, *, now: datetime, zone: tzinfo) -> ParsedTime:
    lowered = raw.lower()
    if lowered == "now":
        return ParsedTime(now.astimezone(UTC), True)
    ago = _AGO.match(raw)
    if ago:
        amount, unit = float(ago.group(1)), ago.group(2)[0].lower()
        return ParsedTime((now - timedelta(seconds=amount * _UNIT_SECONDS[unit])).astimezone(UTC), True)
    iso = _parse_iso(raw, zone)
    if iso:
        return iso
    body, named_zone = _split_zone(raw)
    if named_zone is not None:
        zone = named_zone
        iso = _parse_iso(body, zone)
        if iso:
            return iso
    words = body.lower().split()
    if words and words[0] in {"today", "yesterday"}:
        day = now.astimezone(zone).date() - timedelta(days=1 if words[0] == "yesterday" else 0)
        if len(words) == 1:
            return _at(day, time(0, 0), zone, time_known=False)
        if len(words) == 2:
            return _at(day, _parse_clock(words[1], raw), zone, time_known=True)
    raise TimeParseError(
        f'can\'t read the time {raw!r}: write it like 2025-07-03T14:00Z, "2025-07-03 14:00 Kyiv", '
        '"today 09:30", yesterday, now or 2h ago'
    )


def _parse_iso(text: str, zone: tzinfo) -> ParsedTime | None:
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
        try:
            return _at(date.fromisoformat(candidate), time(0, 0), zone, time_known=False)
        except ValueError as error:
            raise TimeParseError(f"{text!r} is not a real date ({error})") from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2})?", candidate):
        return None
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError as error:
        raise TimeParseError(f"{text!r} is not a real date and time ({error})") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return ParsedTime(value.astimezone(UTC), True)


def _split_zone(raw: str) -> tuple[str, tzinfo | None]:
    match = _TRAILING_ZONE.match(raw)
    if not match:
        return raw, None
    body, zone_text = match.group(1).strip(), match.group(2).strip()
    if not body or zone_text.lower() in {"today", "yesterday", "now", "ago"}:
        return raw, None
    try:
        return body, resolve_zone(zone_text)
    except UnknownZoneError as error:
        raise TimeParseError(str(error)) from None


def _parse_clock(text: str, raw: str) -> time:
    match = _CLOCK.match(text)
    if not match:
        raise TimeParseError(f"can't read the clock time in {raw!r}: write it like 09:30")
    hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise TimeParseError(f"{text!r} is not a clock time")
    return time(hours, minutes, seconds)


def _at(day: date, clock: time, zone: tzinfo, *, time_known: bool) -> ParsedTime:
    return ParsedTime(datetime.combine(day, clock, tzinfo=zone).astimezone(UTC), time_known)


def time_range(start: ParsedTime | None, end: ParsedTime | None) -> tuple[datetime | None, datetime | None]:
    """`from=`/`to=` as a half-open UTC range; a bare `to=2025-07-10` includes that whole day."""
    lower = start.at if start else None
    upper = (end.at if end.time_known else end.at + timedelta(days=1)) if end else None
    if lower and upper and lower >= upper:
        raise TimeParseError("from= must be before to=")
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
