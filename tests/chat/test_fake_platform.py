"""A third platform in a few dozen lines: registered, it takes commands and receives readiness alerts, with nothing
under handlers/ or storage/ edited — the proof that the platform interface is the only door."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from bot import platforms
from bot.core import Core
from bot.pacing import RateLimit
from bot.platforms import Listen
from bot.supervisor import Backoff, run_services
from bot.wiring import build_core
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Role
from handlers.chat.settings import Settings
from tests.conftest import FrozenClock


@dataclass
class Matrix:
    """A made-up chat platform: commands arrive on `inbox`, replies and alerts are recorded."""

    name: str = "matrix"
    title: str = "Matrix"
    default_role: Role = Role.VIEWER
    owner_is_admin: bool = False
    serve_option: None = None
    inbox: asyncio.Queue[tuple[str, str, str]] = field(default_factory=asyncio.Queue)
    replies: list[Reply] = field(default_factory=list)
    alerts: list[tuple[str, Reply]] = field(default_factory=list)

    def parse_user(self, text: str) -> str:
        if not text.startswith("@"):
            raise ValueError("Matrix users look like @name:server")
        return text

    def rate_limit(self) -> RateLimit:
        return RateLimit(per_second=None)

    def configured(self, settings: Settings) -> bool:
        return True

    def settings_problems(self, settings: Settings, listen: Listen | None) -> list[str]:
        return []

    def default_listen(self, settings: Settings) -> Listen | None:
        return None

    def notifier(self, core: Core) -> Matrix:
        return self

    async def post(self, channel_id: str, message: Reply) -> str:
        self.alerts.append((channel_id, message))
        return str(len(self.alerts))

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        self.alerts.append((channel_id, message))

    async def check(self, core: Core) -> None:
        return None

    async def serve(self, core: Core, stop: asyncio.Event, listen: Listen | None) -> None:
        while not stop.is_set():
            try:
                user, room, line = await asyncio.wait_for(self.inbox.get(), timeout=0.05)
            except TimeoutError:
                continue
            command, _, text = line.lstrip("/").partition(" ")
            request = ChatRequest(platform=self.name, user_id=user, channel_id=room, command=command, text=text)
            self.replies.append(await core.router.handle_async(request))


@pytest.fixture
def matrix(database_url: str, clock: FrozenClock) -> Iterator[tuple[Matrix, Core]]:
    platform = Matrix()
    platforms.register(platform)
    try:
        core = build_core(Settings(database_url=database_url, admins="matrix:@ops:example.org"), clock=clock)
        yield platform, core
        core.close()
    finally:
        platforms.unregister(platform.name)


async def until(condition: object, within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_registered_platform_takes_commands_and_gets_alerts(matrix: tuple[Matrix, Core]) -> None:
    platform, core = matrix
    stop = asyncio.Event()
    running = asyncio.create_task(run_services(core, [(platform, None)], stop=stop, backoff=Backoff(first=0.05)))
    try:
        await platform.inbox.put(("@ops:example.org", "!room", "/alerts subscribe"))
        await platform.inbox.put(("@ops:example.org", "!room", "/contact at=now parties=Trump,Putin kind=call"))
        await platform.inbox.put(("@eve:example.org", "!room", "/contact at=now parties=Biden,Putin"))
        await platform.inbox.put(("@ops:example.org", "!room", "/role grant user=@eve:example.org role=reporter"))
        await platform.inbox.put(("@ops:example.org", "!room", "/role grant user=eve role=reporter"))
        await until(lambda: len(platform.replies) == 5 and platform.alerts)
    finally:
        stop.set()
        await running
    subscribed, logged, refused, granted, malformed = platform.replies
    assert subscribed.ok and logged.ok, (subscribed.plain(), logged.plain())
    assert not refused.ok and "needs the reporter role; you are a viewer" in refused.text  # its default role
    assert granted.ok and "matrix:@eve:example.org is now reporter" in granted.text  # its own user ids
    assert not malformed.ok and "Matrix users look like @name:server" in malformed.text
    [(room, alert)] = [item for item in platform.alerts if (item[1].title or "").startswith("READINESS ALERT")]
    assert room == "!room" and "Trump, Putin" in alert.plain()
    assert "matrix" in {name for name, _rules in core.ctx.platforms.items()}
