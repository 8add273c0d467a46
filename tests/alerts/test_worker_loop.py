"""The long-running worker: catches up on start-up and hears about new plans at once (APScheduler only wakes it)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from bot.core import Core
from handlers.chat.reply import Reply
from storage import alert_posts
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, log_contact, subscribe
from tests.conftest import FrozenClock, RequestMaker


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(500):  # bounded: the worker's database work runs in threads
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the worker did not get there")


def test_worker_catches_up_on_start_and_wakes_for_new_contacts(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    log_contact(core, make_request)  # planned while no worker runs
    clock.advance(hours=25)  # …and the worker was down past the first reminder

    settled: list[int] = []

    async def scenario() -> None:
        stop = asyncio.Event()
        worker = make_worker(poll_seconds=3600)  # a poll this slow proves the wake-up came from the plan
        # `started` (where `callwatch worker` freezes its start-up objects) comes once, after the catch-up pass.
        running = asyncio.ensure_future(worker.run(stop, started=lambda: settled.append(len(platform.posts))))
        await _until(lambda: len(platform.posts) == 2)
        assert [title.split(" ·")[0] for title in platform.titles()] == ["READINESS ALERT", "Reminder"]

        await asyncio.to_thread(log_contact, core, make_request, "at=now parties=Xi,Putin")
        await _until(lambda: len(platform.posts) == 3)
        assert "Xi, Putin" in (platform.posts[-1].reply.title or "")
        stop.set()
        await asyncio.wait_for(running, timeout=10)

    asyncio.run(scenario())
    assert len(platform.posts) == 3
    assert settled == [2], "called once, when the start-up pass had sent what was due"


class StaggeredPlatform(RecordingPlatform):
    """Answers each post a little later than the one before (in real time), as a fan-out's answers come back."""

    started: int = 0

    async def post(self, channel_id: str, message: Reply) -> str:
        self.started += 1
        await asyncio.sleep(0.004 * self.started)
        return await super().post(channel_id, message)


def test_a_fan_out_claims_again_after_writes_not_after_every_answer(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An accepted send changes nothing in the database until its record is written, so claiming again on every
    answer only adds claims (each a transaction, and CPU the sends are waiting for) to a fan-out's tail."""
    channels = [f"C{number}" for number in range(30)]
    for channel in channels:
        subscribe(core, make_request, channel_id=channel)
    log_contact(core, make_request)
    platform = StaggeredPlatform(clock=clock)
    claims: list[int] = []
    records: list[int] = []
    real_claim, real_record = alert_posts.claim_paced, alert_posts.record_sent

    def counted_claim(*args: Any, **kwargs: Any) -> list[alert_posts.ClaimedPost]:
        taken = real_claim(*args, **kwargs)
        claims.append(len(taken))
        return taken

    def counted_record(*args: Any, **kwargs: Any) -> list[alert_posts.SentRecord]:
        records.append(len(args[1]))
        return real_record(*args, **kwargs)

    monkeypatch.setattr(alert_posts, "claim_paced", counted_claim)
    monkeypatch.setattr(alert_posts, "record_sent", counted_record)
    worker = make_worker(platform)
    handled = asyncio.run(worker.run_once())

    assert handled == 30 and sorted(post.channel_id for post in platform.posts) == sorted(channels)
    assert sum(records) == 30
    assert claims[0] == 30 and sum(claims) == 30, claims
    # One claim took the fan-out; after that an empty claim is tried again only once a write (here: each record)
    # could have freed a channel, not on each of the 30 answers.
    assert len(claims) <= len(records) + 2, (claims, records)
