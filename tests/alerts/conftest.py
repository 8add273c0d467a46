"""Fixtures for the readiness alerts: a recording stand-in for a chat platform, and a worker on a frozen clock.

The stand-in replaces only the platform (what Slack or Telegram would receive); the plan, the claims and the
records are the real storage on SQLite and PostgreSQL. Time is moved, never waited for: the worker's sleep
advances the frozen clock.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.alert_worker import AlertWorker, WorkerOptions
from bot.core import Core
from bot.pacing import UNLIMITED, RateLimit
from handlers.alerts.delivery import ChannelGoneError, RateLimitedError, TransientDeliveryError
from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from storage.models import AlertPost
from tests.conftest import FrozenClock, RequestMaker


@dataclass
class Delivery:
    channel_id: str
    reply: Reply
    ref: str
    at: datetime

    @property
    def text(self) -> str:
        return self.reply.plain()


@dataclass
class RecordingPlatform:
    """Stands in for a chat platform: records every message, and can be told to refuse like the real one."""

    clock: Callable[[], datetime]
    platform: Platform = Platform.SLACK
    posts: list[Delivery] = field(default_factory=list)
    updates: list[Delivery] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)  # chats the bot was removed from
    rate_limited_until: datetime | None = None  # answers 429 until the clock passes this
    retry_after: float = 5.0
    transient_failures: int = 0  # the next N calls fail with network trouble
    refusals: int = 0
    _refs: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _gate(self, channel_id: str) -> None:
        if channel_id in self.gone:
            raise ChannelGoneError("chat not found")
        if self.rate_limited_until is not None and self.clock() < self.rate_limited_until:
            self.refusals += 1
            raise RateLimitedError(self.retry_after)
        if self.transient_failures:
            self.transient_failures -= 1
            raise TransientDeliveryError("connection reset")

    async def post(self, channel_id: str, message: Reply) -> str:
        await asyncio.sleep(0)
        self._gate(channel_id)
        ref = f"m{next(self._refs)}"
        self.posts.append(Delivery(channel_id, message, ref, self.clock()))
        return ref

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        await asyncio.sleep(0)
        self._gate(channel_id)
        self.updates.append(Delivery(channel_id, message, message_ref, self.clock()))

    def titles(self, channel_id: str | None = None) -> list[str]:
        return [post.reply.title or "" for post in self.posts if channel_id in (None, post.channel_id)]


@pytest.fixture
def platform(clock: FrozenClock) -> RecordingPlatform:
    return RecordingPlatform(clock=clock)


WorkerMaker = Callable[..., AlertWorker]


@pytest.fixture
def make_worker(core: Core, clock: FrozenClock, platform: RecordingPlatform) -> WorkerMaker:
    def make(
        notifier: object = None,
        *,
        limits: RateLimit = UNLIMITED,
        core_: Core | None = None,
        worker_id: str | None = None,
        **options: object,
    ) -> AlertWorker:
        async def sleep(seconds: float) -> None:
            clock.advance(seconds=seconds)
            await asyncio.sleep(0)

        used = core_ or core
        chosen = notifier or platform
        return AlertWorker(
            used.db,
            used.settings,
            {str(chosen.platform): chosen},
            clock=clock,
            sleep=sleep,  # type: ignore[attr-defined]
            options=WorkerOptions(limits={str(chosen.platform): limits}, **options),  # type: ignore[arg-type]
            worker_id=worker_id,
        )

    return make


def run(coroutine: object) -> object:
    return asyncio.run(coroutine)  # type: ignore[arg-type]


def subscribe(core: Core, make_request: RequestMaker, channel_id: str = "C1", args: str = "escalate=off") -> str:
    reply = core.router.handle(make_request("alerts", f"subscribe {args}", channel_id=channel_id))
    assert reply.ok, reply.plain()
    return reply.plain()


def log_contact(
    core: Core,
    make_request: RequestMaker,
    text: str = "at=now parties=Trump,Putin kind=call source=Reuters confidence=confirmed",
    channel_id: str = "C1",
) -> tuple[int, str]:
    reply = core.router.handle(make_request("contact", text, channel_id=channel_id))
    assert reply.ok, reply.plain()
    assert reply.title is not None
    contact_id = int(reply.title.split("#", 1)[1].split()[0])
    return contact_id, reply.plain()


def plan_rows(core: Core, contact_id: int | None = None) -> list[AlertPost]:
    with core.db.reader() as session:
        query = select(AlertPost)
        if contact_id is not None:
            query = query.where(AlertPost.contact_id == contact_id)
        return list(session.exec(query.order_by(AlertPost.id)))


def until(clock: FrozenClock, start: datetime, **delta: float) -> None:
    clock.set(start + timedelta(**delta))
