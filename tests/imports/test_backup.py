"""`callwatch export` → `callwatch import`: everything users entered survives, across SQLite and PostgreSQL.

The source database is filled through the real commands (contacts with a repeat and a retraction, strikes with a
retraction, an imported batch, subscriptions with their settings, role grants), exported, restored into a fresh
database of the other kind and exported again: the two exports must be the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli.main import app
from bot.core import Core
from bot.wiring import build_core
from handlers.chat.request import Platform
from handlers.chat.settings import Settings
from handlers.imports.backup import read_backup, restore, write_backup
from handlers.imports.importer import import_contacts, import_file
from handlers.imports.report import ImportFileError
from storage.models import AlertPost, AuditEntry, ContactReport, PostKind
from tests.conftest import FrozenClock, RequestMaker, fresh_postgres_schema
from tests.helpers import row_counts

EXCERPT = Path(__file__).resolve().parents[1] / "data" / "uaf" / "missile_attacks_daily_2024-10_2026-04.csv"


@contextmanager
def opened(url: str, clock: FrozenClock) -> Iterator[Core]:
    core = build_core(Settings(database_url=url, admins="slack:UADMIN,telegram:1001", tz="UTC"), clock=clock)
    try:
        yield core
    finally:
        core.close()


def populate(core: Core, make_request: RequestMaker, clock: FrozenClock, tmp_path: Path) -> None:
    """What a team does in its first days, through the router as the adapters call it."""

    def say(command: str, text: str, **overrides: object) -> None:
        reply = core.router.handle(make_request(command, text, **overrides))
        assert reply.ok, (command, text, reply.text)

    say("alerts", "subscribe tz=Kyiv offsets=0h,12h,24h escalate=30m mention=U7,U8")
    say("alerts", "subscribe", channel_id="C2")
    say("alerts", "unsubscribe", channel_id="C2")  # an inactive subscription is part of the state too
    say("role", "grant user=U2 role=reporter")
    say("role", "grant user=telegram:555 role=viewer")
    say("contact", 'at="2025-02-12 14:00 UTC" parties=Trump,Putin source=Reuters confidence=confirmed duration=90m')
    say("contact", 'at="2025-02-12 15:00 UTC" parties=putin,trump source=TASS', user_id="U2", idempotency_key="k-1")
    say("contact", "at=2025-03-18 parties=Trump,Zelensky kind=meeting")
    say("contact", 'retract 3 reason="wrong day"')
    say("strike", 'at="2025-02-13 01:00 Kyiv" drones=120 missiles=6 weapons="Shahed-136:100,Iskander-M:6" region=Kyiv')
    say("strike", "at=2025-03-19 drones=40 killed=2 injured=5 a note", idempotency_key="k-2")
    say("strike", 'retract 2 reason="double count"')
    clock.advance(hours=1)
    say("contact", "at=now parties=Witkoff,Putin kind=envoy", platform=Platform.TELEGRAM, user_id="1001")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text('date,time,parties,source\n2025-05-01,10:00,"Trump, Erdogan",https://example.org/a\n')
    assert import_contacts(core.ctx, contacts).inserted == 1
    import_file(core.ctx, EXCERPT)  # an imported batch: source keys, weapons, unknown hours


def export(core: Core) -> str:
    buffer = io.StringIO()
    write_backup(core.ctx, buffer)
    return buffer.getvalue()


def restored_from(text: str, core: Core, tmp_path: Path) -> list:
    path = tmp_path / "backup.json"
    path.write_text(text, encoding="utf-8")
    return import_file(core.ctx, path)


@pytest.mark.postgres
@pytest.mark.parametrize("direction", ["sqlite→postgres", "postgres→sqlite"])
def test_a_backup_round_trips_between_sqlite_and_postgres(
    direction: str,
    make_request: RequestMaker,
    clock: FrozenClock,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    admin = request.getfixturevalue("postgres_admin")
    sqlite_url = f"sqlite:///{tmp_path / 'callwatch.db'}"
    with fresh_postgres_schema(admin) as postgres_url:
        source_url, target_url = (
            (sqlite_url, postgres_url) if direction.startswith("sqlite") else (postgres_url, sqlite_url)
        )
        with opened(source_url, clock) as source:
            populate(source, make_request, clock, tmp_path)
            first = export(source)
            source_counts = row_counts(source)
        with opened(target_url, clock) as target:
            reports = restored_from(first, target, tmp_path)
            assert {report.what: report.errors for report in reports} == {
                "contacts": [],
                "strikes": [],
                "subscriptions": [],
                "roles": [],
            }
            second = export(target)
            assert second == first
            counts = row_counts(target)
            for table in ("contact_report", "strike_report", "channel_subscription", "user_role"):
                assert counts[table] == source_counts[table], table
            # Restoring again adds nothing.
            again = restored_from(first, target, tmp_path)
            assert sum(report.inserted for report in again) == 0
            assert {table: n for table, n in row_counts(target).items() if table != "audit_log"} == {
                table: n for table, n in counts.items() if table != "audit_log"
            }
            # New rows after a restore get fresh ids on both databases (the sequences moved past the restored ids).
            reply = target.router.handle(make_request("contact", "at=now parties=Rubio,Lavrov"))
            assert reply.ok and f"#{counts['contact_report'] + 1} " in reply.title, reply.title

    document = json.loads(first)
    assert (document["format"], document["version"]) == ("callwatch-backup", 1)
    contacts = {contact["id"]: contact for contact in document["contacts"]}
    assert contacts[2]["duplicate_of_id"] == 1 and contacts[2]["request_key"] == "k-1"
    assert contacts[3]["retract_reason"] == "wrong day" and contacts[3]["retracted_by"] == "slack:UADMIN"
    assert contacts[1]["duration_seconds"] == 5400 and contacts[1]["reporter_name"] is None
    assert {role["user"]: role["role"] for role in document["roles"]} == {
        "slack:U2": "reporter",
        "telegram:555": "viewer",
    }
    subscription = next(row for row in document["subscriptions"] if row["channel"] == "slack:C1")
    assert (subscription["tz"], subscription["offsets"], subscription["escalate_after_seconds"]) == (
        "Europe/Kyiv",
        "0h,12h,24h",
        1800,
    )
    assert (
        subscription["escalate_mentions"]
        and not next(row for row in document["subscriptions"] if row["channel"] == "slack:C2")["active"]
    )
    assert len(document["strikes"]) == 2 + 1891


def test_restoring_plans_only_open_windows_and_remaps_taken_ids(
    core: Core, make_request: RequestMaker, clock: FrozenClock, tmp_path: Path
) -> None:
    populate(core, make_request, clock, tmp_path)
    backup = export(core)
    with opened(f"sqlite:///{tmp_path / 'other.db'}", clock) as target:
        # The target already has contacts of its own, so ids 1–2 are taken, and a channel that is subscribed.
        for text in ("at=2025-01-01 parties=Macron,Putin", "at=2025-01-02 parties=Scholz,Putin"):
            assert target.router.handle(make_request("contact", text, channel_id="C9")).ok
        assert target.router.handle(make_request("alerts", "subscribe", channel_id="C9")).ok
        reports = {report.what: report for report in restored_from(backup, target, tmp_path)}
        with target.db.reader() as session:
            by_parties = {c.parties: c for c in session.exec(select(ContactReport).order_by(ContactReport.id))}
            posts = session.exec(select(AlertPost)).all()
        original, repeat = by_parties["Trump, Putin"], by_parties["putin, trump"]
        assert original.id != 1 and repeat.duplicate_of_id == original.id  # moved, and the link followed it
        # Only the contact logged an hour ago has an open window: it is planned for the subscribed channels.
        planned = {(post.contact_id, post.channel) for post in posts if post.kind == PostKind.ALERT}
        envoy = by_parties["Witkoff, Putin"].id
        assert planned == {(envoy, "slack:C1"), (envoy, "slack:C9")}
        assert any("Witkoff, Putin" in line and "Readiness alert" in line for line in reports["contacts"].messages)
        assert any("closed readiness window" in line for line in reports["contacts"].messages)
        with target.db.reader() as session:
            [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "backup.restore")).all()
        assert entry.details["contacts"]["inserted"] == 5


def test_a_retraction_made_after_the_restore_target_was_filled_is_applied(
    core: Core, make_request: RequestMaker, clock: FrozenClock, tmp_path: Path
) -> None:
    assert core.router.handle(make_request("contact", "at=2025-02-12 parties=Trump,Putin")).ok
    before = export(core)
    assert core.router.handle(make_request("contact", 'retract 1 reason="denied by both"')).ok
    after = export(core)
    with opened(f"sqlite:///{tmp_path / 'other.db'}", clock) as target:
        restored_from(before, target, tmp_path)
        [contacts] = [r for r in restored_from(after, target, tmp_path) if r.what == "contacts"]
        assert (contacts.inserted, contacts.existing) == (0, 1)
        assert export(target) == after


def test_broken_backups_are_refused_whole_or_by_row(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    for text, message in (
        ('{"format": "callwatch-backup", "version": 2}', "newer callwatch"),
        ('{"format": "something"}', "not a callwatch backup"),
        ('{"format": "callwatch-backup", "version": 1, "contacts": [{"lang": "uk"}]}', "lang"),
        ('{"format": "callwatch-backup", "version": 1, "contacts": [', "not valid JSON"),
    ):
        path.write_text(text)
        with pytest.raises(ImportFileError, match=message):
            read_backup(path)
    good = {
        "id": 1,
        "at": "2025-02-12T14:00:00Z",
        "parties": "Trump, Putin",
        "parties_key": "putin,trump",
        "kind": "call",
        "confidence": "reported",
        "reported_by": "slack:U1",
        "channel": "slack:C1",
        "created_at": "2025-02-12T15:00:00.123456Z",
    }
    sections = {
        "contacts": [
            good,
            {**good, "id": 2, "at": "yesterday"},
            {**good, "id": 3, "time_known": "yes"},
            {**good, "id": 4, "duplicate_of_id": 99},
            {key: value for key, value in good.items() if key != "parties"} | {"id": 5},
        ]
    }
    before = row_counts(core)
    strict = restore(core.ctx, sections, strict=True)
    assert all(report.held_back for report in strict) and row_counts(core) == before
    [contacts, *_] = restore(core.ctx, sections)
    assert contacts.inserted == 1
    assert [(error.row, error.column) for error in contacts.errors] == [
        (2, "at"),
        (3, "time_known"),
        (5, "parties"),
        (4, "duplicate_of_id"),
    ]


def test_cli_export_then_import_is_the_documented_backup(
    core: Core, make_request: RequestMaker, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert core.router.handle(make_request("contact", "at=2025-02-12 parties=Trump,Putin")).ok
    assert core.router.handle(make_request("role", "grant user=U2 role=reporter")).ok
    monkeypatch.setenv("CALLWATCH_DATABASE_URL", core.settings.database_url)
    runner = CliRunner()
    exported = runner.invoke(app, ["export"])  # JSON, the backup, by default
    assert exported.exit_code == 0 and json.loads(exported.stdout)["format"] == "callwatch-backup"
    target = tmp_path / "fresh.db"
    monkeypatch.setenv("CALLWATCH_DATABASE_URL", f"sqlite:///{target}")
    (tmp_path / "b.json").write_text(exported.stdout)
    result = runner.invoke(app, ["import", str(tmp_path / "b.json")])
    assert result.exit_code == 0, result.output
    assert "contacts (callwatch-backup): 1 rows: 1 new" in result.stdout
    assert "roles (callwatch-backup): 1 rows: 1 new" in result.stdout
    again = runner.invoke(app, ["import", str(tmp_path / "b.json")])
    assert again.exit_code == 0 and "1 rows: 0 new, 1 already stored" in again.stdout  # a re-import succeeds
