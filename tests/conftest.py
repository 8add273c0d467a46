"""Shared fixtures: a real database per test, on SQLite and on PostgreSQL, and a core wired to it.

PostgreSQL tests run against CALLWATCH_TEST_POSTGRES_URL (default: the server on 127.0.0.1:5432, database
`test`). Each test gets its own schema, dropped afterwards. If the server cannot be reached the tests fail —
they are never skipped, so CI cannot go green without them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy

from bot.core import Core
from bot.wiring import build_core
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings

POSTGRES_URL = os.environ.get("CALLWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class FrozenClock:
    """A clock tests move by hand (`clock.advance(hours=24)`); never sleeps."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, value: datetime) -> None:
        self.current = value


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2025, 7, 5, 12, 0, tzinfo=UTC))


def _postgres_schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sqlalchemy.Engine]:
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("select 1"))
    except sqlalchemy.exc.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({error.orig}). Start it, point "
            "CALLWATCH_TEST_POSTGRES_URL at one, or deselect these tests explicitly with -m 'not postgres'.",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@contextmanager
def fresh_postgres_schema(admin: sqlalchemy.Engine) -> Iterator[str]:
    """A new, empty schema and a URL whose connections use it; dropped on leaving."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_schema_url(schema)
    finally:
        with admin.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for one test."""
    with fresh_postgres_schema(request.getfixturevalue("postgres_admin")) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'callwatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Every test using this runs twice: on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, admins="slack:UADMIN,telegram:1001", tz="UTC")


@pytest.fixture
def core(settings: Settings, clock: FrozenClock) -> Iterator[Core]:
    built = build_core(settings, clock=clock)
    yield built
    built.close()


RequestMaker = Callable[..., ChatRequest]


@pytest.fixture
def make_request(clock: FrozenClock) -> RequestMaker:
    """`make_request("contact", "at=now parties=A,B")` — a Slack admin in channel C1 unless told otherwise."""

    def make(command: str, text: str = "", **overrides: object) -> ChatRequest:
        fields: dict[str, object] = {
            "platform": Platform.SLACK,
            "user_id": "UADMIN",
            "channel_id": "C1",
            "command": command,
            "text": text,
            "received_at": clock(),
        }
        fields.update(overrides)
        return ChatRequest(**fields)  # type: ignore[arg-type]

    return make
