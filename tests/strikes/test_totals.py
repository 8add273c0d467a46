"""A strike's totals never contradict its per-weapon detail: in chat and in the callwatch CSV format alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.core import Core
from handlers.imports.importer import import_strikes
from handlers.strikes.totals import contradiction, resolved_totals
from storage.models import StrikeReport
from tests.conftest import RequestMaker
from tests.helpers import row_counts


def test_a_total_below_its_weapons_is_refused_in_chat_and_changes_nothing(
    core: Core, make_request: RequestMaker
) -> None:
    before = row_counts(core)
    reply = core.router.handle(make_request("strike", 'at=now drones=10 weapons="Shahed-136:20"'))
    assert not reply.ok
    assert "drones=10 but weapons= lists 20 drones (Shahed-136:20)" in reply.text
    assert "at least 20" in reply.text and "total" in reply.text
    assert row_counts(core) == before
    missiles = core.router.handle(make_request("strike", 'at=now missiles=1 weapons="Iskander-M:6,Shahed-136:5"'))
    assert not missiles.ok and "missiles=1 but weapons= lists 6 missiles (Iskander-M:6)" in missiles.text


def test_partial_detail_and_derived_totals_are_stored(core: Core, make_request: RequestMaker) -> None:
    # 400 drones reported, of which 300 named as Shahed-136; 6 missiles derived from weapons=.
    reply = core.router.handle(make_request("strike", 'at=now drones=400 weapons="Shahed-136:300,Iskander-M:6"'))
    assert reply.ok, reply.text
    with core.db.reader() as session:
        [strike] = session.exec(select(StrikeReport)).all()
    assert (strike.drones, strike.missiles) == (400, 6)


def test_the_callwatch_csv_format_applies_the_same_rule(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text(
        "at,drones,missiles,weapons\n"
        '2025-07-03T15:00:00Z,10,,"Shahed-136:20"\n'
        '2025-07-03T16:00:00Z,,,"Shahed-136:20,Kalibr:2"\n'
        '2025-07-03T17:00:00Z,25,3,"Shahed-136:20,Kalibr:2"\n',
        encoding="utf-8",
    )
    report = import_strikes(core.ctx, path)
    assert [(error.row, error.column) for error in report.errors] == [(2, "drones")]
    assert "at least 20" in report.errors[0].message
    with core.db.reader() as session:
        stored = session.exec(select(StrikeReport).order_by(StrikeReport.started_at)).all()
    assert [(strike.drones, strike.missiles) for strike in stored] == [(20, 2), (25, 3)]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    weapons=st.dictionaries(st.sampled_from(["Shahed-136", "Gerbera", "Iskander-M", "Kalibr"]), st.integers(0, 500)),
    drones=st.none() | st.integers(0, 1000),
    missiles=st.none() | st.integers(0, 1000),
)
def test_the_rule_refuses_exactly_the_totals_below_the_detail(
    weapons: dict[str, int], drones: int | None, missiles: int | None
) -> None:
    listed_drones = sum(n for model, n in weapons.items() if model in {"Shahed-136", "Gerbera"})
    listed_missiles = sum(weapons.values()) - listed_drones
    short = (drones is not None and drones < listed_drones) or (missiles is not None and missiles < listed_missiles)
    assert (contradiction(weapons, drones=drones, missiles=missiles) is not None) is short
    if not short:
        resolved = resolved_totals(weapons, drones=drones, missiles=missiles)
        assert resolved[0] >= listed_drones and resolved[1] >= listed_missiles


@pytest.mark.parametrize("total", ["drones=19", "drones=0"])
def test_every_short_total_names_the_argument(core: Core, make_request: RequestMaker, total: str) -> None:
    reply = core.router.handle(make_request("strike", f'at=now {total} weapons="Shahed-136:20"'))
    assert not reply.ok and "drones" in reply.errors, reply
