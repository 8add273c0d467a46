"""The alert worker comes back on its own after the database goes away: no post lost, none sent twice.

Two outages: one while posts fall due (claims fail, nothing is sent, everything goes out once the database is
back) and one at the worst moment, after the platform accepted a post and before the database recorded it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import select

from bot.alert_worker import AlertWorker, WorkerOptions
from bot.core import Core
from bot.pacing import UNLIMITED
from bot.wiring import build_core
from handlers.chat.reply import Reply
from handlers.chat.settings import Settings
from storage.database import Database
from storage.models import AlertPost, PostState
from tests.alerts.conftest import RecordingPlatform, log_contact, subscribe
from tests.conftest import FrozenClock, RequestMaker
from tests.faults.proxy import BreakableProxy

pytestmark = pytest.mark.postgres


@pytest.fixture
def core(proxied_postgres_url: str, clock: FrozenClock) -> Iterator[Core]:
    built = build_core(Settings(database_url=proxied_postgres_url, admins="slack:UADMIN", tz="UTC"), clock=clock)
    yield built
    built.close()


def worker_for(core: Core, platform: RecordingPlatform, clock: FrozenClock) -> AlertWorker:
    async def sleep(seconds: float) -> None:  # the worker's own waits move the frozen clock
        clock.advance(seconds=seconds)
        await asyncio.sleep(0.01)

    return AlertWorker(
        core.db,
        core.settings,
        {str(platform.platform): platform},
        clock=clock,
        sleep=sleep,
        options=WorkerOptions(limits={str(platform.platform): UNLIMITED}, poll_seconds=0.05),
    )


def posts(direct_url: str) -> list[AlertPost]:
    database = Database(direct_url)
    try:
        with database.reader() as session:
            return list(session.exec(select(AlertPost).order_by(AlertPost.id)))
    finally:
        database.dispose()


class Failures(logging.Handler):
    """Counts the worker's complaints, to know the outage was felt before ending it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def count(self, text: str) -> int:
        return sum(text in message for message in self.messages)


@pytest.fixture
def failures() -> Iterator[Failures]:
    handler = Failures()
    logger = logging.getLogger("callwatch.worker")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


async def until(condition: Callable[[], bool], within: float = 20) -> None:
    """The worker's progress has no event to wait on: look every 20 ms until the deadline."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def sent_once_each(platform: RecordingPlatform) -> Counter[tuple[str, str]]:
    return Counter((post.channel_id, (post.reply.title or "").split(" ·")[0]) for post in platform.posts)


async def test_posts_due_during_an_outage_go_out_once_after_it(
    core: Core,
    make_request: RequestMaker,
    clock: FrozenClock,
    db_proxy: BreakableProxy,
    direct_url: str,
    failures: Failures,
) -> None:
    for channel in ("C1", "C2"):
        subscribe(core, make_request, channel_id=channel)
    log_contact(core, make_request)
    platform = RecordingPlatform(clock=clock)
    worker = worker_for(core, platform, clock)
    db_proxy.cut()
    stop = asyncio.Event()
    running = asyncio.ensure_future(worker.run(stop))
    await until(lambda: failures.count("alert worker pass failed") >= 3)
    assert platform.posts == [] and not running.done()

    db_proxy.restore()
    await until(lambda: len(platform.posts) == 2)
    clock.advance(hours=25)  # the first reminder falls due, and is posted once the poll sees it
    await until(lambda: len(platform.posts) == 4)
    stop.set()
    await asyncio.wait_for(running, 10)
    assert sent_once_each(platform) == {("C1", "READINESS ALERT"): 1, ("C2", "READINESS ALERT"): 1,
                                        ("C1", "Reminder"): 1, ("C2", "Reminder"): 1}  # fmt: skip
    states = Counter(post.state for post in posts(direct_url))
    assert states[PostState.SENT] == 4 and states[PostState.FAILED] == 0


class CutAfterAccepting(RecordingPlatform):
    """The platform takes the post, and the database goes away before the worker can record it."""

    proxy: BreakableProxy | None = None

    async def post(self, channel_id: str, message: Reply) -> str:
        reference = await super().post(channel_id, message)
        if self.proxy is not None and len(self.posts) == 1:
            self.proxy.cut()
        return reference


async def test_a_post_accepted_just_before_the_outage_is_recorded_after_it_never_resent(
    core: Core,
    make_request: RequestMaker,
    clock: FrozenClock,
    db_proxy: BreakableProxy,
    direct_url: str,
    failures: Failures,
) -> None:
    for channel in ("C1", "C2"):
        subscribe(core, make_request, channel_id=channel)
    log_contact(core, make_request)
    platform = CutAfterAccepting(clock=clock)
    platform.proxy = db_proxy
    worker = worker_for(core, platform, clock)
    stop = asyncio.Event()
    running = asyncio.ensure_future(worker.run(stop))
    await until(lambda: db_proxy.is_cut and failures.count("could not record sent alert posts") >= 3)
    assert worker.unrecorded and not running.done()
    clock.advance(minutes=5)  # well past the claim's lease: the worker must still not send it again

    db_proxy.restore()
    await until(lambda: not worker.unrecorded and len(platform.posts) == 2)
    clock.advance(hours=25)
    await until(lambda: len(platform.posts) == 4)
    stop.set()
    await asyncio.wait_for(running, 10)
    assert set(sent_once_each(platform).values()) == {1} and len(platform.posts) == 4
    rows = posts(direct_url)
    sent = [row for row in rows if row.state == PostState.SENT]
    assert len(sent) == 4 and {row.message_ref for row in sent} == {post.ref for post in platform.posts}
