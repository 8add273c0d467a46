"""The installed `callwatch` command as a user runs it: piped console, durability after a kill, CLI."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from storage.database import Database
from storage.models import ContactReport

pytestmark = pytest.mark.slow


def callwatch() -> list[str]:
    found = shutil.which("callwatch", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "bot.cli.main"]


def env_for(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TELEGRAM_", "CALLWATCH_"))}
    env["CALLWATCH_DATABASE_URL"] = database_url
    env["CALLWATCH_ADMINS"] = f"console:{getpass.getuser()}"  # admin on PostgreSQL too (SQLite needs no grant)
    return env


def test_piped_console_example_from_the_issue(tmp_path: Path) -> None:
    script = "/contact at=2025-07-03T14:00Z parties=Trump,Putin kind=call\n/timeline\n"
    result = subprocess.run(
        [*callwatch(), "console"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env_for(f"sqlite:///{tmp_path / 'cw.db'}"),
    )
    assert result.returncode == 0, result.stderr
    confirmation, timeline = result.stdout.split("\n\n")[:2]
    assert confirmation.startswith("Logged Contact #1 · call · Trump, Putin")
    assert "CONTACT #1 · 2025-07-03 14:00 UTC · call · Trump, Putin" in timeline
    assert (tmp_path / "cw.db").exists()


def test_run_without_tokens_opens_the_console_on_the_embedded_default(tmp_path: Path) -> None:
    env = env_for("")
    del env["CALLWATCH_DATABASE_URL"]
    result = subprocess.run(
        [*callwatch(), "run"],
        input="/strike at=now drones=4\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Logged Strike #1 · 4 drones, 0 missiles" in result.stdout
    assert (tmp_path / "callwatch.db").exists()  # sqlite:///./callwatch.db


def test_a_confirmed_report_survives_killing_the_process(tmp_path: Path, database_url: str) -> None:
    """SIGKILL right after the confirmation is printed: the report is in the database."""
    process = subprocess.Popen(
        [*callwatch(), "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env_for(database_url),
    )
    assert process.stdin and process.stdout
    process.stdin.write("/contact at=2025-07-03T14:00Z parties=Trump,Putin source=durability\n")
    process.stdin.flush()
    first_line = process.stdout.readline()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert first_line.startswith("Logged Contact #1"), first_line
    database = Database(database_url)
    with database.reader() as session:
        [contact] = session.exec(select(ContactReport)).all()
    database.dispose()
    assert contact.source == "durability"


def test_db_upgrade_and_bad_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'up.db'}"
    first = subprocess.run(
        [*callwatch(), "db", "upgrade"], capture_output=True, text=True, env=env_for(url), timeout=60, cwd=tmp_path
    )
    assert first.returncode == 0 and "upgraded" in first.stdout
    again = subprocess.run(
        [*callwatch(), "db", "upgrade"], capture_output=True, text=True, env=env_for(url), timeout=60, cwd=tmp_path
    )
    assert "already current" in again.stdout
    env = env_for(url) | {"CALLWATCH_TZ": "Mars/Base"}
    bad = subprocess.run(
        [*callwatch(), "console"], input="", capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path
    )
    assert bad.returncode == 2 and "unknown time zone 'Mars/Base'" in bad.stderr
