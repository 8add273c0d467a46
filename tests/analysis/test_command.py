"""/analysis, /analysis chart, /timeline chart and `callwatch analyze` on a real database, and the README's
"Check the claim yourself" commands on the shipped data."""

from __future__ import annotations

import io
import json
import re
import shlex
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.core import Core
from handlers.analysis.charts import (
    MIN_WINDOW_PIXELS,
    day_bars,
    plot_timeline,
    render_timeline_chart,
    window_width_days,
)
from storage.models import ContactReport, StrikeReport
from tests.conftest import RequestMaker
from tests.helpers import row_counts

START = datetime(2025, 3, 1, tzinfo=UTC)
README = Path(__file__).resolve().parents[2] / "README.md"


def _seed(core: Core, *, contacts: int = 6, days: int = 150) -> None:
    """A night wave every day at 20:00 UTC (drones = 100 + day % 9), contacts every 20 days at 12:00 UTC."""
    with core.db.transaction() as session:
        for day in range(days):
            session.add(
                StrikeReport(
                    started_at=START + timedelta(days=day, hours=20),
                    drones=100 + day % 9,
                    missiles=day % 3,
                    reported_by="test",
                    channel="test",
                    created_at=START,
                    source_key=f"t:{day}",
                )
            )
        session.add(  # retracted: never counted
            StrikeReport(
                started_at=START + timedelta(days=41, hours=1),
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
                    occurred_at=START + timedelta(days=20 * (index + 1), hours=12),
                    parties="Trump, Putin",
                    parties_key="putin,trump",
                    kind="call",
                    confidence="confirmed",
                    reported_by="test",
                    channel="test",
                    created_at=START,
                )
            )


def test_analysis_reply(core: Core, make_request: RequestMaker) -> None:
    _seed(core)
    reply = core.router.handle(make_request("analysis", "window=2 metric=drones"))
    assert reply.ok, reply.text
    assert reply.title == "Strikes after contacts · 2-day windows · drones · 2025-03-01 → 2025-07-28"
    assert reply.text.startswith("No evidence of a rise after contacts; a rise below ×")
    assert "could not be seen reliably with 6 contacts" in reply.text
    assert "Primary test, fixed in advance" in reply.text and "Holm" in reply.text
    assert "Second opinion, a model (not a second test): a negative-binomial regression of daily drones" in reply.text
    assert reply.table is not None and [row[0] for row in reply.table.rows] == ["drones", "missiles", "total"]
    # Contact 2 (10 April 12:00) owns 10 and 11 April's 20:00 waves (days 40 and 41); the
    # retracted 100,000-drone report is never counted.
    assert all(int(row[1].replace(",", "")) < 2_000 for row in reply.table.rows)
    assert "Secondary figures, not tests" in reply.footer and "Sensitivity" in reply.footer
    assert "D+1" in reply.footer and "Conventions:" in reply.footer
    for text in (reply.text, reply.footer or ""):
        assert "(s)" not in text and not re.search(r"\b1 (days|contacts|episodes)\b", text)


def test_analysis_refuses_bad_arguments_and_changes_nothing(core: Core, make_request: RequestMaker) -> None:
    _seed(core)
    before = row_counts(core)
    for text in ("window=0", "window=99", "metric=tanks", "from=2025-05-01 to=2025-04-01", "colour=red", "chart x"):
        reply = core.router.handle(make_request("analysis", text))
        assert not reply.ok, text
    assert row_counts(core) == before


def test_with_nothing_stored_the_reply_says_what_to_do(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("analysis"))
    assert reply.ok and "no strike reports" in reply.text and "callwatch import strikes FILE" in reply.text
    core.router.handle(make_request("strike", "at=2025-07-01T20:00Z drones=10"))
    reply = core.router.handle(make_request("analysis"))
    assert "log a contact with /contact or import some: callwatch import contacts FILE" in reply.text
    chart = core.router.handle(make_request("analysis", "chart"))
    assert chart.ok and chart.image is None and "callwatch import contacts FILE" in chart.text


def test_one_contact_is_one_contact_not_one_contacts(core: Core, make_request: RequestMaker) -> None:
    _seed(core, contacts=1)
    reply = core.router.handle(make_request("analysis"))
    assert reply.text.startswith("Too few contacts to conclude: 1 contact could be tested")
    assert "1 contacts" not in reply.plain() and "(s)" not in reply.plain()


def _png_pixels(png: bytes) -> np.ndarray:
    return matplotlib.image.imread(io.BytesIO(png), format="png")


def test_analysis_chart_is_the_event_profile(core: Core, make_request: RequestMaker) -> None:
    _seed(core)
    reply = core.router.handle(make_request("analysis", "chart metric=missiles"))
    assert reply.ok and reply.image is not None, reply.text
    assert reply.image.title == "Missiles per Kyiv day around contacts, 2025-03-01 → 2025-07-28 (6 contacts)"
    pixels = _png_pixels(reply.image.png)
    assert pixels.shape[:2] == (500, 1200)
    assert len(np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)) > 20


