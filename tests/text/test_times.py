"""Times and zones as people type them."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from handlers.text.durations import format_duration, parse_duration, parse_offsets
from handlers.text.times import FORMS, MONTHS, ParsedTime, TimeParseError, parse_time, show_time, time_range
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
        # Natural forms: a clock time alone is today in the zone.
        ("11:00", datetime(2025, 7, 5, 11, 0, tzinfo=UTC), True),
        ("11.30", datetime(2025, 7, 5, 11, 30, tzinfo=UTC), True),
        ("9am", datetime(2025, 7, 5, 9, 0, tzinfo=UTC), True),
        ("9:45 am", datetime(2025, 7, 5, 9, 45, tzinfo=UTC), True),
        ("noon", datetime(2025, 7, 5, 12, 0, tzinfo=UTC), True),
        ("12am", datetime(2025, 7, 5, 0, 0, tzinfo=UTC), True),
        ("today 2pm Kyiv", datetime(2025, 7, 5, 11, 0, tzinfo=UTC), True),
        ("yesterday 23:30 Kyiv", datetime(2025, 7, 4, 20, 30, tzinfo=UTC), True),
        ("yesterday at 2pm", datetime(2025, 7, 4, 14, 0, tzinfo=UTC), True),
        ("14:00 yesterday", datetime(2025, 7, 4, 14, 0, tzinfo=UTC), True),
        ("3 July 14:00", datetime(2025, 7, 3, 14, 0, tzinfo=UTC), True),
        ("July 3 2pm Moscow", datetime(2025, 7, 3, 11, 0, tzinfo=UTC), True),
        ("3rd Jul 2024 14:00", datetime(2024, 7, 3, 14, 0, tzinfo=UTC), True),
        ("3 July, 14.00 UTC+3", datetime(2025, 7, 3, 11, 0, tzinfo=UTC), True),
        ("2025-07-03 2pm", datetime(2025, 7, 3, 14, 0, tzinfo=UTC), True),
        ("3 July", datetime(2025, 7, 3, 0, 0, tzinfo=UTC), False),
        ("6 July", datetime(2024, 7, 6, 0, 0, tzinfo=UTC), False),  # no year: the latest 6 July not ahead
        ("10:00+03:00", datetime(2025, 7, 5, 7, 0, tzinfo=UTC), True),
        ("7am New York", datetime(2025, 7, 5, 11, 0, tzinfo=UTC), True),
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
        ("tomorrow", "can't read the time 'tomorrow'"),
        ("2025-07-03 14:00 Mars", "unknown time zone 'Mars'"),
        ("today 2pm Mars", "unknown time zone 'Mars'"),
        ("today 2pmx", "can't read the time 'today 2pmx': '2pmx' is not a day, a clock time or a zone"),
        ("3 July 14:00 soon", "time zone 'soon'"),  # a last word is read as a zone, and named
        ("3 July 14:00 soon please", "'soon' is not a day"),
        ("2030-01-01", "in the future"),
        ("14:30", "in the future"),
        ("1999-12-31", "before 2000"),
        ("today 25:00", "not a clock time"),
        ("13pm", "hour is 1 to 12"),
        ("31 February", "not a real date"),
        ("2025-07-03 14:00 America/Argentina", "region with 13 time zones"),
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


def test_a_zone_that_names_a_tzdata_folder_or_a_path_is_refused_clearly() -> None:
    with pytest.raises(UnknownZoneError, match="America/Argentina/Buenos_Aires"):
        resolve_zone("America/Argentina")
    with pytest.raises(UnknownZoneError, match=r"region with .* not one zone"):
        resolve_zone("Europe/")
    for name in ("../../etc/passwd", "/etc/passwd", "Europe//Kyiv", "x" * 500 + "/y", "posixrules/x"):
        with pytest.raises(UnknownZoneError, match="unknown time zone"):
            resolve_zone(name)


def test_a_range_ending_at_the_calendars_end_is_a_clear_error() -> None:
    end = parse_time("9999-12-31", now=NOW, zone=UTC, allow_future=True)
    with pytest.raises(TimeParseError, match="past the end of the calendar"):
        time_range(None, end)
    with pytest.raises(TimeParseError, match=r"out of range|before 2000"):
        parse_time("0001-01-01", now=NOW, zone=resolve_zone("+14:00"))


WORDS = [
    "today",
    "yesterday",
    "at",
    "noon",
    "pm",
    "am",
    "ago",
    "now",
    "Kyiv",
    "UTC",
    "+03:00",
    "Europe/Kyiv",
    "America/Argentina",
    "July",
    "3",
    "2pm",
    "14:00",
    "14.00",
    "9999-12-31",
    "0001-01-01",
    "2h",
    "31",
    ",",
]


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=60)
    | st.lists(st.sampled_from(WORDS) | st.text(string.printable, max_size=6), max_size=5).map(" ".join),
    zone=st.sampled_from([UTC, KYIV, resolve_zone("+14:00"), resolve_zone("-12:00")]),
    allow_future=st.booleans(),
)
@example(text="today 2pm Kyiv", zone=UTC, allow_future=False)
@example(text="9999-12-31 23:59", zone=resolve_zone("-12:00"), allow_future=True)
@example(text="2000-01-01 00:00", zone=resolve_zone("+14:00"), allow_future=False)
def test_any_text_parses_or_raises_the_modules_own_error(text: str, zone: object, allow_future: bool) -> None:
    try:
        parsed = parse_time(text, now=NOW, zone=zone, allow_future=allow_future)  # type: ignore[arg-type]
    except TimeParseError as error:
        assert str(error).strip(), text
        return
    assert isinstance(parsed, ParsedTime) and parsed.at.tzinfo is not None
    assert parsed.at >= datetime(2000, 1, 1, tzinfo=UTC)
    assert allow_future or parsed.at <= NOW + timedelta(minutes=10)
    time_range(parsed, None)
    try:
        time_range(None, parsed)
    except TimeParseError as error:
        assert "calendar" in str(error)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(name=st.text(max_size=40) | st.sampled_from(["America/Argentina", "Europe", "europe/KYIV", "UTC+15"]))
def test_any_zone_name_resolves_or_raises_the_modules_own_error(name: str) -> None:
    try:
        zone = resolve_zone(name)
    except UnknownZoneError as error:
        assert str(error).strip()
        return
    assert datetime(2025, 7, 3, tzinfo=zone).utcoffset() is not None


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    day=st.dates(min_value=datetime(2000, 1, 2).date(), max_value=NOW.date()),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
)
def test_every_documented_spelling_of_a_past_time_reads_the_same(day: object, hour: int, minute: int) -> None:
    when = datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=hour, minute=minute)  # type: ignore[arg-type]
    if when > NOW:
        return
    month = next(name for name, number in MONTHS.items() if number == when.month)  # the full name comes first
    twelve = f"{(hour % 12) or 12}:{minute:02d}{'pm' if hour >= 12 else 'am'}"
    spellings = [
        f"{when:%Y-%m-%d %H:%M}",
        f"{when.day} {month} {when.year} {hour:02d}.{minute:02d}",
        f"{month} {when.day} {when.year} {twelve}",
        f"{when:%Y-%m-%d} at {twelve} UTC",
    ]
    for spelling in spellings:
        assert parse_time(spelling, now=NOW, zone=KYIV if "UTC" in spelling else UTC).at == when, spelling


def test_the_forms_named_in_errors_all_parse() -> None:
    for form in FORMS.replace('"', "").split(", "):
        try:
            parse_time(form, now=NOW, zone=UTC)
        except TimeParseError as error:
            assert "in the future" in str(error), form  # 14:00 and 2pm are after NOW (12:00) today
