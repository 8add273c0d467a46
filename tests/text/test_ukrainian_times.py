"""Times typed in Ukrainian read exactly as their English spellings: the Ukrainian help shows `вчора 23:30`,
`3 липня 14:00`, `2 год тому` and `14:00 Київ`, so each must be understood, and mean the same moment."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.i18n import _, activate
from handlers.text.times import FORMS, MONTHS, ParsedTime, TimeParseError, parse_time
from handlers.text.zones import resolve_zone

NOW = datetime(2025, 7, 5, 12, 0, tzinfo=UTC)
KYIV = resolve_zone("Kyiv")
GENITIVE = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
]


@pytest.mark.parametrize(
    ("ukrainian", "english"),
    [
        ("зараз", "now"),
        ("Зараз", "now"),
        ("2 год тому", "2h ago"),
        ("2 години тому", "2 hours ago"),
        ("90 хв тому", "90 minutes ago"),
        ("1,5 год тому", "1.5h ago"),
        ("30 с тому", "30s ago"),
        ("2 дні тому", "2 days ago"),
        ("1 доба тому", "1d ago"),
        ("сьогодні 11:00", "today 11:00"),
        ("вчора 23:30", "yesterday 23:30"),
        ("учора о 23:30", "yesterday at 23:30"),
        ("23:30 вчора", "23:30 yesterday"),
        ("позавчора 08:00", "2025-07-03 08:00"),
        ("вчора", "yesterday"),
        ("3 липня 14:00", "3 July 14:00"),
        ("3 липня 2024 14:00", "3 July 2024 14:00"),
        ("липень 3", "July 3"),
        ("3 липня", "3 July"),
        ("31 грудня", "31 December"),
        ("опівдні", "noon"),
        ("полудень", "noon"),
        ("опівночі", "midnight"),
        ("сьогодні 11:00 Київ", "today 11:00 Kyiv"),
        ("11:00 за Києвом", "11:00 Kyiv"),
        ("11:00 за київським часом", "11:00 Europe/Kyiv"),
        ("вчора 23:30 Москва", "yesterday 23:30 Moscow"),
        ("вчора о 23:30 UTC", "yesterday 23:30 UTC"),
    ],
)
def test_each_ukrainian_spelling_reads_as_its_english_one(ukrainian: str, english: str) -> None:
    for zone in (UTC, KYIV):
        assert parse_time(ukrainian, now=NOW, zone=zone) == parse_time(english, now=NOW, zone=zone), (ukrainian, zone)


def test_the_forms_the_ukrainian_help_shows_all_parse() -> None:
    with activate("uk"):
        shown = _(FORMS)
    assert shown != FORMS and "вчора" in shown
    for form in shown.replace('"', "").split(", "):
        try:
            parse_time(form, now=NOW, zone=UTC)
        except TimeParseError as error:
            assert "in the future" in str(error), form  # 14:00 is after NOW (12:00) today


def test_a_time_the_parser_cannot_read_is_refused_in_the_readers_language() -> None:
    with activate("uk"):
        with pytest.raises(TimeParseError, match="не можу прочитати час 'вчора пізно': 'пізно' — не день") as refused:
            parse_time("вчора пізно", now=NOW, zone=UTC)
        assert "вчора 23:30" in str(refused.value)  # the examples are the Ukrainian ones, which parse
        with pytest.raises(TimeParseError, match="'32 липня' у '32 липня 14:00' — не справжня дата"):
            parse_time("32 липня 14:00", now=NOW, zone=UTC)
        with pytest.raises(TimeParseError, match="'25:99' — не час доби"):
            parse_time("вчора 25:99", now=NOW, zone=UTC)
        with pytest.raises(TimeParseError, match="у майбутньому"):
            parse_time("сьогодні 23:00", now=NOW, zone=UTC)
    with pytest.raises(TimeParseError, match="is in the future"):
        parse_time("сьогодні 23:00", now=NOW, zone=UTC)  # English callers get English, whatever they typed


WORDS = [
    "зараз",
    "сьогодні",
    "вчора",
    "учора",
    "позавчора",
    "о",
    "об",
    "тому",
    "год",
    "хв",
    "дні",
    "доби",
    "опівдні",
    "опівночі",
    "Київ",
    "за",
    "Києвом",
    "липня",
    "грудень",
]
WORDS += ["3", "14:00", "14.00", "2", "1,5", ","]


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.lists(
        st.sampled_from(WORDS) | st.text(string.digits + "абвгдєжзийклмнопрстуфхцчшщьюяї:,.", max_size=6), max_size=5
    ).map(" ".join),
    zone=st.sampled_from([UTC, KYIV, resolve_zone("+14:00"), resolve_zone("-12:00")]),
)
def test_any_ukrainian_words_parse_or_raise_the_modules_own_error(text: str, zone: object) -> None:
    try:
        parsed = parse_time(text, now=NOW, zone=zone)  # type: ignore[arg-type]
    except TimeParseError as error:
        assert str(error).strip(), text
        return
    assert isinstance(parsed, ParsedTime) and datetime(2000, 1, 1, tzinfo=UTC) <= parsed.at <= NOW + timedelta(
        minutes=10
    )


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    day=st.dates(min_value=datetime(2000, 1, 2).date(), max_value=NOW.date()),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
)
def test_every_ukrainian_spelling_of_a_past_time_reads_the_same(day: object, hour: int, minute: int) -> None:
    when = datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=hour, minute=minute)  # type: ignore[arg-type]
    if when > NOW:
        return
    month = GENITIVE[when.month - 1]
    assert MONTHS[month] == when.month
    spellings = [
        f"{when.day} {month} {when.year} {hour:02d}:{minute:02d}",
        f"{when.day} {month} {when.year} о {hour:02d}.{minute:02d} UTC",
        f"{hour:02d}:{minute:02d} {when.day} {month} {when.year}",
    ]
    for spelling in spellings:
        assert parse_time(spelling, now=NOW, zone=KYIV if "UTC" in spelling else UTC).at == when, spelling
