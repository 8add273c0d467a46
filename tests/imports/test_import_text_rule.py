"""A CSV import keeps the chat's text rule: what the chat would refuse is a rejected row, what it would clean is
stored cleaned — a NUL, an ANSI escape or a right-to-left override in a cell never crashes or slips in."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.core import Core
from handlers.imports.importer import import_strikes
from storage.models import StrikeReport

HEADER = "record,id,at,time_known,drones,missiles,weapons,region,source,notes\n"


def test_strike_cells_follow_the_text_rule(core: Core, tmp_path: Path) -> None:
    rows = [
        'strike,,2025-07-04T01:00:00Z,True,5,0,,Ky\u200biv,kpszsu,"fine \u202eevil"\n',  # invisible: dropped
        "strike,,2025-07-04T02:00:00Z,True,6,0,,Odesa,kpszsu,bad\x00note\n",  # NUL: refused
        "strike,,2025-07-04T03:00:00Z,True,7,0,,Kharkiv,\x1b[31mred\x1b[0m,ok\n",  # ANSI escape: refused
        "strike,,2025-07-04T04:00:00Z,True,8,0,,Ｌviv,kpszsu,ok\n",  # full width: NFKC
    ]
    path = tmp_path / "strikes.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    report = import_strikes(core.ctx, path, "callwatch")
    assert report.inserted == 2 and len(report.errors) == 2, report.errors
    assert {(error.row, error.column) for error in report.errors} == {(3, "notes"), (4, "source")}
    assert all("control character" in error.message for error in report.errors)
    with core.db.reader() as session:
        stored = session.exec(select(StrikeReport).order_by(StrikeReport.started_at)).all()
    assert [(strike.region, strike.notes) for strike in stored] == [("Kyiv", "fine evil"), ("Lviv", "ok")]
