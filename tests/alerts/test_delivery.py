"""Delivery guarantees: every planned post goes out once — across downtime, a killed worker, rate limits,
network trouble and channels that disappear."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.core import Core
from bot.pacing import RateLimit
from handlers.alerts.delivery import ChannelMovedError
from handlers.chat.reply import Reply
from storage import subscriptions
from storage.models import PostState
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, log_contact, plan_rows, run, subscribe
from tests.conftest import FrozenClock, RequestMaker


def _sent_once(platform: RecordingPlatform) -> None:
    keys = [(post.channel_id, post.reply.title, post.reply.text) for post in platform.posts]
    assert len(keys) == len(set(keys)), "a post went out twice"


def test_posts_due_during_downtime_go_out_late_on_start_up(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    start = clock()
    contact_id, _ = log_contact(core, make_request)
    clock.set(start + timedelta(days=4))  # the worker was down for the whole window
    run(make_worker().run_once())
    assert [title.split(" ·")[0] for title in platform.titles()] == [
        "READINESS ALERT",
        "Reminder",
        "Reminder",
        "Window closed",
    ]
    assert all("Posted late: this was due" in (post.reply.footer or "") for post in platform.posts)
    rows = plan_rows(core, contact_id)
    assert all(row.state == PostState.SENT and row.late for row in rows)
    run(make_worker().run_once())
    assert len(platform.posts) == 4


@dataclass
class HangingPlatform(RecordingPlatform):
    """Accepts `ok` posts, then never answers: the process is killed while it waits."""

    ok: int = 0
    stuck: bool = False
    calls: int = 0

    async def post(self, channel_id: str, message: Reply) -> str:
        self.calls += 1
        if self.calls > self.ok:
            self.stuck = True
            await asyncio.Event().wait()
        return await super().post(channel_id, message)


def _kill_mid_run(worker_run: object, ready: Callable[[], bool]) -> None:
    """Run the worker until `ready()` says it is where we want it, then kill it (cancel, no clean-up)."""

    async def main() -> None:
        task = asyncio.ensure_future(worker_run)  # type: ignore[arg-type]
        for _ in range(500):  # its database work runs in threads: give them a moment, bounded
            if ready():
                break
            await asyncio.sleep(0.01)
        assert ready(), "the worker never got there"
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_killed_worker_restarts_and_every_post_goes_out_exactly_once(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    clock: FrozenClock,
) -> None:
    for channel in ("C1", "C2", "C3", "C4", "C5"):
        subscribe(core, make_request, channel_id=channel)
    log_contact(core, make_request)
    dying = HangingPlatform(clock=clock, ok=2)
    first = make_worker(dying, worker_id="first")

    def two_sent_and_stuck() -> bool:
        return dying.stuck and [row.state for row in plan_rows(core)].count(PostState.SENT) == 2

    _kill_mid_run(first.run_once(), two_sent_and_stuck)  # two alerts sent, one in flight, the rest claimed
    assert len(dying.posts) == 2
    states = [row.state for row in plan_rows(core) if row.kind == "alert"]
    assert states.count(PostState.SENT) == 2 and states.count(PostState.CLAIMED) == 3

    survivor = RecordingPlatform(clock=clock)
    second = make_worker(survivor, worker_id="second")
    run(second.run_once())
    assert survivor.posts == [], "claimed rows wait for the dead worker's lease to run out"
    clock.advance(seconds=second.options.lease.total_seconds() + 1)
    run(second.run_once())
    assert sorted(post.channel_id for post in dying.posts + survivor.posts) == ["C1", "C2", "C3", "C4", "C5"]
    assert all("Posted late" in (post.reply.footer or "") for post in survivor.posts)  # a lease (2 min) later
    run(second.run_once())
    assert len(survivor.posts) == 3


def test_killed_between_planning_and_posting(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    log_contact(core, make_request)
    dying = HangingPlatform(clock=clock, ok=0)
    _kill_mid_run(make_worker(dying, worker_id="dead").run_once(), lambda: dying.stuck)
    assert dying.posts == []
    clock.advance(minutes=5)
    run(make_worker(worker_id="restarted").run_once())
    assert len(platform.posts) == 1
    clock.advance(days=3)
    run(make_worker(worker_id="restarted-again").run_once())
    assert len(platform.posts) == 4
    _sent_once(platform)


def test_rate_limited_platform_loses_nothing(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    channels = [f"C{n}" for n in range(12)]
    for channel in channels:
        subscribe(core, make_request, channel_id=channel)
    platform.rate_limited_until = clock() + timedelta(seconds=40)  # answers 429 for a while
    platform.retry_after = 7
    log_contact(core, make_request)
    worker = make_worker(limits=RateLimit(per_second=5, per_channel_seconds=1))
    for _ in range(30):
        run(worker.run_once())
        if len(platform.posts) == len(channels):
            break
        clock.advance(seconds=3)
    assert platform.refusals > 0
    assert sorted(post.channel_id for post in platform.posts) == sorted(channels)
    _sent_once(platform)
    alerts = [row for row in plan_rows(core) if row.kind == "alert"]
    assert all(row.state == PostState.SENT for row in alerts)
    assert all(row.attempts == 1 for row in alerts), "a 429 is a wait, not a failed attempt"


def test_network_trouble_is_retried_with_backoff(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    log_contact(core, make_request)
    platform.transient_failures = 3
    worker = make_worker()
    for _ in range(3):
        run(worker.run_once())
        assert platform.posts == []
        clock.advance(seconds=10)
    run(worker.run_once())
    assert len(platform.posts) == 1
    alert = plan_rows(core)[0]
    assert alert.state == PostState.SENT and alert.attempts == 4


def test_a_post_that_keeps_failing_is_marked_failed_and_shown(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    log_contact(core, make_request)
    platform.transient_failures = 100
    worker = make_worker(max_attempts=3)
    for _ in range(5):
        run(worker.run_once())
        clock.advance(minutes=15)
    assert plan_rows(core)[0].state == PostState.FAILED
    status = core.router.handle(make_request("alerts", "status")).plain()
    assert "1 failed" in status and "gave up after 3 tries" in status


def test_a_removed_channel_is_deactivated_not_retried(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, channel_id="C1")
    subscribe(core, make_request, channel_id="C2")
    platform.gone = {"C2"}
    log_contact(core, make_request)
    worker = make_worker()
    run(worker.run_once())
    assert [post.channel_id for post in platform.posts] == ["C1"]
    with core.db.reader() as session:
        row = subscriptions.find(session, "slack:C2")
        assert row is not None and not row.active and "chat not found" in (row.inactive_reason or "")
    assert {row.state for row in plan_rows(core) if row.channel == "slack:C2"} == {PostState.FAILED}
    clock.advance(days=4)
    log_contact(core, make_request, "at=now parties=Xi,Putin")
    run(worker.run_once())
    assert "C2" not in {post.channel_id for post in platform.posts}
    status = core.router.handle(make_request("alerts", "status")).plain()
    assert "Inactive: slack:C2" in status and "1 inactive" in status


def test_a_moved_chat_keeps_its_alerts(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    class Migrating(RecordingPlatform):
        async def post(self, channel_id: str, message: Reply) -> str:
            if channel_id == "-100":
                raise ChannelMovedError("-100200")
            return await super().post(channel_id, message)

    migrating = Migrating(clock=clock)
    subscribe(core, make_request, channel_id="-100")
    log_contact(core, make_request)
    run(make_worker(migrating).run_once())
    assert [post.channel_id for post in migrating.posts] == ["-100200"]
    assert {row.channel for row in plan_rows(core)} == {"slack:-100200"}
