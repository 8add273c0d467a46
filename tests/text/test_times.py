"""Times and zones as people type them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handlers.text.durations import format_duration, parse_duration, parse_offsets
from handlers.text.times import TimeParseError, parse_time, show_time
from handlers.text.zones import UnknownZoneError, resolve_zone, zone_label

NOW = datetime(2025, 7, 5, 12, 0, tzinfo=UTC)
KYIV = resolve_zone("Kyiv")


@pytest.mark.parametrize(
    ("text", "expected", "known"),
    [
        ("2025-07-03T14:00Z", datetime(2025, 7, 3, 14, 0, tzinfo=UTC), True),
        ("2025-07-03 14:00", datetime(2025, 7, 3, 14, 0, tzinfo=UTC), True),
        ("2025-07-03 14:00 Kyiv", datetime(2025, 7, 3, 11, 0, tzinfo=UTC), True),
        ("2025-07-03T14:00+03:00", datetime(2025, 7, 3, 11, 0, tzinfo=UTC), True),
        ("2025-07-03 14:00 +03:00", datetime(2025, 7, 3, 11, 0, tzinfo=UTC), True),
        ("2025-07-03 14:00 europe/kyiv", datetime(2025, 7, 3, 11, 0, tzinfo=UTC), True),
        ("2025-07-03", datetime(2025, 7, 3, 0, 0, tzinfo=UTC), False),
        ("today 09:30", datetime(2025, 7, 5, 9, 30, tzinfo=UTC), True),
        ("yesterday", datetime(2025, 7, 4, 0, 0, tzinfo=UTC), False),
        ("now", NOW, True),
        ("2h ago", NOW - timedelta(hours=2), True),
        ("1 hour ago", NOW - timedelta(hours=1), True),
    ],
)
def test_parse_time_reads_every_documented_form(text: str, expected: datetime, known: bool) -> None:
    parsed = parse_time(text, now=NOW, zone=UTC)
    assert parsed.at == expected
    assert parsed.time_known is known


def test_channel_zone_applies_when_the_text_names_none() -> None:
    assert parse_time("2025-07-03 14:00", now=NOW, zone=KYIV).at == datetime(2025, 7, 3, 11, 0, tzinfo=UTC)
    # "today" is the channel's today: 01:00 UTC on the 5th is already the 5th in Kyiv but 23:00 is the 6th.
    late = datetime(2025, 7, 5, 22, 30, tzinfo=UTC)
    assert parse_time("today 00:30", now=late, zone=KYIV).at == datetime(2025, 7, 5, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-13-03", "not a real date"),
        ("tomorrow", "can't read the time"),
        ("2025-07-03 14:00 Mars", "unknown time zone 'Mars'"),
        ("2030-01-01", "in the future"),
        ("1999-12-31", "before 2000"),
        ("today 25:00", "not a clock time"),
        ("", "empty time"),
    ],
)
def test_bad_times_get_specific_messages(text: str, message: str) -> None:
    with pytest.raises(TimeParseError, match=message):
        parse_time(text, now=NOW, zone=UTC)


def test_show_time_names_both_zones() -> None:
    value = datetime(2025, 7, 3, 14, 5, tzinfo=UTC)
    assert show_time(value, KYIV) == "2025-07-03 14:05 UTC · 17:05 Kyiv"
    assert show_time(value, UTC) == "2025-07-03 14:05 UTC"
    assert show_time(datetime(2025, 7, 3, 22, 0, tzinfo=UTC), KYIV) == "2025-07-03 22:00 UTC · 2025-07-04 01:00 Kyiv"


def test_zones_resolve_short_names_iana_and_offsets() -> None:
    assert zone_label(resolve_zone("Kyiv")) == "Kyiv"
    assert zone_label(resolve_zone("+03:00")) == "+03:00"
    assert zone_label(resolve_zone("UTC")) == "UTC"
    with pytest.raises(UnknownZoneError, match="unknown time zone"):
        resolve_zone("Nowhere/Special")
    with pytest.raises(UnknownZoneError, match="beyond"):
        resolve_zone("+15:00")


def test_durations_and_offsets() -> None:
    assert parse_duration("90") == 5400
    assert parse_duration("1h30m") == 5400
    assert parse_duration("2d") == 172800
    assert parse_offsets("0h,24h,48h,72h") == (0, 86400, 172800, 259200)
    assert format_duration(93600) == "1d2h"
    for bad, message in (("1x", "not a duration"), ("h1", "not a duration"), ("400d", "longer than a year")):
        with pytest.raises(ValueError, match=message):
            parse_duration(bad)
    with pytest.raises(ValueError, match="ascending"):
        parse_offsets("24h,0h")
