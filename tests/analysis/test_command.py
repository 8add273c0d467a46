"""/analysis, /timeline chart and the `callwatch analyze|export` commands on a real database."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.wiring import Core
from handlers.analysis.charts import render_timeline_chart
from storage.models import ContactReport, StrikeReport
from tests.conftest import RequestMaker
from tests.helpers import row_counts

START = datetime(2025, 3, 1, tzinfo=UTC)


def _seed(core: Core, *, contacts: int = 3) -> None:
    """Sixty days with a 20:00 UTC strike each (drones = 10 + day), contacts every 15 days at 12:00."""
    with core.db.transaction() as session:
        for day in range(60):
            session.add(
                StrikeReport(
                    started_at=START + timedelta(days=day, hours=20),
                    drones=10 + day,
                    missiles=day % 3,
                    reported_by="test",
                    channel="test",
                    created_at=START,
                    source_key=f"t:{day}",
                )
            )
        session.add(
            StrikeReport(
                started_at=START + timedelta(days=16, hours=1),
                drones=100_000,
                missiles=0,
                reported_by="test",
                channel="test",
                created_at=START,
                retracted_at=START,
                retracted_by="test",
                retract_reason="wrong",
            )
        )
        for index in range(contacts):
            session.add(
                ContactReport(
                    occurred_at=START + timedelta(days=15 * (index + 1), hours=12),
                    parties="Trump, Putin",
                    parties_key="putin,trump",
                    kind="call",
                    confidence="confirmed",
                    reported_by="test",
                    channel="test",
                    created_at=START,
                )
            )


def test_analysis_command_reports_the_figures(core: Core, make_request: RequestMaker) -> None:
    _seed(core)
    reply = core.router.handle(make_request("analysis", "window=2 metric=drones"))
    assert reply.ok, reply.text
    assert reply.title == "Strikes after contacts · 2-day windows · drones"
    assert reply.text.startswith("Too few contacts to conclude (3;")
    assert reply.table is not None and len(reply.table.rows) == 3
    # Contact on day 15 at 12:00: the window holds the strikes of days 15 and 16 (25 + 26 drones); the
    # retracted 100,000-drone report inside it is left out.
    row = next(row for row in reply.table.rows if row[0] == "#1")
    assert row[3:5] == ("51", "47")
    assert "10,000 random placements" in reply.footer


def test_analysis_refuses_bad_arguments_and_changes_nothing(core: Core, make_request: RequestMaker) -> None:
    _seed(core)
    before = row_counts(core)
    for text in ("window=0", "window=99", "metric=tanks", "from=2025-05-01 to=2025-04-01", "colour=red"):
        reply = core.router.handle(make_request("analysis", text))
        assert not reply.ok, text
    assert row_counts(core) == before


def test_analysis_with_no_data_says_so(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("analysis"))
    assert reply.ok and "no strike reports" in reply.text


def _png_pixels(png: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(png), format="png")


def test_timeline_chart_is_a_real_picture(core: Core) -> None:
    _seed(core)
    image = render_timeline_chart(core.ctx, START, START + timedelta(days=40), UTC)
    assert image.png.startswith(b"\x89PNG") and image.filename.endswith(".png")
    pixels = _png_pixels(image.png)
    assert pixels.shape[:2] == (500, 1200)
    assert len(np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)) > 20  # bars, lines, shading — not blank
    assert "2025-03-01 → 2025-04-09" in image.title
    empty = render_timeline_chart(core.ctx, START - timedelta(days=400), START - timedelta(days=300), UTC)
    assert _png_pixels(empty.png).shape[:2] == (500, 1200)


def test_timeline_chart_through_the_chat(core: Core, make_request: RequestMaker) -> None:
    _seed(core)
    reply = core.router.handle(make_request("timeline", "chart from=2025-03-01 to=2025-04-10"))
    assert reply.ok and reply.image is not None and reply.image.png.startswith(b"\x89PNG")


@pytest.fixture
def cli_env(core: Core, settings: object, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CALLWATCH_DATABASE_URL", core.settings.database_url)
    monkeypatch.setenv("CALLWATCH_TZ", "UTC")
    return CliRunner()


def test_cli_analyze_json_has_every_figure(core: Core, cli_env: CliRunner) -> None:
    _seed(core, contacts=3)
    result = cli_env.invoke(app, ["analyze", "--window", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["window_days"] == 2 and payload["permutations"] >= 10_000
    assert set(payload["results"]) == {"drones", "missiles", "total"}
    assert payload["contacts"][0]["post"]["drones"] == 51
    assert {"baseline_mean", "ratio_to_baseline", "local_mean", "ratio_to_local", "p_value", "p_value_local"} <= set(
        payload["results"]["total"]
    )
    assert len(payload["daily"]) == 60


def test_cli_export_csv_json_png(core: Core, cli_env: CliRunner, tmp_path: Path) -> None:
    _seed(core, contacts=2)
    result = cli_env.invoke(app, ["export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("record,id,at,") and len(lines) == 1 + 60 + 2
    assert lines[1].startswith("strike,1,2025-03-01T20:00:00Z")
    out = tmp_path / "timeline.json"
    assert cli_env.invoke(app, ["export", "--format", "json", "-o", str(out)]).exit_code == 0
    payload = json.loads(out.read_text())
    live = [strike for strike in payload["strikes"] if strike["retracted_at"] is None]  # JSON is the full backup
    assert len(live) == 60 and payload["contacts"][0]["at"] == "2025-03-16T12:00:00Z"
    chart = tmp_path / "chart.png"
    assert cli_env.invoke(app, ["export", "--format", "png", "-o", str(chart)]).exit_code == 0
    assert _png_pixels(chart.read_bytes()).shape[:2] == (500, 1200)
    assert cli_env.invoke(app, ["export", "--format", "xml"]).exit_code == 2


def test_cli_import_exit_codes_and_report(core: Core, cli_env: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("time_start,model,launched\n2025-07-03 18:00,Shahed-136/131,10\n2025-07-03,Kalibr,x\n")
    result = cli_env.invoke(app, ["import", "strikes", str(path), "--format", "uaf-daily"])
    assert result.exit_code == 0  # rows were stored; the rejected one is listed (--strict would exit 1)
    assert "2 rows: 1 new, 0 already stored, 1 rejected" in result.stdout
    assert "launched" in result.stdout and "not a number" in result.stdout
    assert cli_env.invoke(app, ["import", "strikes", str(path), "--format", "nope"]).exit_code == 1
    good = tmp_path / "c.csv"
    good.write_text('date,time,kind,parties,source,confidence\n2025-07-01,10:00,call,"A, B",x,reported\n')
    result = cli_env.invoke(app, ["import", "contacts", str(good)])
    assert result.exit_code == 0 and "1 rows: 1 new" in result.stdout
