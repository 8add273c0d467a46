"""`callwatch parse`: JSON on standard output, exit 0/1/2, no database opened, no heavy libraries imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.airforce.corpus import non_reports, reports
from tests.console.test_process import callwatch, env_for

REPORT = next(report for report in reports() if report.id == "radiosvoboda-2026-01-26")


def run(args: list[str], tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    database = tmp_path / "never.db"
    return subprocess.run(
        [*callwatch(), "parse", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env_for(f"sqlite:///{database}"),
        timeout=60,
    )


def test_a_report_file_prints_its_counts(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT.text, encoding="utf-8")
    result = run([str(path), "--posted-at", "2026-01-26"], tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["night"] == "2026-01-26"
    assert (document["drones_launched"], document["drones_destroyed"]) == (138, 110)
    assert (document["missiles_launched"], document["missiles_destroyed"]) == (0, 0)
    assert document["by_weapon"]["Shahed-136/131 and Gerbera and Unknown UAV"]["launched"] == 138
    assert not (tmp_path / "never.db").exists() and not (tmp_path / "callwatch.db").exists()


def test_standard_input_and_the_posting_time(tmp_path: Path) -> None:
    text = "Ukraine shot down all 14 drones launched at its territory by Russia overnight, its air force said."
    result = run(["-", "--posted-at", "2023-12-15T08:11:00+02:00"], tmp_path, stdin=text)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["night"] == "2023-12-15"


def test_a_non_report_is_refused_with_exit_1(tmp_path: Path) -> None:
    result = run(["-"], tmp_path, stdin=non_reports()[0].text)
    assert result.returncode == 1
    assert "refused" in json.loads(result.stdout)


def test_an_unreadable_input_exits_2(tmp_path: Path) -> None:
    assert run([str(tmp_path / "missing.txt")], tmp_path).returncode == 2
    assert run([str(tmp_path)], tmp_path).returncode == 2
    binary = tmp_path / "binary.bin"
    binary.write_bytes(b"\xff\xfe\x00\x80" * 10)
    assert run([str(binary)], tmp_path).returncode == 2
    result = run(["-", "--posted-at", "yesterday-ish"], tmp_path, stdin="x")
    assert result.returncode == 2 and "--posted-at" in result.stderr


def test_parse_imports_no_heavy_library_and_opens_no_database(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT.text, encoding="utf-8")
    probe = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'statsmodels',"
        " 'psycopg') if m in sys.modules)), file=sys.stderr))\n"
        f"sys.argv = ['callwatch', 'parse', {str(path)!r}]\n"
        "from bot.cli.main import app\n"
        "app()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env=env_for(f"sqlite:///{tmp_path / 'never.db'}"),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []
    assert json.loads(result.stdout)["drones_launched"] == 138
    assert not (tmp_path / "never.db").exists()
