"""The SQLite database and its WAL/shared-memory files are readable by their owner only; an operator's mode on
an existing file is left alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import Database


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def write_something(database: Database) -> None:
    database.ensure_schema()
    with database.transaction() as session:  # a write, so the -wal and -shm files exist
        session.execute(text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
        session.execute(text("INSERT INTO probe VALUES (1)"))


def test_a_new_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual default, which would give SQLite's files 0644
    try:
        database = Database(f"sqlite:///{tmp_path / 'new.db'}")
        write_something(database)
        files = {name: tmp_path / f"new.db{name}" for name in ("", "-wal", "-shm")}
        assert all(path.exists() for path in files.values())
        assert {name: mode(path) for name, path in files.items()} == {"": 0o600, "-wal": 0o600, "-shm": 0o600}
        database.dispose()
    finally:
        os.umask(old_umask)


def test_an_existing_files_mode_is_the_operators(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch()
    path.chmod(0o640)  # e.g. readable by a backup group on purpose
    database = Database(f"sqlite:///{path}")
    write_something(database)
    assert mode(path) == 0o640
    assert mode(tmp_path / "shared.db-wal") == 0o640  # SQLite gives its side files the database's mode
    database.dispose()


def test_a_relative_default_path_is_private_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    database = Database("sqlite:///./callwatch.db")
    write_something(database)
    assert mode(tmp_path / "callwatch.db") == 0o600
    database.dispose()
