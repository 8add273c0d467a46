"""/strike through the router, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core import Core
from storage.models import StrikeReport
from tests.conftest import RequestMaker
from tests.helpers import row_counts


def stored_strikes(core: Core) -> list[StrikeReport]:
    with core.db.reader() as session:
        return list(session.exec(select(StrikeReport).order_by(StrikeReport.id)))


def test_logging_a_strike_with_every_field(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(
        make_request(
            "strike",
            'at="2025-07-04 01:00 Kyiv" drones=539 missiles=11 weapons="Shahed-136/131:539,Iskander-M:6" '
            'region="Kyiv oblast" killed=2 injured=14 source=kpszsu night of 3-4 July',
        )
    )
    assert reply.ok, reply.text
    [strike] = stored_strikes(core)
    assert strike.started_at == datetime(2025, 7, 3, 22, 0, tzinfo=UTC)
    assert (strike.drones, strike.missiles, strike.killed, strike.injured) == (539, 11, 2, 14)
    assert strike.weapons == {"Shahed-136/131": 539, "Iskander-M": 6}
    assert strike.region == "Kyiv oblast" and strike.notes == "night of 3-4 July"
    assert reply.title == f"Logged Strike #{strike.id} · 539 drones, 11 missiles · Kyiv oblast"


def test_totals_are_derived_from_weapons_when_not_given(core: Core, make_request: RequestMaker) -> None:
    assert core.router.handle(make_request("strike", 'at=now weapons="Shahed-136:400,Iskander-M:6,Kh-101:4"')).ok
    [strike] = stored_strikes(core)
    assert (strike.drones, strike.missiles) == (400, 10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("drones=5", "at= is required"),
        ("at=now region=Kyiv", "say what was launched"),
        ("at=now drones=-5", "cannot be negative"),
        ("at=now drones=five", "must be a whole number"),
        ("at=now weapons=Shahed", "should be MODEL:COUNT"),
        ("at=now weapons=Shahed:x", "Shahed: must be a whole number"),
        ("at=now weapons=Shahed:1,Shahed:2", "listed twice"),
        ("at=now drones=1 killed=lots", "killed=lots"),
    ],
)
def test_bad_strikes_change_nothing(core: Core, make_request: RequestMaker, text: str, message: str) -> None:
    before = row_counts(core)
    reply = core.router.handle(make_request("strike", text))
    assert not reply.ok and message in reply.text
    assert row_counts(core) == before


def test_retract_keeps_the_row(core: Core, make_request: RequestMaker) -> None:
    core.router.handle(make_request("strike", "at=now drones=3"))
    assert core.router.handle(make_request("strike", 'retract 1 reason="double report"')).ok
    [strike] = stored_strikes(core)
    assert strike.retracted_at is not None and strike.retract_reason == "double report"
