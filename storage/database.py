"""The connection to SQLite or PostgreSQL, transactions, and schema upgrades.

SQLite runs in WAL mode with `synchronous=FULL`: a report the bot has confirmed is on disk before the
confirmation is sent. Write transactions on SQLite start with `BEGIN IMMEDIATE` so two writers queue on the
busy timeout instead of failing on a lock upgrade. A new SQLite file is created readable by its owner only
(0600); SQLite gives its `-wal` and `-shm` files the database file's mode, so they are 0600 too. The mode of a
file that already exists is left as the operator set it.

A database that cannot be reached at start-up is one line for the operator (`DatabaseUnreachableError`), naming
the setting and the URL with its password hidden, not the driver's traceback.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlmodel import Session, create_engine

from storage import authority
from storage.migration_heads import expected_heads

if TYPE_CHECKING:  # alembic loads only to migrate or to answer a schema question the fast check cannot
    from alembic.config import Config

log = logging.getLogger(__name__)

URL_SETTING = "CALLWATCH_DATABASE_URL"
PRIVATE_FILE_MODE = 0o600


class SchemaOutdatedError(RuntimeError):
    pass


class DatabaseUnreachableError(RuntimeError):
    """The database could not be opened; the message is one line naming the setting, the URL and the cause."""


def redacted_url(url: str) -> str:
    """The URL as it may be shown or logged: `postgresql+psycopg://user:***@host/db`."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


# The driver's words → the operator's (case-insensitive patterns; the first match wins).
_CAUSES = (
    (r"connection refused", "connection refused"),
    (r"could not translate host name|name or service not known|nodename nor servname", "unknown host"),
    (r"timeout expired|timed out", "timed out"),
    (r"password authentication failed for user \"?([^\"\s]+)", "password refused for user {0}"),
    (r"no password supplied", "the server wants a password and the URL has none"),
    (r"role \"([^\"]+)\" does not exist", "no such user {0}"),
    (r"database \"([^\"]+)\" does not exist", "no such database {0}"),
    (r"no route to host|network is unreachable", "network unreachable"),
    (r"unable to open database file", "cannot open the file: does its folder exist, may we write there?"),
    (r"file is not a database|file is encrypted", "the file is not an SQLite database"),
    (r"server closed the connection unexpectedly|connection reset", "the server closed the connection"),
)


def unreachable_message(url: str, error: BaseException) -> str:
    """`cannot reach the database at CALLWATCH_DATABASE_URL=postgresql+psycopg://user:***@host/db (connection
    refused)`: one line, the password hidden, the cause in a few words (else the driver's first line)."""
    detail = str(getattr(error, "orig", None) or error)
    cause = _cause(detail)
    password = _password(url)
    if password:
        cause = cause.replace(password, "***")
    return f"cannot reach the database at {URL_SETTING}={redacted_url(url)} ({cause})"


def _cause(detail: str) -> str:
    for pattern, words in _CAUSES:
        match = re.search(pattern, detail, re.IGNORECASE)
        if match:
            return words.format(*match.groups())
    first_line = next((line.strip() for line in detail.splitlines() if line.strip()), "unknown error")
    return first_line[:200]


def _password(url: str) -> str | None:
    try:
        return make_url(url).password  # type: ignore[return-value]
    except (ArgumentError, ValueError):
        return None


@contextmanager
def reaching(url: str) -> Iterator[None]:
    """Turn a driver error into `DatabaseUnreachableError`; wrap only the connecting, never statements."""
    try:
        yield
    except DBAPIError as error:
        raise DatabaseUnreachableError(unreachable_message(url, error)) from error


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": 30} if self.is_sqlite else {}
        # A ping before each use finds a PostgreSQL connection the server dropped; an SQLite file has none to drop.
        self.engine: Engine = create_engine(url, echo=echo, connect_args=connect_args, pool_pre_ping=not self.is_sqlite)
        if self.is_sqlite:
            _create_private_file(url)
            _configure_sqlite(self.engine)
        self._writer = self.engine.execution_options(callwatch_write=True)
        # SQLite takes one writer at a time. Left to SQLite, writers of this process that find the file locked
        # sleep in its busy handler (1, 2, 5, 10 … 100 ms steps) and wake late: at 10 concurrent /contact that
        # was most of a 350–2,000 ms p99. Queued on a lock here, the next writer starts the moment the last
        # one commits. Other processes (a worker, a CLI import) still meet SQLite's busy timeout as before.
        self._one_writer: AbstractContextManager[object] = threading.RLock() if self.is_sqlite else nullcontext()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction, committed on leaving the block, rolled back on an exception.

        Refused before it begins when a chat request is being served for a caller who may not write
        (`storage.authority`: the backstop behind the router's role check).
        """
        authority.check_write()
        with self._one_writer, Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only session; nothing done in it is committed."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # --- schema -------------------------------------------------------------------------------------------
    def alembic_config(self) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(files("storage") / "migrations"))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def connect(self) -> Connection:
        """A connection for start-up and CLI work; failing to connect is one `DatabaseUnreachableError` line."""
        with reaching(self.url):
            return self.engine.connect()

    def upgrade(self, revision: str = "heads") -> None:
        from alembic import command

        with self.connect() as connection, connection.begin():
            config = self.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def current_revisions(self) -> set[str]:
        from alembic.runtime.migration import MigrationContext

        with self.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())

    def head_revisions(self) -> set[str]:
        from alembic.script import ScriptDirectory

        return set(ScriptDirectory.from_config(self.alembic_config()).get_heads())

    def is_current(self) -> bool:
        return self.current_revisions() == self.head_revisions()

    def ensure_schema(self) -> None:
        """Create the schema in an empty database; refuse to run on one that needs a migration."""
        heads = expected_heads()
        if heads and self._recorded_revisions() == heads:
            return  # the usual start: current, known without importing alembic
        if self.is_current():
            return
        tables = set(inspect(self.engine).get_table_names()) - {"alembic_version"}
        if not tables and not self.current_revisions():
            log.info("empty database: applying migrations")
            self.upgrade()
            return
        raise SchemaOutdatedError("the database schema is behind this version of callwatch: run `callwatch db upgrade`")

    def _recorded_revisions(self) -> frozenset[str]:
        """What `alembic_version` holds (what alembic's `get_current_heads` reads), empty without the table."""
        with self.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return frozenset()
            return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())

    def dispose(self) -> None:
        self.engine.dispose()


def _create_private_file(url: str) -> None:
    """Create a missing SQLite file as 0600 before SQLite does (it would use 0644); leave an existing one alone."""
    try:
        path = make_url(url).database
    except (ArgumentError, ValueError):
        return
    if not path or path == ":memory:" or path.startswith("file:") or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))
    except FileExistsError:
        pass  # another process created it first: it chose the mode
    except OSError:
        pass  # a missing folder or no permission: SQLite's own error on connect says so, in one line


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
