"""The connection to SQLite or PostgreSQL, transactions, and schema upgrades.

SQLite runs in WAL mode with `synchronous=FULL`: a report the bot has confirmed is on disk before the
confirmation is sent. Write transactions on SQLite start with `BEGIN IMMEDIATE` so two writers queue on the
busy timeout instead of failing on a lock upgrade.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)


class SchemaOutdatedError(RuntimeError):
    pass


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": 30} if self.is_sqlite else {}
        self.engine: Engine = create_engine(url, echo=echo, connect_args=connect_args, pool_pre_ping=True)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self._writer = self.engine.execution_options(callwatch_write=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction, committed on leaving the block, rolled back on an exception."""
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only session; nothing done in it is committed."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # --- schema -------------------------------------------------------------------------------------------
    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(files("storage") / "migrations"))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def upgrade(self, revision: str = "heads") -> None:
        with self.engine.begin() as connection:
            config = self.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def current_revisions(self) -> set[str]:
        with self.engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    def head_revisions(self) -> set[str]:
        return set(ScriptDirectory.from_config(self.alembic_config()).get_heads())

    def is_current(self) -> bool:
        return self.current_revisions() == self.head_revisions()

    def ensure_schema(self) -> None:
        """Create the schema in an empty database; refuse to run on one that needs a migration."""
        if self.is_current():
            return
        tables = set(inspect(self.engine).get_table_names()) - {"alembic_version"}
        if not tables and not self.current_revisions():
            log.info("empty database: applying migrations")
            self.upgrade()
            return
        raise SchemaOutdatedError("the database schema is behind this version of callwatch: run `callwatch db upgrade`")

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, issue BEGIN so savepoints and BEGIN IMMEDIATE work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("callwatch_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
