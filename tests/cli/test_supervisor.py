"""The supervisor keeps a process's parts running: a failing part is restarted with backoff while the others keep
serving, `/readyz` names what is down, and a refused token stops everything with that one reason."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from bot.core import Core
from bot.health import add_health_routes
from bot.platforms import Listen, StartupError
from bot.supervisor import Backoff, keep_running, run_services
from handlers.chat.request import Role

FAST = Backoff(first=0.02, most=0.2, healthy_after=60)


@dataclass
class Flaky:
    """A platform whose serving fails `failures` times (as if its database went away), then serves until stopped."""

    name: str
    failures: int = 0
    refuse: bool = False
    title: str = "Flaky"
    default_role: Role = Role.VIEWER
    owner_is_admin: bool = False
    serve_option: None = None
    starts: list[float] = field(default_factory=list)
    serving: asyncio.Event = field(default_factory=asyncio.Event)

    def parse_user(self, text: str) -> str:
        return text

    async def check(self, core: Core) -> None:
        if self.refuse:
            raise StartupError(f"{self.name} refused its token")

    async def serve(self, core: Core, stop: asyncio.Event, listen: Listen | None) -> None:
        self.starts.append(asyncio.get_running_loop().time())
        if len(self.starts) <= self.failures:
            raise ConnectionError("database unreachable")
        self.serving.set()
        await stop.wait()


async def test_a_failing_part_is_restarted_with_growing_pauses(core: Core) -> None:
    flaky = Flaky("flaky", failures=3)
    stop = asyncio.Event()
    running = asyncio.create_task(run_services(core, [(flaky, None)], worker=False, stop=stop, backoff=FAST))
    await asyncio.wait_for(flaky.serving.wait(), 5)
    assert core.health.down_parts() == {}  # up again: readiness recovers without a restart of the process
    stop.set()
    await asyncio.wait_for(running, 5)
    pauses = [later - earlier for earlier, later in zip(flaky.starts, flaky.starts[1:], strict=False)]
    assert len(flaky.starts) == 4
    assert pauses[0] >= 0.02 and pauses[1] >= 0.04 and pauses[2] >= 0.08, pauses


async def test_readiness_names_the_part_that_is_down_while_the_others_serve(core: Core) -> None:
    down, fine = Flaky("telegram", failures=10_000), Flaky("slack")
    app = web.Application()
    add_health_routes(app, core.db, core.health)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    stop = asyncio.Event()
    slow = Backoff(first=0.5, most=0.5, healthy_after=60)
    running = asyncio.create_task(
        run_services(core, [(down, None), (fine, None)], worker=False, stop=stop, backoff=slow)
    )
    try:
        await asyncio.wait_for(fine.serving.wait(), 5)
        await asyncio.sleep(0.1)  # the failing part is now in its pause
        async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/readyz") as response:
            assert response.status == 503
            assert await response.text() == "telegram down (ConnectionError)"
        assert not fine.starts[1:]  # the healthy part was never restarted
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)
        await runner.cleanup()


async def test_a_refused_token_stops_every_part_with_that_reason(core: Core) -> None:
    refused, fine = Flaky("telegram", refuse=True), Flaky("slack")
    with pytest.raises(StartupError, match="telegram refused its token"):
        await asyncio.wait_for(
            run_services(core, [(fine, None), (refused, None)], worker=False, stop=asyncio.Event(), backoff=FAST), 5
        )


async def test_a_part_that_returns_early_is_restarted_not_forgotten(core: Core) -> None:
    calls: list[int] = []
    stop = asyncio.Event()

    async def returns_at_once(_stop: asyncio.Event) -> None:
        calls.append(1)
        if len(calls) == 3:
            stop.set()

    await asyncio.wait_for(keep_running("worker", returns_at_once, core=core, stop=stop, backoff=FAST), 5)
    assert len(calls) == 3
    assert "worker" not in core.health.parts  # a stopped part is forgotten, not reported down
