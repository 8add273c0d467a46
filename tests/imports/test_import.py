"""`callwatch import`: real rows land with the right counts, a re-import adds nothing, bad rows are named, the
format is read from the header, and the exit code tells a script whether anything could be read."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.core import Core
from handlers.chat.context import HandlerContext
from handlers.imports.importer import import_contacts, import_file, import_strikes
from handlers.imports.report import ImportFileError, exit_code
from storage.models import AuditEntry, ContactReport, StrikeReport

UAF = Path(__file__).resolve().parents[1] / "data" / "uaf"  # the excerpt this repository ships (SOURCE.md)
DAILY = UAF / "missile_attacks_daily_2024-10_2026-04.csv"


def _slice(tmp_path: Path, head: int, tail: int) -> Path:
    """The header, the first `head` and the last `tail` rows of the real excerpt."""
    with open(DAILY, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    path = tmp_path / "slice.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([rows[0], *rows[1 : 1 + head], *rows[-tail:]])
    return path


def _strike(session: Session, **where: object) -> StrikeReport:
    query = select(StrikeReport)
    for name, value in where.items():
        query = query.where(getattr(StrikeReport, name) == value)
    return session.exec(query).one()


def test_a_real_slice_lands_with_the_right_counts_and_reimport_adds_nothing(core: Core, tmp_path: Path) -> None:
    path = _slice(tmp_path, 40, 40)
    report = import_strikes(core.ctx, path, "uaf-daily")
    assert (report.rows, report.inserted, report.existing, report.errors) == (80, 80, 0, [])
    with core.db.reader() as session:
        # First data row: 2026-04-04 18:00 → 2026-04-05 08:00 Kyiv (UTC+3), 93 Shahed-136/131.
        first = _strike(session, started_at=datetime(2026, 4, 4, 15, 0, tzinfo=UTC), drones=93)
        assert first.ended_at == datetime(2026, 4, 5, 5, 0, tzinfo=UTC)
        assert (first.time_known, first.missiles, first.weapons) == (True, 0, {"Shahed-136/131": 93})
        assert first.source.startswith("kpszsu/posts/pfbid0pZC4Ffg")
        assert first.source_key.startswith("uaf-daily:")
        # Last data row: 2024-10-01 (date only), one Eleron; midnight Kyiv is 21:00 UTC the day before.
        last_day = session.exec(
            select(StrikeReport).where(StrikeReport.started_at == datetime(2024, 9, 30, 21, 0, tzinfo=UTC))
        ).all()
        [last] = [strike for strike in last_day if strike.weapons == {"Eleron": 1}]
        assert (last.time_known, last.drones, last.missiles, last.region) == (False, 1, 0, "south")
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "strike.import")).all()
        assert len(audit) == 1 and audit[0].actor == "import" and audit[0].details["inserted"] == 80

    again = import_strikes(core.ctx, path, "uaf-daily")
    assert (again.inserted, again.existing) == (0, 80)
    with core.db.reader() as session:
        assert len(session.exec(select(StrikeReport)).all()) == 80
        assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "strike.import")).all()) == 1


def test_the_whole_excerpt_is_detected_and_stored(core: Core) -> None:
    report = import_strikes(core.ctx, DAILY)  # no format named: the header says uaf-daily
    assert (report.format, report.rows, report.inserted, report.errors) == ("uaf-daily", 1891, 1891, [])
    assert exit_code([report], strict=True) == 0
    assert set(report.classified_by_rule) == {
        "Aerial Bomb",
        "Фенікс",
        "Iskander-M/KN-23 and Iskander-K and Kalibr",
        "Iskander-M/KN-23 and Iskander-K and X-59/X-69",
        "X-101/X-555 and Kalibr and Iskander-M/KN-23",
    }
    with core.db.reader() as session:
        spot = session.exec(
            select(StrikeReport).where(StrikeReport.started_at == datetime(2025, 7, 3, 15, 0, tzinfo=UTC))
        ).all()
        # SOURCE.md spot check: night of 2025-07-03 → 04, 539 Shahed-136/131 from 18:00 Kyiv.
        assert any(strike.weapons == {"Shahed-136/131": 539} and strike.drones == 539 for strike in spot)


BROKEN = """\
time_start,time_end,model,launched,destroyed,target,source
2025-07-03 18:00,2025-07-04 06:00,Shahed-136/131,539,,Ukraine,good/1
yesterday-ish,2025-07-04 06:00,Shahed-136/131,10,,Ukraine,bad/time
2025-07-03 18:00,2025-07-04 06:00,Iskander-M,,,Ukraine,bad/blank-count
2025-07-03 18:00,2025-07-04 06:00,Iskander-M,-4,,Ukraine,bad/negative
2025-07-03 18:00,2025-07-04 06:00,Iskander-M,six,,Ukraine,bad/text
2025-07-03 18:00,2025-07-04 06:00,,6,,Ukraine,bad/model
2025-07-03 18:00,2025-07-02 06:00,Kalibr,6,,Ukraine,bad/end
2025-07-03 3:30,2025-07-03,Iskander-K,4,,Kyiv,good/2
"""


def test_broken_rows_are_reported_by_row_and_good_rows_go_in(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN, encoding="utf-8")
    report = import_strikes(core.ctx, path, "uaf-daily")
    assert report.inserted == 2
    assert [(error.row, error.column) for error in report.errors] == [
        (3, "time_start"),
        (4, "launched"),
        (5, "launched"),
        (6, "launched"),
        (7, "model"),
        (8, "time_end"),
    ]
    assert "blank" in report.errors[1].message and "between 0" in report.errors[2].message
    with core.db.reader() as session:
        stored = session.exec(select(StrikeReport).order_by(StrikeReport.source)).all()
        assert [strike.source for strike in stored] == ["good/1", "good/2"]
        assert stored[1].started_at == datetime(2025, 7, 3, 0, 30, tzinfo=UTC)  # 3:30 Kyiv summer time
        assert (stored[1].missiles, stored[1].drones) == (4, 0)


def test_whole_file_problems_are_refused(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("when,what\n2025-01-01,x\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="time_start"):
        import_strikes(core.ctx, path, "uaf-daily")
    with pytest.raises(ImportFileError, match=r"unknown format 'nope'. Known formats:\n  uaf-daily: .*\n  callwatch"):
        import_strikes(core.ctx, path, "nope")
    with pytest.raises(ImportFileError, match=r"(?s)columns \(when, what\) fit no format callwatch knows.*uaf-daily"):
        import_file(core.ctx, path)


def test_callwatch_format_round_trip_keeps_keys_and_unknown_hours(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text(
        "record,at,time_known,drones,missiles,weapons,region,source_key\n"
        'strike,2025-07-03T15:00:00Z,True,539,11,"Shahed-136/131:539,Iskander-M:6,Iskander-K:4,X-47 Kinzhal:1",'
        "Kyiv,k-1\n"
        "strike,2025-07-05T00:00:00Z,False,3,0,,,\n"
        "contact,2025-07-03T14:00:00Z,True,,,,,\n",
        encoding="utf-8",
    )
    report = import_strikes(core.ctx, path, "callwatch")
    assert (report.inserted, report.skipped, report.errors) == (2, 1, [])
    with core.db.reader() as session:
        big = _strike(session, source_key="k-1")
        assert (big.drones, big.missiles, big.weapons["Iskander-M"]) == (539, 11, 6)
        small = _strike(session, drones=3)
        assert small.time_known is False and small.source_key.startswith("callwatch:")


class RecordingHook:
    """Stands in for the alert planner: records which contacts it was called for, inside the transaction."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def logged(self, session: Session, contact: ContactReport, ctx: HandlerContext) -> list[str]:
        assert session.get(ContactReport, contact.id) is not None
        self.seen.append(contact.id)  # type: ignore[arg-type]
        return ["planned"]

    def retracted(self, session: Session, contact: ContactReport, ctx: HandlerContext) -> list[str]:
        return []