def test_timeline_bars_span_their_kyiv_day_and_the_wave_after_a_call_is_drawn_after_it() -> None:
    """Issue 12, item 10: the 3–4 July wave launched after the 3 July call sits to the right of the call."""
    strikes = pd.DataFrame(
        {
            "at": pd.to_datetime(["2025-07-02T19:00Z", "2025-07-03T22:00Z"], utc=True),  # the wave: 01:00 Kyiv, 4 July
            "time_known": [True, True],
            "drones": [40, 539],
            "missiles": [0, 11],
        }
    )
    contacts = pd.DataFrame(
        {
            "at": pd.to_datetime(["2025-07-03T14:00Z", "2025-07-10T00:00Z"], utc=True),
            "time_known": [True, False],
        }
    )
    bars = day_bars(strikes, contacts, date(2025, 7, 1), date(2025, 7, 12), timedelta(hours=72))
    assert bars.day_starts[0] == datetime(2025, 7, 1)  # Kyiv wall-clock midnight, the bar's left edge
    wave = bars.drones.index(539)
    assert bars.day_starts[wave] == datetime(2025, 7, 4) and bars.missiles[wave] == 11
    call, known = bars.contacts[0]
    assert known and call == datetime(2025, 7, 3, 17)  # 14:00 UTC drawn at 17:00 Kyiv
    assert call < bars.day_starts[wave]  # the wave's bar starts after the call's line
    assert bars.windows[0] == (datetime(2025, 7, 3, 17), datetime(2025, 7, 6, 17))
    day_only, known = bars.contacts[1]
    assert not known and day_only == datetime(2025, 7, 10, 3)  # its day (stored midnight UTC), hatched
    assert bars.windows[1][0] == datetime(2025, 7, 11, 3)  # its window opens when that day ends


def test_timeline_chart_shows_every_series_names_zone_and_period(core: Core) -> None:
    one_missile_day = pd.DataFrame(
        {"at": pd.to_datetime(["2025-07-03T22:00Z"], utc=True), "time_known": [True], "drones": [0], "missiles": [6]}
    )
    no_contacts = pd.DataFrame({"at": pd.to_datetime([], utc=True), "time_known": pd.Series([], dtype=bool)})
    png = plot_timeline(one_missile_day, no_contacts, date(2025, 7, 4), date(2025, 7, 4), title="t")
    pixels = _png_pixels(png)[:, :, :3]
    blue = np.all(np.abs(pixels - np.array([0x1F, 0x4E, 0x8C]) / 255) < 0.08, axis=2)
    assert blue.sum() > 50, "a single day of missiles is drawn"
    _seed(core)
    image = render_timeline_chart(core.ctx, START, START + timedelta(days=40), UTC)
    # to= 10 April 00:00 UTC is 03:00 on 10 April in Kyiv, so the last Kyiv day drawn is the 10th.
    assert image.title == "Strikes and contacts, 2025-03-01 → 2025-04-10 (Kyiv days)"
    assert _png_pixels(image.png).shape[:2] == (500, 1200)
    empty = render_timeline_chart(core.ctx, START - timedelta(days=400), START - timedelta(days=300), UTC)
    assert _png_pixels(empty.png).shape[:2] == (500, 1200)


def test_windows_stay_readable_on_a_four_year_chart() -> None:
    four_years = 4 * 365
    assert window_width_days(3.0, four_years) >= MIN_WINDOW_PIXELS * four_years / (12 * 100)  # ≥ 4 px of 1,200
    assert window_width_days(3.0, 30) == 3.0  # drawn true to scale when that is visible


def test_timeline_chart_through_the_chat(core: Core, make_request: RequestMaker) -> None:
    _seed(core)
    reply = core.router.handle(make_request("timeline", "chart from=2025-03-01 to=2025-04-10"))
    assert reply.ok and reply.image is not None and reply.image.png.startswith(b"\x89PNG")


@pytest.fixture
def cli_env(core: Core, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CALLWATCH_DATABASE_URL", core.settings.database_url)
    monkeypatch.setenv("CALLWATCH_TZ", "UTC")
    return CliRunner()


def test_cli_analyze_json_has_every_figure(core: Core, cli_env: CliRunner) -> None:
    _seed(core)
    result = cli_env.invoke(app, ["analyze", "--window", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["window_days"] == 2 and payload["parameters"]["permutations"] >= 10_000
    assert set(payload["results"]) == {"drones", "missiles", "total"}
    assert payload["contacts"][1]["after"]["drones"] == (100 + 40 % 9) + (100 + 41 % 9)  # 10 and 11 April
    assert len(payload["daily"]["total"]) == payload["days"] and len(payload["profile"]) == 15
    assert payload["verdict"].startswith("No evidence")


def test_cli_export_png_is_the_timeline_chart(core: Core, cli_env: CliRunner, tmp_path: Path) -> None:
    _seed(core)
    chart = tmp_path / "chart.png"
    result = cli_env.invoke(app, ["export", "--format", "png", "-o", str(chart)])
    assert result.exit_code == 0, result.output
    assert _png_pixels(chart.read_bytes()).shape[:2] == (500, 1200)


def test_cli_analyze_with_no_contacts_says_what_to_do(core: Core, cli_env: CliRunner) -> None:
    result = cli_env.invoke(app, ["analyze"])
    assert result.exit_code == 0 and "callwatch import strikes FILE" in result.stdout


def _claim_commands() -> list[list[str]]:
    """The shell commands of the README's "Check the claim yourself" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Check the claim yourself", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.strip().splitlines() if line.strip() and not line.startswith("#")]


def test_readme_check_the_claim_yourself_runs_on_a_clean_clone(
    cli_env: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = _claim_commands()
    assert [command[:3] for command in commands] == [
        ["callwatch", "import", "strikes"],
        ["callwatch", "import", "contacts"],
        ["callwatch", "analyze"],
    ]
    monkeypatch.chdir(README.parent)  # the paths in the README are relative to the clone
    outputs = []
    for command in commands:
        result = cli_env.invoke(app, command[1:])
        assert result.exit_code == 0, (command, result.output)
        outputs.append(result.stdout)
    verdict = outputs[-1]
    assert "Strikes after contacts · 3-day windows · drones and missiles · 2024-12-" in verdict
    assert "No evidence of a rise after contacts" in verdict or "more than chance explains" in verdict
    assert "Primary test, fixed in advance" in verdict
