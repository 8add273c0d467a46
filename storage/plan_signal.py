"""Telling alert workers in other processes that posts were planned, so they start at once instead of at their
next poll (`poll_seconds`, 2 s: longer than a whole 1,000-channel Slack fan-out).

PostgreSQL's NOTIFY is sent inside the planning transaction, so it is delivered when that commits and dropped if it
rolls back; each worker LISTENs on a connection of its own. SQLite has nothing like it: there the worker inside
`callwatch run` hears of the rows in-process (`handlers.alerts.delivery.on_plan_changed`) and a worker in another
process polls. A notification only wakes a worker; what is due is still read from `alert_post`, so a lost or
spurious one costs at most a poll interval or an empty pass.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from storage.database import unreachable_message

log = logging.getLogger(__name__)

CHANNEL = "callwatch_plan"


def announce(session: Session) -> None:
    """Wake the listening workers when this transaction commits (PostgreSQL; several in one transaction are one)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


def can_listen(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def listen(url: str, heard: Callable[[], None], stop: threading.Event, *, retry_max: float = 5.0) -> None:
    """Call `heard` on every notification until `stop` is set (in a thread of its own: psycopg waits blocking).

    Also once each time listening (re)starts, for whatever was planned while it was not. A lost connection is
    opened again with backoff; the worker's poll covers the gap meanwhile.
    """
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    backoff = 0.5
    while not stop.is_set():
        try:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as connection:
                connection.execute(f"LISTEN {CHANNEL}")
                backoff = 0.5
                heard()
                while not stop.is_set():
                    for _notification in connection.notifies(timeout=0.5):
                        heard()
        except psycopg.Error as error:
            log.warning(
                "not listening for planned posts; polling meanwhile",
                extra={"retry_in_s": backoff, "error": unreachable_message(url, error)},  # the password hidden
            )
            stop.wait(backoff)
            backoff = min(backoff * 2, retry_max)
