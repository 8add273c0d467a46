"""No text makes the parser raise: whatever is pasted comes back as a report or a refusal."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from handlers.airforce import ParsedReport, Refusal, parse_report
from tests.airforce.corpus import reports

FRAGMENTS = [
    "У ніч на 26 січня",
    "(з 18:00 25 січня)",
    "противник атакував",
    "138 ударними БпЛА типу Shahed,",
    "«Гербера» і безпілотниками інших типів",
    "близько 90 із них – «Шахеди»",
    "збито/подавлено 110",
    "усі вони",
    "з них",
    "of which",
    "both missiles",
    "a cruise missile",
    "all 14 drones",
    "28 out of 31",
    "Kh-59/69",
    "С-300/400",
    "Іскандер-М/KN-23",
    "двісті сорок два",
    "two hundred and",
    "понад",
    "Повітряні сили",
    "Air Force said",
    "Минобороны",
    "\n",
    ".",
    "…",
    ";",
    " ",
    "0",
    "999999999999",
    "-1",
]


def check(text: str, posted_at: dt.date | None = None) -> None:
    result = parse_report(text, posted_at)
    assert isinstance(result, ParsedReport | Refusal)
    document = result.as_json()
    assert isinstance(document, dict)
    if isinstance(result, ParsedReport):
        for value in (result.drones_launched, result.missiles_launched, result.drones_destroyed):
            assert value is None or value >= 0


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(max_size=400))
@example("")
@example("\x00" * 50)
@example("9" * 5000)
def test_arbitrary_text_never_raises(text: str) -> None:
    check(text)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.none() | st.dates())
def test_report_shaped_nonsense_never_raises(parts: list[str], posted: dt.date | None) -> None:
    check(" ".join(parts), posted)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.sampled_from([report.text for report in reports()]), st.integers(0, 2000), st.integers(0, 2000))
def test_any_slice_of_a_real_report_never_raises(text: str, start: int, length: int) -> None:
    check(text[start : start + length])
