"""A database that cannot be reached at start-up is one line naming the setting, never a driver traceback,
and never the password."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from storage.database import Database, DatabaseUnreachableError, redacted_url, unreachable_message
from tests.cli.test_shutdown import free_port
from tests.console.test_process import callwatch, env_for

PASSWORD = "s3cr3t-Pa55"


def refused_url() -> str:
    return f"postgresql+psycopg://callwatch:{PASSWORD}@127.0.0.1:{free_port()}/callwatch"


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ["console"],
        ["run"],
        ["worker"],
        ["db", "upgrade"],
        ["db", "check"],
        ["analyze"],
        ["export", "--format", "json"],
    ],
)
def test_every_command_that_opens_the_database_says_so_in_one_line(tmp_path: Path, command: list[str]) -> None:
    url = refused_url()
    env = env_for(url) | {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": "http://127.0.0.1:9/bot"}
    result = subprocess.run(
        [*callwatch(), *command], input="/help\n", capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    port = url.rsplit(":", 1)[1].split("/")[0]
    expected = (
        f"callwatch: cannot reach the database at CALLWATCH_DATABASE_URL="
        f"postgresql+psycopg://callwatch:***@127.0.0.1:{port}/callwatch (connection refused)"
    )
    assert result.stderr.strip().splitlines() == [expected], result.stderr
    assert PASSWORD not in result.stdout + result.stderr


def test_a_missing_sqlite_folder_is_one_line_too(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'cw.db'}"
    with pytest.raises(DatabaseUnreachableError) as raised:
        Database(url).ensure_schema()
    assert str(raised.value) == (
        f"cannot reach the database at CALLWATCH_DATABASE_URL={url} "
        "(cannot open the file: does its folder exist, may we write there?)"
    )


@pytest.mark.parametrize(
    ("driver_says", "we_say"),
    [
        ('connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused', "connection refused"),
        ('could not translate host name "dbx" to address: Name or service not known', "unknown host"),
        ('FATAL:  password authentication failed for user "callwatch"', "password refused for user callwatch"),
        ('FATAL:  database "nope" does not exist', "no such database nope"),
        ("connection timeout expired", "timed out"),
        (f"weird failure mentioning {PASSWORD}\nsecond line", "weird failure mentioning ***"),
    ],
)
def test_the_cause_in_a_few_words(driver_says: str, we_say: str) -> None:
    url = f"postgresql+psycopg://callwatch:{PASSWORD}@db/callwatch"
    error = OperationalError("connect", {}, Exception(driver_says))
    message = unreachable_message(url, error)
    assert message == f"cannot reach the database at CALLWATCH_DATABASE_URL={redacted_url(url)} ({we_say})"
    assert PASSWORD not in message and "\n" not in message


def test_a_url_that_does_not_parse_still_hides_its_password() -> None:
    assert (
        redacted_url(f"postgresql+psycopg://u:{PASSWORD}@h:notaport/db") == "postgresql+psycopg://u:***@h:notaport/db"
    )
