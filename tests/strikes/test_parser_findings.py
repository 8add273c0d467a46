"""What building the report preview found in the Air Force parser (handlers/airforce/, another engineer's): kept
here, outside the parser's own tests, until its owner has looked at it.

Each finding is a strict xfail: it runs and asserts on every test run, and the day the parser is fixed it fails as
XPASS, which says to move it into the parser's tests and delete it here.
"""

from __future__ import annotations

import pytest

from handlers.airforce import ParsedReport, parse_report

ATTACKED = (
    "У ніч на 6 липня 2025 року противник атакував 4 балістичними ракетами Іскандер-М. Збито 4 ракети. "
    "Повітряні сили ЗСУ"
)
STRUCK = (
    "У ніч на 6 липня 2025 року противник завдав удару 4 балістичними ракетами Іскандер-М. Усі 4 ракети збито. "
    "Повітряні сили ЗСУ"
)


def test_the_model_is_named_when_the_report_says_attacked() -> None:
    """Calibration: with "атакував" the model is read, so the finding below is about the verb alone."""
    parsed = parse_report(ATTACKED)
    assert isinstance(parsed, ParsedReport)
    assert {weapon.name: weapon.launched for weapon in parsed.weapons} == {"Iskander-M/KN-23": 4}


@pytest.mark.xfail(
    strict=True,
    reason="parser: with 'завдав удару' (struck) instead of 'атакував' the same '4 балістичними ракетами "
    "Іскандер-М' is counted but its model is lost (read as 'Unknown Missile'), so the preview's table and the "
    "stored weapons name no model",
)
def test_the_model_is_named_when_the_report_says_struck() -> None:
    parsed = parse_report(STRUCK)
    assert isinstance(parsed, ParsedReport) and parsed.missiles_launched == 4
    assert {weapon.name: weapon.launched for weapon in parsed.weapons} == {"Iskander-M/KN-23": 4}
