"""The platform-neutral request every adapter builds and every handler reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from storage.channels import Channel


class Platform(StrEnum):
    """The built-in platforms' names. A request's platform is any registered name (see bot/platforms.py)."""

    SLACK = "slack"
    TELEGRAM = "telegram"
    CONSOLE = "console"


class Role(StrEnum):
    """Ordered: each role may do everything the ones before it may."""

    NONE = "none"
    VIEWER = "viewer"
    REPORTER = "reporter"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True)
class ChatRequest:
    """One command as typed: `/contact at=now parties=Trump,Putin` → command `contact`, text after it.

    `idempotency_key` is what the platform uses to redeliver the same request (Slack retries, Telegram
    `update_id`, a modal's submit); a write carrying a key already stored is answered, not repeated.
    """

    platform: str  # a registered platform's name: "slack", "telegram", "console", …
    user_id: str
    channel_id: str
    command: str
    text: str = ""
    user_name: str | None = None
    idempotency_key: str | None = None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The caller's role, decided by the router (never by an adapter: whatever is here on arrival is replaced).
    role: Role = Role.NONE
    # On arrival, the platform's hint (Telegram's `language_code`, the console's locale); after the router, the
    # language the reply is written in (the caller's `/lang` choice first).
    language: str | None = None

    @property
    def caller(self) -> str:
        """`platform:user` — the key used for roles, admins and the audit log."""
        return f"{self.platform}:{self.user_id}"

    @property
    def channel(self) -> str:
        """`platform:channel` — the key used for subscriptions and the audit log."""
        return Channel(str(self.platform), self.channel_id).key
