"""Pacing shared by every worker through the database: one budget per platform, one post in flight per channel,
the next one only a spacing after the platform answered the last. Several workers together never send a channel
more than the platform allows, and no post is lost or doubled — across 429s and a cut to the database."""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError

from bot.alert_worker import AlertWorker, WorkerOptions
from bot.core import Core
from bot.pacing import DEFAULT_LIMITS, RateLimit
from handlers.alerts.delivery import RateLimitedError
from handlers.chat.reply import Reply
from storage import alert_posts
from storage.database import Database
from storage.models import PostState
from tests.alerts.conftest import RecordingPlatform, log_contact, plan_rows, subscribe
from tests.conftest import FrozenClock, RequestMaker


def test_the_platform_budget_is_one_budget_for_every_claimer(
    core: Core, make_request: RequestMaker, clock: FrozenClock
) -> None:
    for number in range(20):
        subscribe(core, make_request, channel_id=f"C{number:02d}")
    log_contact(core, make_request)
    now = clock()
    with core.db.transaction() as session:
        alert_posts.prepare_pacing(session, ["slack"], now)
    slots: list[tuple[str, datetime, str]] = []
    for claimer in ("a", "b", "a", "b"):  # two workers taking turns, each committing its claim
        with core.db.transaction() as session:
            taken = alert_posts.claim_paced(
                session,
                now=now,
                worker_id=claimer,
                lease=timedelta(minutes=2),
                platform="slack",
                limit=4,
                per_second=10,
                horizon=timedelta(seconds=1),
            )
            slots += [(claimer, entry.send_at, entry.post.channel) for entry in taken]
    times = sorted(send_at for _, send_at, _ in slots)
    assert times == [now + timedelta(seconds=n / 10) for n in range(len(times))], "one slot each, 1/rate apart"
    assert len(times) == 11, "slots only up to the horizon (now … now + 1 s)"
    assert len({channel for *_, channel in slots}) == len(slots), "one post per channel in flight"
    assert {claimer for claimer, *_ in slots} == {"a", "b"}


def test_telegram_groups_are_spaced_as_twenty_a_minute() -> None:
    limit = DEFAULT_LIMITS["telegram"]
    assert limit.per_second == 30 and limit.channel_spacing("12345") == 1.0 and limit.channel_spacing("-100") == 3.0
    assert DEFAULT_LIMITS["slack"].per_second is None and DEFAULT_LIMITS["slack"].channel_spacing("C1") == 1.0


class SharedClock(FrozenClock):
    """A frozen clock several worker threads move: never backwards, one mover at a time."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.current

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self.current += timedelta(**delta)
            return self.current


class FlakyPlatform(RecordingPlatform):
    """Answers 429 now and then (seeded), as Slack does when a workspace limit is reached."""

    def __init__(self, clock: SharedClock, seed: int) -> None:
        super().__init__(clock=clock)
        self.random = random.Random(seed)
        self.lock = threading.Lock()

    async def post(self, channel_id: str, message: Reply) -> str:
        with self.lock:
            refuse = self.random.random() < 0.15
        if refuse:
            self.refusals += 1
            raise RateLimitedError(2.0)
        return await super().post(channel_id, message)


@pytest.mark.postgres
def test_three_workers_keep_every_channels_limit_and_send_each_post_once(
    postgres_url: str, make_request: RequestMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.wiring import build_core
    from handlers.chat.settings import Settings

    clock = SharedClock(datetime(2025, 7, 5, 12, 0, tzinfo=UTC))
    core = build_core(Settings(database_url=postgres_url, admins="slack:UADMIN", tz="UTC"), clock=clock)
    try:
        channels = [f"C{number:02d}" for number in range(12)]
        for channel in channels:
            subscribe(core, make_request, channel_id=channel)
        contacts = [log_contact(core, make_request, f"at=now parties=Leader{n},Other{n}")[0] for n in range(3)]
        platform = FlakyPlatform(clock, seed=7)
        cut = {"left": 5}  # worker w0's database connection refuses its first five records
        real_record = alert_posts.record_sent

        def record(*args: object, **kwargs: object) -> object:
            if kwargs.get("worker_id") == "w0" and cut["left"] > 0:
                cut["left"] -= 1
                raise OperationalError("UPDATE alert_post", {}, ConnectionError("connection reset"))
            return real_record(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(alert_posts, "record_sent", record)
        limit = RateLimit(per_second=20, per_channel_seconds=1.0)

        async def sleep(seconds: float) -> None:
            clock.advance(seconds=seconds)
            await asyncio.sleep(0)

        databases = [Database(postgres_url) for _ in range(3)]
        workers = [
            AlertWorker(
                database,
                core.settings,
                {"slack": platform},
                clock=clock,
                sleep=sleep,
                worker_id=f"w{n}",
                options=WorkerOptions(batch_size=4, limits={"slack": limit}),
            )
            for n, database in enumerate(databases)
        ]
        expected = len(channels) * len(contacts)
        start = threading.Barrier(len(workers))

        def work(worker: AlertWorker) -> None:
            start.wait()
            for _ in range(200):  # bounded
                asyncio.run(worker.run_once())
                if len(platform.posts) >= expected and not worker.unrecorded:
                    return
                clock.advance(seconds=0.5)

        threads = [threading.Thread(target=work, args=(worker,)) for worker in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for database in databases:
            database.dispose()

        assert platform.refusals > 0 and cut["left"] == 0, "the faults did happen"
        alerts = [row for row in plan_rows(core) if row.kind == "alert"]
        assert len(alerts) == expected and all(row.state == PostState.SENT for row in alerts), "none lost"
        sent = defaultdict(list)
        for post in platform.posts:
            sent[post.channel_id].append(post)
        assert sorted(sent) == channels
        for channel, posts in sent.items():
            titles = [post.reply.title for post in posts]
            assert len(titles) == len(set(titles)) == len(contacts), f"{channel}: each contact's alert exactly once"
            times = sorted(post.at for post in posts)
            gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
            assert all(gap >= timedelta(seconds=1) for gap in gaps), f"{channel}: two posts inside one second"
        assert len({row.claimed_by for row in alerts}) >= 2, "the work was shared"
    finally:
        core.close()
