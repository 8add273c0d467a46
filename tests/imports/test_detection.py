"""`callwatch import FILE` without a format name: what the header says, what the exit code tells a script, and the
contact CSV's optional columns (duration, a URL as source) with report lines that name their contact."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli.main import app
from bot.core import Core
from handlers.imports.formats import UnknownFormatError, describe_columns, detect
from handlers.imports.importer import import_contacts, import_file
from storage.models import ContactReport, StrikeReport
from tests.conftest import RequestMaker
from tests.helpers import row_counts

UAF = Path(__file__).resolve().parents[1] / "data" / "uaf" / "missile_attacks_daily_2024-10_2026-04.csv"


def test_the_header_names_the_format() -> None:
    header = UAF.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert detect(header).strikes.name == "uaf-daily" and not detect(header).contacts  # type: ignore[union-attr]
    timeline = detect(["record", "id", "at", "parties", "drones", "missiles", "weapons", "source_key"])
    assert timeline.strikes.name == "callwatch" and timeline.contacts  # type: ignore[union-attr]
    assert detect(["date", "time", "parties"]).contacts and detect(["date", "parties"]).strikes is None
    with pytest.raises(UnknownFormatError, match=r"(?s)\(a, b\).*uaf-daily.*callwatch.*contacts"):
        detect(["a", "b"])
    many = [f"c{n}" for n in range(20)]
    assert describe_columns(many).endswith("c11, … (8 more, 20 in all)")  # cut, and says so


@pytest.fixture
def cli(core: Core, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CALLWATCH_DATABASE_URL", core.settings.database_url)
    monkeypatch.setenv("CALLWATCH_TZ", "UTC")
    return CliRunner()


def test_exit_codes_let_scripts_chain_import_and_analyze(core: Core, cli: CliRunner, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("time_start,model,launched\n2025-07-03 18:00,Shahed-136/131,10\n2025-07-03,Kalibr,x\n")
    strict = cli.invoke(app, ["import", str(mixed), "--strict"])
    assert strict.exit_code == 1 and "none stored (--strict)" in strict.stdout
    assert row_counts(core)["strike_report"] == 0
    first = cli.invoke(app, ["import", str(mixed)])
    assert first.exit_code == 0 and "2 rows: 1 new, 0 already stored, 1 rejected" in first.stdout
    again = cli.invoke(app, ["import", str(mixed)])  # nothing new is still a success
    assert again.exit_code == 0 and "0 new, 1 already stored, 1 rejected" in again.stdout
    hopeless = tmp_path / "hopeless.csv"
    hopeless.write_text("time_start,model,launched\nsoon,Kalibr,x\n")
    assert cli.invoke(app, ["import", str(hopeless)]).exit_code == 1  # nothing could be read
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("when,what\n1,2\n")
    result = cli.invoke(app, ["import", "strikes", str(unknown)])
    assert result.exit_code == 1 and "fit no format callwatch knows" in result.output
    contacts_only = tmp_path / "contacts.csv"
    contacts_only.write_text('date,parties\n2025-07-01,"A, B"\n')
    wrong = cli.invoke(app, ["import", "strikes", str(contacts_only)])
    assert wrong.exit_code == 1 and "import contacts contacts.csv" in wrong.output
    assert cli.invoke(app, ["import", str(UAF)]).exit_code == 0


def test_the_timeline_csv_brings_back_its_contacts_and_strikes(
    core: Core, make_request: RequestMaker, cli: CliRunner, tmp_path: Path
) -> None:
    for text in ("at=2025-07-03 parties=Trump,Putin", "at=2025-07-03T13:00Z parties=Putin,Trump duration=45m"):
        assert core.router.handle(make_request("contact", text)).ok
    assert core.router.handle(make_request("strike", 'at="2025-07-04 01:00 Kyiv" weapons="Shahed-136:539"')).ok
    exported = cli.invoke(app, ["export", "--format", "csv"])
    path = tmp_path / "timeline.csv"
    path.write_text(exported.stdout)
    other = tmp_path / "other.db"
    cli_other = CliRunner(env={"CALLWATCH_DATABASE_URL": f"sqlite:///{other}", "CALLWATCH_TZ": "UTC"})
    result = cli_other.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "contacts (callwatch): 3 rows: 2 new" in result.stdout and "strikes (callwatch): 3 rows: 1 new" in result.stdout
    )
    again = cli_other.invoke(app, ["import", str(path)])
    assert "2 already stored" in again.stdout and "1 already stored" in again.stdout


def test_contact_csv_with_duration_and_a_url_source_and_lines_naming_each_contact(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    url = "https://www.themoscowtimes.com/2025/02/12/putin-tells-trump-peaceful-negotiations-on-ukraine-war-" + "x" * 90
    path.write_text(
        "date,time,zone,kind,parties,duration,source,confidence,notes\n"
        f'2025-02-12,,UTC,call,"Trump,Putin",90m,{url},confirmed,"first call, Peskov"\n'
        '2025-03-18,14:00,UTC,call,"Trump,Putin",2h05m,https://example.org/b,confirmed,\n'
        '2025-03-19,14:00,UTC,call,"Trump,Putin",soon,https://example.org/c,confirmed,\n'
    )
    report = import_contacts(core.ctx, path)
    assert (report.inserted, [(error.row, error.column) for error in report.errors]) == (2, [(4, "duration")])
    with core.db.reader() as session:
        first, second = session.exec(select(ContactReport).order_by(ContactReport.id)).all()
    assert (first.duration_seconds, first.source, first.time_known) == (5400, url, False)
    assert second.duration_seconds == 2 * 3600 + 5 * 60
    assert [line.split(": ", 1)[0] for line in report.messages] == [
        "#1 Trump, Putin, 2025-02-12",
        "#2 Trump, Putin, 2025-03-18 14:00 UTC",
    ]


def test_an_all_bad_backup_or_csv_changes_nothing_under_strict(core: Core, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("at,drones,missiles\n2025-07-03T15:00:00Z,-1,0\n2025-07-03T16:00:00Z,3,0\n")
    before = row_counts(core)
    [report] = import_file(core.ctx, path, strict=True)
    assert report.held_back and row_counts(core) == before
    [report] = import_file(core.ctx, path)
    with core.db.reader() as session:
        assert [strike.drones for strike in session.exec(select(StrikeReport))] == [3]
