"""Fixtures for fault injection: PostgreSQL reached through a proxy the test can cut and restore.

`proxied_postgres_url` is a fresh, empty schema (as `postgres_url` gives) whose URL points at the proxy, so
everything the code under test opens goes through it, while the fixture's own set-up and clean-up talk to the
server directly. The machine's PostgreSQL server is never stopped: only the proxy's connections are dropped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy
from sqlalchemy.engine import make_url
from sqlmodel import select

from storage.database import Database
from storage.models import ContactReport
from tests.conftest import POSTGRES_URL, fresh_postgres_schema
from tests.faults.proxy import BreakableProxy


@pytest.fixture
def db_proxy() -> Iterator[BreakableProxy]:
    server = make_url(POSTGRES_URL)
    with BreakableProxy(server.host or "127.0.0.1", server.port or 5432) as proxy:
        yield proxy


def through(proxy: BreakableProxy, url: str) -> str:
    """`url` with its host and port replaced by the proxy's (database, user and options kept)."""
    return make_url(url).set(host=proxy.host, port=proxy.port).render_as_string(hide_password=False)


@pytest.fixture
def proxied_postgres_url(db_proxy: BreakableProxy, postgres_admin: sqlalchemy.Engine) -> Iterator[str]:
    with fresh_postgres_schema(postgres_admin) as url:
        yield through(db_proxy, url)
        db_proxy.restore()  # a test that ends cut must not keep its own clean-up (engines disposing) waiting


@pytest.fixture
def direct_url(proxied_postgres_url: str) -> str:
    """The same schema, reached directly: what a test reads to check the outcome while the proxy is cut."""
    server = make_url(POSTGRES_URL)
    return make_url(proxied_postgres_url).set(host=server.host, port=server.port).render_as_string(False)


def stored_contacts(direct_url: str) -> list[ContactReport]:
    database = Database(direct_url)
    try:
        with database.reader() as session:
            return list(session.exec(select(ContactReport).order_by(ContactReport.id)))
    finally:
        database.dispose()
