"""The plain paths load no heavy library: `--help`, the console running `/help` and `/contact`, and `serve slack --http`
answering commands before anyone asks for an analysis or a chart.

Each case is a real process started from the installed entry point's module (`bot.cli.main:app`), which writes
the names in its `sys.modules` to a file as it exits. A control runs the same way and asks for a chart, so the
check is seen to catch a library that does load. With the schema already current, the start-up does not load
alembic either (it is read from the migration files; `storage/migration_heads.py`).
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from storage.database import Database
from storage.migration_heads import expected_heads
from tests.console.test_process import env_for
from tests.helpers import until_serving
from tests.slack.conftest import command_body, free_port, serve_env, signed_headers
from tests.slack.standin import StandinSlack

pytestmark = pytest.mark.slow

HEAVY = ("pandas", "numpy", "matplotlib", "statsmodels", "scipy", "babel")
CONTACT = "/contact at=2025-07-03T14:00Z parties=Trump,Putin kind=call"

# Runs the CLI as its entry point does, and records what it loaded when the interpreter exits (also on SIGTERM,
# which the serve commands turn into a clean stop).
DRIVER = """
import atexit, json, os, sys
def _record():
    with open(os.environ["CW_LOADED_MODULES"], "w") as out:
        json.dump(sorted(sys.modules), out)
atexit.register(_record)
sys.argv[0] = "callwatch"
from bot.cli.main import app
app()
"""


def _top_level(modules: list[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


def _loaded(record: Path) -> set[str]:
    return _top_level(json.loads(record.read_text()))


def _run_cli(args: list[str], env: dict[str, str], tmp_path: Path, stdin: str = "") -> tuple[set[str], str]:
    record = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env | {"CW_LOADED_MODULES": str(record)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return _loaded(record), result.stdout


def _current_database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cw.db'}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    return url


def test_help_loads_no_database_layer_and_no_heavy_library(tmp_path: Path) -> None:
    loaded, out = _run_cli(["--help"], env_for(f"sqlite:///{tmp_path / 'unused.db'}"), tmp_path)
    assert "serve" in out and "console" in out
    assert not loaded & {*HEAVY, "sqlalchemy", "sqlmodel", "alembic", "pydantic_settings", "slack_bolt", "telegram"}
    assert not (tmp_path / "unused.db").exists()  # --help opens no database


@pytest.mark.parametrize("line", ["/help", CONTACT], ids=["help", "contact"])
def test_a_piped_console_command_loads_no_heavy_library(line: str, tmp_path: Path) -> None:
    loaded, out = _run_cli(["console"], env_for(_current_database(tmp_path)), tmp_path, stdin=line + "\n")
    assert "Error" not in out and out.strip()
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "alembic" not in loaded  # the schema is current: no migration machinery needed to know it


def test_the_check_sees_a_library_that_loads(tmp_path: Path) -> None:
    """The control: a chart really loads matplotlib, and the same record shows it."""
    script = f"{CONTACT}\n/strike at=2025-07-04T01:00Z drones=100\n/timeline chart from=2025-07-01 to=2025-07-10\n"
    loaded, out = _run_cli(["console"], env_for(_current_database(tmp_path)), tmp_path, stdin=script)
    assert "Chart written to" in out
    assert "matplotlib" in loaded


def test_the_migration_heads_read_without_alembic_are_alembics(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'heads.db'}")
    assert expected_heads() == database.head_revisions()
    database.dispose()


async def test_serve_slack_http_answers_commands_without_heavy_libraries(tmp_path: Path) -> None:
    standin = await StandinSlack().start()
    record = tmp_path / "serve-modules.json"
    port = free_port()
    env = serve_env(_current_database(tmp_path), standin.api_url) | {"CW_LOADED_MODULES": str(record)}
    with (tmp_path / "serve.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", DRIVER, "serve", "slack", "--http", "--port", str(port),
            cwd=tmp_path, env=env, stdout=log, stderr=log,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            await until_serving(session, url, process, within=30)
            for command, text in (("help", ""), ("contact", CONTACT.removeprefix("/contact ")), ("timeline", "")):
                body = command_body(command, text, user="UADMIN", response_url=standin.response_url())
                async with session.post(f"{url}/slack/events", data=body.encode(), headers=signed_headers(body)) as r:
                    assert r.status == 200, await r.text()
                    assert "error" not in (await r.text()).lower()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 10)
        await standin.stop()
    assert process.returncode == 0, (tmp_path / "serve.log").read_text()
    loaded = _loaded(record)
    assert "slack_bolt" in loaded  # the record is the server's own
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "alembic" not in loaded
