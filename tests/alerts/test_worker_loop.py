"""The long-running worker: catches up on start-up and hears about new plans at once (APScheduler only wakes it)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.core import Core
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

    async def scenario() -> None:
        stop = asyncio.Event()
        worker = make_worker(poll_seconds=3600)  # a poll this slow proves the wake-up came from the plan
        running = asyncio.ensure_future(worker.run(stop))
        await _until(lambda: len(platform.posts) == 2)
        assert [title.split(" ·")[0] for title in platform.titles()] == ["READINESS ALERT", "Reminder"]

        await asyncio.to_thread(log_contact, core, make_request, "at=now parties=Xi,Putin")
        await _until(lambda: len(platform.posts) == 3)
        assert "Xi, Putin" in (platform.posts[-1].reply.title or "")
        stop.set()
        await asyncio.wait_for(running, timeout=10)

    asyncio.run(scenario())
    assert len(platform.posts) == 3
