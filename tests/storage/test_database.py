"""The schema on both databases: migrations, the empty-database rule, UTC columns, SQLite durability settings."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from storage.database import Database, SchemaOutdatedError
from storage.models import StrikeReport


def test_an_empty_database_is_upgraded_by_itself(database_url: str) -> None:
    database = Database(database_url)
    assert database.current_revisions() == set()
    database.ensure_schema()
    assert database.is_current()
    database.dispose()


def test_a_database_behind_the_code_is_refused(database_url: str) -> None:
    database = Database(database_url)
    database.upgrade("0001_core")
    if database.head_revisions() != {"0001_core"}:
        with pytest.raises(SchemaOutdatedError, match="callwatch db upgrade"):
            database.ensure_schema()
        database.upgrade()
    database.ensure_schema()
    assert database.is_current()
    database.dispose()


def test_naive_datetimes_are_refused(database_url: str) -> None:
    database = Database(database_url)
    database.ensure_schema()
    with pytest.raises(Exception, match="naive datetime"), database.transaction() as session:
        session.add(
            StrikeReport(started_at=datetime(2025, 1, 1), reported_by="x", channel="y", created_at=datetime(2025, 1, 1))
        )
        session.flush()
    database.dispose()


def test_sqlite_runs_in_wal_mode_with_full_sync(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    database.dispose()
