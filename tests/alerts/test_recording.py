"""Sent means recorded: once the platform accepted a post, a database that will not take the record never makes
the post go out again — the record is kept in memory and retried until it lands, and on shutdown the posts that
could not be recorded are named in the log.

The outage is injected at the storage call that records sends (`alert_posts.record_sent`): the database is real,
it only refuses that write for a while, as a cut connection would.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import OperationalError

from bot.alert_worker import AlertWorker, WorkerOptions
from bot.core import Core
from bot.pacing import UNLIMITED
from handlers.chat.reply import Reply
from storage import alert_posts
from storage.models import PostState
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, log_contact, plan_rows, run, subscribe
from tests.conftest import FrozenClock, RequestMaker


class Outage:
    """Makes `record_sent` fail `times` times (counting every call), then lets it through; with `worker`, only
    that worker's records fail (its connection is the one cut)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, times: int, worker: str | None = None) -> None:
        self.left = times
        self.refused = 0
        real = alert_posts.record_sent

        def flaky(*args: object, **kwargs: object) -> object:
            if self.left > 0 and worker in (None, kwargs.get("worker_id")):
                self.left -= 1
                self.refused += 1
                raise OperationalError("UPDATE alert_post", {}, ConnectionError("server closed the connection"))
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(alert_posts, "record_sent", flaky)


@pytest.fixture
def two_channels(core: Core, make_request: RequestMaker) -> Iterator[None]:
    subscribe(core, make_request, channel_id="C1")
    subscribe(core, make_request, channel_id="C2")
    yield


def test_a_failed_record_is_retried_and_the_post_never_sent_twice(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    two_channels: None,
) -> None:
    contact_id, _ = log_contact(core, make_request)
    outage = Outage(monkeypatch, times=30)  # backoff 0.5, 1, 2, 4, then 5 s each: past the 2 minute lease
    worker = make_worker(worker_id="w1")
    start = clock()
    run(worker.run_once())
    assert outage.refused == 30, "the record was retried until the database took it"
    assert clock() - start > worker.options.lease, "the outage outlasted the lease"
    assert sorted(post.channel_id for post in platform.posts) == ["C1", "C2"]
    alerts = [row for row in plan_rows(core, contact_id) if row.kind == "alert"]
    assert all(row.state == PostState.SENT and row.message_ref for row in alerts)
    assert {row.message_ref for row in alerts} == {post.ref for post in platform.posts}
    run(worker.run_once())  # nothing left claimed or owed: the next pass sends nothing again
    assert len(platform.posts) == 2 and worker.unrecorded == ()


def test_while_records_are_owed_nothing_new_is_claimed_and_no_other_worker_resends(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    two_channels: None,
) -> None:
    log_contact(core, make_request)
    outage = Outage(monkeypatch, times=10**6, worker="w1")  # w1 is cut off until we say so

    async def slow_sleep(seconds: float) -> None:  # fake time, but slow enough to look in between retries
        clock.advance(seconds=seconds)
        await asyncio.sleep(0.05)

    worker = AlertWorker(
        core.db,
        core.settings,
        {"slack": platform},
        clock=clock,
        sleep=slow_sleep,
        options=WorkerOptions(batch_size=1, claim_ahead=0, limits={"slack": UNLIMITED}),  # C1 first; C2 waits
        worker_id="w1",
    )

    start = clock()

    async def scenario() -> None:
        stop = asyncio.Event()
        running = asyncio.ensure_future(worker._pass(stop))
        for _ in range(200):  # bounded: the database work runs in threads
            if outage.refused >= 3:
                break
            await asyncio.sleep(0.01)
        assert outage.refused >= 3 and len(platform.posts) == 1, "sent once, record owed, nothing else claimed"
        assert clock() - start < worker.options.lease, "a shorter outage than the lease"
        other = make_worker(worker_id="w2")
        await other.run_once()  # another worker meanwhile: C1's post is claimed under a live lease, C2's is free
        assert sorted(post.channel_id for post in platform.posts) == ["C1", "C2"]
        outage.left = 0  # the database is back
        await asyncio.wait_for(running, timeout=10)

    asyncio.run(scenario())
    assert sorted(post.channel_id for post in platform.posts) == ["C1", "C2"]
    assert {row.state for row in plan_rows(core) if row.kind == "alert"} == {PostState.SENT}


