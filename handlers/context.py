"""What a handler may use besides the request: the database, settings, the clock and the contact hooks.

The clock is injected so tests move time instead of waiting for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session

from bot.request import ChatRequest, Role
from bot.settings import Settings
from handlers.zones import UnknownZoneError, resolve_zone
from storage import subscriptions
from storage.database import Database
from storage.models import ContactReport

if TYPE_CHECKING:
    from bot.command import Command


class ContactHook(Protocol):
    """Runs inside the transaction that stores or retracts a contact, so both commit or neither does.

    Returns lines to add to the reply (e.g. "Alert posted to 3 channels").
    """

    def logged(self, session: Session, contact: ContactReport, ctx: HandlerContext) -> list[str]: ...

    def retracted(self, session: Session, contact: ContactReport, ctx: HandlerContext) -> list[str]: ...


ZONE_CACHE_SECONDS = 30.0


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class HandlerContext:
    db: Database
    settings: Settings
    clock: Callable[[], datetime] = system_clock
    contact_hooks: list[ContactHook] = field(default_factory=list)
    commands: Mapping[str, Command] = field(default_factory=dict)
    role_of: Callable[[ChatRequest], Role] = lambda _request: Role.NONE  # set by the router

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    _zones: dict[str, tuple[float, tzinfo]] = field(default_factory=dict, repr=False)

    def channel_zone(self, channel: str) -> tzinfo:
        """The zone times are read and shown in: the channel's subscription zone, else CALLWATCH_TZ.

        Every command needs it, so it is cached for `ZONE_CACHE_SECONDS`; `forget_zone` drops an entry when
        this process changes a subscription, and other replicas see the change within that time.
        """
        cached = self._zones.get(channel)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        with self.db.reader() as session:
            subscription = subscriptions.find(session, channel)
        try:
            zone = resolve_zone(subscription.tz if subscription else self.settings.tz)
        except UnknownZoneError:
            zone = resolve_zone(self.settings.tz)
        if len(self._zones) > 10_000:
            self._zones.clear()
        self._zones[channel] = (time.monotonic() + ZONE_CACHE_SECONDS, zone)
        return zone

    def forget_zone(self, channel: str) -> None:
        self._zones.pop(channel, None)
