"""Several `callwatch worker` replicas against one PostgreSQL: each post still goes out once.

PostgreSQL only: the claim relies on `SELECT … FOR UPDATE SKIP LOCKED`, which SQLite ignores (there, writes are
serialised by `BEGIN IMMEDIATE` instead).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot import alert_worker
from bot.alert_worker import AlertWorker, WorkerOptions
from bot.core import Core
from bot.pacing import UNLIMITED
from bot.wiring import build_core
from handlers.chat.settings import Settings
from storage import alert_posts, plan_signal
from storage.database import Database
from storage.models import PostState
from tests.alerts.conftest import RecordingPlatform, log_contact, plan_rows, subscribe
from tests.conftest import FrozenClock, RequestMaker

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_core(postgres_url: str, clock: FrozenClock) -> Iterator[Core]:
    built = build_core(Settings(database_url=postgres_url, admins="slack:UADMIN", tz="UTC"), clock=clock)
    yield built
    built.close()


def _plan_of_200(core: Core, make_request: RequestMaker) -> None:
    for number in range(50):  # 50 channels × (alert, two reminders, summary) = 200 posts
        subscribe(core, make_request, channel_id=f"C{number:02d}", args="escalate=off")
    log_contact(core, make_request)


def test_two_workers_post_a_plan_of_200_once_each(
    pg_core: Core,
    postgres_url: str,
    make_request: RequestMaker,
    clock: FrozenClock,
) -> None:
    _plan_of_200(pg_core, make_request)
    clock.advance(hours=72)  # everything is due at once: the workers race for every row
    platform = RecordingPlatform(clock=clock)  # shared by both threads: appends are atomic
    databases = [Database(postgres_url) for _ in range(2)]  # as two processes would have
    workers = [
        AlertWorker(
            database,
            pg_core.settings,
            {"slack": platform},
            clock=clock,
            worker_id=f"replica-{n}",
            options=WorkerOptions(batch_size=8, limits={"slack": UNLIMITED}),
        )
        for n, database in enumerate(databases)
    ]
    start = threading.Barrier(2)

    def run(worker: AlertWorker) -> None:
        start.wait()
        asyncio.run(worker.run_once())

    threads = [threading.Thread(target=run, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for database in databases:
        database.dispose()

    rows = plan_rows(pg_core)
    assert len(rows) == 200
    assert all(row.state == PostState.SENT for row in rows)
    delivered = Counter((post.channel_id, post.text) for post in platform.posts)
    assert len(platform.posts) == 200 and set(delivered.values()) == {1}
    assert all(row.attempts == 1 for row in rows), "no row was claimed twice"
    assert set(Counter(row.claimed_by for row in rows)) == {"replica-0", "replica-1"}, "both replicas worked"


def test_a_claimed_row_is_skipped_not_waited_for(pg_core: Core, make_request: RequestMaker, clock: FrozenClock) -> None:
    """Claims take one post per channel (the next one waits for its answer); a channel another claimer holds is
    skipped, not waited for, even before that claim commits."""
    _plan_of_200(pg_core, make_request)
    clock.advance(hours=72)
    lease = timedelta(minutes=2)
    with pg_core.db.transaction() as session:
        alert_posts.prepare_pacing(session, ["slack"], clock())
    with pg_core.db.transaction() as first:
        held = alert_posts.claim_due(first, now=clock(), worker_id="a", lease=lease, platforms=["slack"], limit=30)
        with pg_core.db.transaction() as second:  # while the first claim is uncommitted
            taken = alert_posts.claim_due(
                second, now=clock(), worker_id="b", lease=lease, platforms=["slack"], limit=500
            )
        assert len(held) == 30 and len(taken) == 20
        assert not {row.channel for row in held} & {row.channel for row in taken}
    claimers = Counter(row.claimed_by for row in plan_rows(pg_core))
    assert claimers == {"a": 30, "b": 20, None: 150}
    with pg_core.db.transaction() as third:  # every channel has a post in flight: nothing more until answers
        assert (
            alert_posts.claim_due(third, now=clock(), worker_id="c", lease=lease, platforms=["slack"], limit=500) == []
        )


def test_a_worker_in_another_process_is_woken_by_the_database(
    pg_core: Core,
    postgres_url: str,
    make_request: RequestMaker,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker beside a Slack or Telegram server hears of a contact through PostgreSQL's NOTIFY, sent in the
    planning transaction, instead of at its next poll (here ten minutes away)."""
    subscribe(pg_core, make_request, channel_id="C01", args="escalate=off")
    # Deaf to this process's own wake-ups, as a worker in another process is.
    monkeypatch.setattr(alert_worker, "on_plan_changed", lambda _listener: lambda: None)
    platform = RecordingPlatform(clock=clock)
    database = Database(postgres_url)
    worker = AlertWorker(
        database,
        pg_core.settings,
        {"slack": platform},
        clock=clock,
        worker_id="beside-the-server",
        options=WorkerOptions(poll_seconds=600, limits={"slack": UNLIMITED}),
    )
    passes: list[int] = []
    real_pass = worker._pass

    async def counted(stop: asyncio.Event) -> int:
        passes.append(1)
        return await real_pass(stop)

    worker._pass = counted  # type: ignore[method-assign]
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete, args=(worker.run(stop),), daemon=True)
    thread.start()
    try:
        _until(lambda: _listening(database), "the worker listens")
        _until(lambda: _quiet(passes), "the worker is idle (its start-up pass and the one on listening are done)")
        log_contact(pg_core, make_request)
        _until(lambda: len(platform.posts) == 1, "the alert went out long before the poll")
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        loop.close()
        database.dispose()
    assert [post.channel_id for post in platform.posts] == ["C01"]


def _listening(database: Database) -> bool:
    """A backend of this database whose last statement is the worker's LISTEN."""
    with database.reader() as session:
        found = session.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE query = :listen AND datname = current_database()"),
            {"listen": f"LISTEN {plan_signal.CHANNEL}"},
        ).scalar_one()
    return bool(found)


def _quiet(passes: list[int], seconds: float = 0.5) -> bool:
    before = len(passes)
    time.sleep(seconds)
    return bool(passes) and len(passes) == before


def _until(condition: Callable[[], bool], what: str, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"not within {within} s: {what}"
        time.sleep(0.02)