CONTACTS = """\
date,time,kind,parties,source,confidence
2025-02-12,14:00 UTC,call,"Trump, Putin",White House,confirmed
2025-03-18,,call,"Putin, Trump",Kremlin,confirmed
2025-03-18,01:00,call,"trump,putin",repeat,reported
not-a-date,,call,"Trump, Putin",x,reported
2025-05-19,14:00,phone,"Trump, Putin",x,reported
2025-05-20,14:00,call,Trump,x,reported
2025-05-21,14:00 Mars,call,"Trump, Putin",x,reported
2025-05-22,14:00,call,"Trump, Putin",x,sure
"""


def test_contacts_import_runs_hooks_for_new_contacts_only(core: Core, tmp_path: Path) -> None:
    hook = RecordingHook()
    core.ctx.contact_hooks = [hook]
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    report = import_contacts(core.ctx, path)
    assert report.inserted == 3 and len(hook.seen) == 3
    assert [(error.row, error.column) for error in report.errors] == [
        (5, "date"),
        (6, "kind"),
        (7, "parties"),
        (8, "time"),
        (9, "confidence"),
    ]
    with core.db.reader() as session:
        stored = session.exec(select(ContactReport).order_by(ContactReport.id)).all()
        assert stored[0].occurred_at == datetime(2025, 2, 12, 14, tzinfo=UTC) and stored[0].time_known
        assert stored[1].time_known is False and stored[1].parties_key == "putin,trump"
        assert stored[2].duplicate_of_id == stored[1].id  # same parties within two hours: a repeat report
        assert (
            session.exec(select(AuditEntry).where(AuditEntry.action == "contact.import")).one().details["inserted"] == 3
        )
    again = import_contacts(core.ctx, path)
    assert (again.inserted, again.existing) == (0, 3) and len(hook.seen) == 3
