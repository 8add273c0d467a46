"""Several `callwatch worker` replicas against one PostgreSQL: each post still goes out once.

PostgreSQL only: the claim relies on `SELECT … FOR UPDATE SKIP LOCKED`, which SQLite ignores (there, writes are
serialised by `BEGIN IMMEDIATE` instead).
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.alert_worker import AlertWorker, WorkerOptions
from bot.core import Core
from bot.pacing import UNLIMITED
from bot.wiring import build_core
from handlers.chat.settings import Settings
from storage import alert_posts
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