def test_on_shutdown_the_unrecorded_posts_are_named_loudly(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    subscribe(core, make_request)
    log_contact(core, make_request)
    outage = Outage(monkeypatch, times=10**6)
    worker = make_worker(worker_id="w1")

    async def scenario() -> None:
        stop = asyncio.Event()
        running = asyncio.ensure_future(worker.run(stop))
        for _ in range(300):
            if outage.refused >= 2:
                break
            await asyncio.sleep(0.01)
        assert outage.refused >= 2
        refused_before_stop = outage.refused
        stop.set()  # SIGTERM
        await asyncio.wait_for(running, timeout=10)
        assert outage.refused > refused_before_stop, "one more try on the way out"

    with caplog.at_level(logging.ERROR, logger="callwatch.worker"):
        asyncio.run(scenario())
    [alert] = [row for row in plan_rows(core) if row.kind == "alert"]
    loud = [record for record in caplog.records if "SENT BUT NOT RECORDED" in record.getMessage()]
    assert len(loud) == 1 and loud[0].post == alert.id  # type: ignore[attr-defined]
    assert loud[0].message_ref == platform.posts[0].ref  # type: ignore[attr-defined]
    assert len(platform.posts) == 1


def test_posts_claimed_ahead_are_handed_back_while_records_fail(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    two_channels: None,
) -> None:
    """A worker claims ahead of its sends; once the database refuses its records, what it claimed but has not sent
    goes back to pending at once (no try counted), so another worker sends it instead of waiting out the lease."""
    subscribe(core, make_request, channel_id="C3")
    log_contact(core, make_request)
    outage = Outage(monkeypatch, times=10**6, worker="w1")

    class Slow(RecordingPlatform):  # each answer takes a moment of real time, so the record fails mid-fan-out
        async def post(self, channel_id: str, message: Reply) -> str:
            await asyncio.sleep(0.2)
            return await super().post(channel_id, message)

    async def advancing_sleep(seconds: float) -> None:  # the record's backoff runs on the test's clock
        clock.advance(seconds=seconds)
        await asyncio.sleep(0.01)

    slow = Slow(clock=clock)
    worker = AlertWorker(
        core.db,
        core.settings,
        {"slack": slow},
        clock=clock,
        sleep=advancing_sleep,
        options=WorkerOptions(batch_size=1, claim_ahead=4, limits={"slack": UNLIMITED}),
        worker_id="w1",
    )

    async def scenario() -> None:
        stop = asyncio.Event()
        running = asyncio.ensure_future(worker._pass(stop))
        handed_back: list[str] = []
        for _ in range(300):  # bounded: until w1 has given back what it held
            handed_back = [
                row.channel
                for row in plan_rows(core)
                if row.kind == "alert" and row.claimed_by == "w1" and row.state == PostState.PENDING
            ]
            if outage.refused >= 1 and handed_back and len(slow.posts) == 2:
                break
            await asyncio.sleep(0.01)
        assert outage.refused >= 1, "w1's records are refused"
        assert len(slow.posts) == 2 and handed_back == ["slack:C3"], "sent two, gave back the third unsent"
        await make_worker(worker_id="w2").run_once()  # platform: the other worker's own
        assert [post.channel_id for post in platform.posts] == ["C3"]
        outage.left = 0  # the database is back: w1 records what it sent and stops
        await asyncio.wait_for(running, timeout=10)

    asyncio.run(scenario())
    alerts = {row.channel: row for row in plan_rows(core) if row.kind == "alert"}
    assert {row.state for row in alerts.values()} == {PostState.SENT}
    assert sorted(post.channel_id for post in slow.posts + platform.posts) == ["C1", "C2", "C3"], "each once"
    assert alerts["slack:C3"].attempts == 1, "the hand-back counted no try"
