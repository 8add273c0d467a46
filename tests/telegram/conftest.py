"""Fixtures: the stand-in Bot API, a core pointed at it, and the real PTB `Application` polling it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from telegram.ext import Application

from bot.core import Core
from bot.telegram.app import build_application
from bot.telegram.offsets import OffsetPoller, UpdateLedger
from bot.wiring import build_core
from handlers.chat.settings import Settings
from tests.conftest import FrozenClock
from tests.telegram.standin import TOKEN, BotApiStandIn

ADMIN = 1001  # named in CALLWATCH_ADMINS by the shared `settings` fixture
STRANGER = 2002
GROUP = -5005


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def telegram_settings(settings: Settings, standin: BotApiStandIn) -> Settings:
    return Settings(
        database_url=settings.database_url,
        admins=settings.admins,
        tz="UTC",
        telegram_bot_token=TOKEN,
        telegram_api_url=standin.base_url,
        telegram_webhook_secret="s3cret",
    )


@pytest.fixture
def telegram_core(telegram_settings: Settings, clock: FrozenClock) -> Iterator[Core]:
    built = build_core(telegram_settings, clock=clock)
    yield built
    built.close()


class RunningBot:
    """The adapter as `callwatch serve telegram` runs it, with a short long-poll so tests stay quick."""

    def __init__(self, core: Core, *, dialog_timeout: timedelta = timedelta(minutes=10)) -> None:
        self.core = core
        self.application: Application = build_application(core, dialog_timeout=dialog_timeout)
        self.poller: OffsetPoller | None = None
        self.ledger: UpdateLedger | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()
        self.ledger = UpdateLedger(self.core, self.application.bot.id)
        self.poller = OffsetPoller(self.application, self.ledger, poll_timeout=1)
        self.task = asyncio.create_task(self.poller.run())

    async def stop(self) -> None:
        assert self.poller is not None and self.task is not None
        await self.poller.close(self.task)
        await self.application.stop()
        await self.application.shutdown()
        assert self.ledger is not None
        self.ledger.close()

    async def crash(self) -> None:
        """Die mid-update: the poll task is cancelled wherever it is, nothing gets to finish cleanly."""
        assert self.task is not None
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.application.stop()
        await self.application.shutdown()
        assert self.ledger is not None
        self.ledger.close()


@asynccontextmanager
async def running(core: Core, **options: object) -> AsyncIterator[RunningBot]:
    bot = RunningBot(core, **options)  # type: ignore[arg-type]
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.fixture
async def telegram_bot(telegram_core: Core, standin: BotApiStandIn) -> AsyncIterator[RunningBot]:
    async with running(telegram_core) as bot:
        yield bot
