"""What a handler may use besides the request: the database, settings, the clock, the contact hooks, the commands
and what it may know about each platform.

Built once by the wiring and never changed by the router: every field is given at construction. The clock is
injected so tests move time instead of waiting for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from sqlmodel import Session

from handlers.chat.expiring import Expiring
from handlers.chat.platform_rules import PlatformRules
from handlers.chat.settings import Settings
from handlers.text.zones import UnknownZoneError, resolve_zone
from storage import preferences, roles, subscriptions
from storage.database import Database
from storage.models import ContactReport


class ContactHook(Protocol):
    """Runs inside the transaction that stores or retracts a contact, so both commit or neither does.

    Returns lines to add to the reply (e.g. "Alert posted to 3 channels").
    """

    def logged(self, session: Session, contact: ContactReport, ctx: HandlerContext) -> list[str]: ...

    def retracted(self, session: Session, contact: ContactReport, ctx: HandlerContext) -> list[str]: ...


class CommandHelp(Protocol):
    """What /help shows of a command (`handlers.chat.command.Command` has it)."""

    name: str
    summary: str
    usage: str


ZONE_CACHE_SECONDS = 30.0
ROLE_CACHE_SECONDS = 5.0


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class HandlerContext:
    db: Database
    settings: Settings
    clock: Callable[[], datetime] = system_clock
    contact_hooks: list[ContactHook] = field(default_factory=list)
    commands: Mapping[str, CommandHelp] = field(default_factory=dict)  # the registry, for /help
    platforms: Mapping[str, PlatformRules] = field(default_factory=dict)  # by name, from bot/platforms.py

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    _zones: Expiring[tzinfo] = field(default_factory=lambda: Expiring(ZONE_CACHE_SECONDS), repr=False)
    _roles: Expiring[str | None] = field(default_factory=lambda: Expiring(ROLE_CACHE_SECONDS), repr=False)
    _languages: Expiring[str | None] = field(default_factory=lambda: Expiring(ROLE_CACHE_SECONDS), repr=False)

    def channel_zone(self, channel: str) -> tzinfo:
        """The zone times are read and shown in: the channel's subscription zone, else CALLWATCH_TZ.

        Every command needs it, so it is kept for `ZONE_CACHE_SECONDS`; `forget_zone` drops it when this
        process changes a subscription.
        """
        return self._zones.get(channel, lambda: self._load_zone(channel))

    def forget_zone(self, channel: str) -> None:
        self._zones.forget(channel)

    def granted_role(self, user: str) -> str | None:
        """The role granted to `platform:user` with /role, kept for `ROLE_CACHE_SECONDS` (short: a revoked
        grant must stop working on every replica within seconds)."""
        return self._roles.get(user, lambda: self._load_role(user))

    def forget_role(self, user: str) -> None:
        self._roles.forget(user)

    def chosen_language(self, user: str) -> str | None:
        """The language `platform:user` chose with /lang, kept as briefly as roles are."""
        return self._languages.get(user, lambda: self._load_language(user))

    def forget_language(self, user: str) -> None:
        self._languages.forget(user)

    def _load_language(self, user: str) -> str | None:
        with self.db.reader() as session:
            return preferences.language_of(session, user)

    def _load_zone(self, channel: str) -> tzinfo:
        with self.db.reader() as session:
            subscription = subscriptions.find(session, channel)
        try:
            return resolve_zone(subscription.tz if subscription else self.settings.tz)
        except UnknownZoneError:
            return resolve_zone(self.settings.tz)

    def _load_role(self, user: str) -> str | None:
        with self.db.reader() as session:
            return roles.role_of(session, user)
