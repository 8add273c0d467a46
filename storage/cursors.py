"""Named positions in a platform's update stream (Telegram's last processed `update_id`).

One row per name, overwritten in place by a single upsert. A position is written after every update, so it is
written cheaply: see `position_database` for why it may skip the flush to disk that reports get.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select, text

from storage.database import Database
from storage.models import PlatformCursor


def read(session: Session, name: str) -> str | None:
    return session.exec(select(PlatformCursor.value).where(PlatformCursor.name == name)).first()


def write(session: Session, name: str, value: str, *, at: datetime) -> None:
    """Set `name` to `value`, creating the row the first time (one statement, no read first)."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    table = PlatformCursor.__table__  # type: ignore[attr-defined]
    statement = dialect.insert(table).values(name=name, value=value, updated_at=at)
    statement = statement.on_conflict_do_update(index_elements=[table.c.name], set_={"value": value, "updated_at": at})
    if dialect is postgresql:
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    session.execute(statement)


def position_database(url: str) -> Database:
    """A connection for positions only, committing without waiting for the disk flush.

    Safe because a position only saves work, never data: a commit survives a crash of our process at once; only
    an operating-system crash or power loss can lose the last few, and then the updates after the older position
    are redelivered and the reports among them are recognised by their idempotency keys. Both databases write
    their log in order, so a report committed (and flushed) later also persists every position before it.
    SQLite: `synchronous=NORMAL` on these connections; PostgreSQL: `synchronous_commit=off` per write.
    """
    database = Database(url)
    if database.is_sqlite:

        @event.listens_for(database.engine, "connect")
        def _relaxed(dbapi_connection: Any, _record: Any) -> None:  # runs after Database's own FULL setting
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return database
