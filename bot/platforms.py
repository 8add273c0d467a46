"""The chat platforms callwatch speaks, behind one interface, and the registry every switch in `bot/` reads.

A platform is a small descriptor: its name, who its users are by default, how its user ids are typed, its
documented rate limits, whether its settings are complete, how to post alerts to it and how to serve it. The
router, the CLI, the supervisor and the alert worker ask the registry instead of naming Slack or Telegram, so a
new platform is one package under `bot/` plus one line in `BUILT_IN` (see the README's architecture section).

Descriptors import nothing heavy at module level: `callwatch --help` reads the registry, and must not load a chat SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from handlers.chat.request import Role

if TYPE_CHECKING:
    import asyncio

    from bot.core import Core
    from bot.pacing import RateLimit
    from handlers.alerts.delivery import Notifier
    from handlers.chat.settings import Settings

# Where the built-in descriptors live: `module:attribute`, imported on first use of the registry.
BUILT_IN = (
    "bot.slack.platform:SLACK",
    "bot.telegram.platform:TELEGRAM",
    "bot.console.platform:CONSOLE",
)


@dataclass(frozen=True)
class Listen:
    """Serve inbound HTTP on `port` (Slack's Events API, Telegram's webhook) instead of the platform's outbound
    connection (Socket Mode, long polling)."""

    port: int
    host: str = "0.0.0.0"  # every interface: the platform (or a proxy in front) must reach it


@dataclass(frozen=True)
class ServeOption:
    """How `callwatch serve NAME` spells inbound HTTP for this platform (`--http` for Slack, `--webhook` for
    Telegram) and its default port."""

    flag: str
    help: str
    default_port: int


class ChatPlatform(Protocol):
    """One chat platform. Also satisfies `handlers.chat.platform_rules.PlatformRules`, which is what handlers see."""

    name: str
    title: str  # for people: "Slack"
    default_role: Role
    owner_is_admin: bool
    serve_option: ServeOption | None  # None: no inbound HTTP mode (the console)

    def parse_user(self, text: str) -> str:
        """The platform's id for a user typed in chat; ValueError with the reason."""
        ...

    def rate_limit(self) -> RateLimit:
        """Its documented sending limits (overall and per chat), which the alert worker paces to."""
        ...

    def configured(self, settings: Settings) -> bool:
        """Whether its tokens are set, so `callwatch run` serves it and the worker posts to it."""
        ...

    def settings_problems(self, settings: Settings, listen: Listen | None) -> list[str]:
        """What is missing or contradictory for serving it in that mode, each a sentence naming the settings."""
        ...

    def default_listen(self, settings: Settings) -> Listen | None:
        """The mode `callwatch run` uses: inbound HTTP when the settings ask for it, else the outbound connection."""
        ...

    def notifier(self, core: Core) -> Notifier | None:
        """How the alert worker posts here (None when the platform cannot be posted to from a worker)."""
        ...

    async def check(self, core: Core) -> None:
        """Prove the credentials work before serving (Slack `auth.test`, Telegram `getMe`); raise `StartupError`."""
        ...

    async def serve(self, core: Core, stop: asyncio.Event, listen: Listen | None) -> None:
        """Receive and answer commands until `stop` is set."""
        ...


class StartupError(RuntimeError):
    """A platform cannot start for a reason an operator must fix (a bad token): one line, never a traceback."""


class PlatformUnreachableError(RuntimeError):
    """The platform's API could not be reached (network, 5xx): worth retrying with backoff, not worth a traceback."""


class UnknownPlatformError(LookupError):
    pass


_registry: dict[str, ChatPlatform] = {}


def _load_built_in() -> None:
    if _registry:
        return
    for spec in BUILT_IN:
        module, _, attribute = spec.partition(":")
        platform = getattr(importlib.import_module(module), attribute)
        _registry[platform.name] = platform


def all_platforms() -> dict[str, ChatPlatform]:
    """Every registered platform by name, built-in first, in registration order."""
    _load_built_in()
    return dict(_registry)


def get(name: str) -> ChatPlatform:
    platforms = all_platforms()
    if name not in platforms:
        raise UnknownPlatformError(f"no platform {name!r}: known are {', '.join(platforms)}")
    return platforms[name]


def register(platform: ChatPlatform) -> None:
    """Add a platform (a deployment's own, or a test's); a name already taken is refused."""
    _load_built_in()
    if platform.name in _registry:
        raise ValueError(f"a platform named {platform.name!r} is already registered")
    _registry[platform.name] = platform


def unregister(name: str) -> None:
    _registry.pop(name, None)


def configured(settings: Settings) -> Iterator[ChatPlatform]:
    """The platforms whose tokens are set, in registration order."""
    return (platform for platform in all_platforms().values() if platform.configured(settings))


def unknown_admin_platforms(settings: Settings) -> list[str]:
    """CALLWATCH_ADMINS entries that name no registered platform (settings only check their shape)."""
    names = all_platforms()
    return sorted(admin for admin in settings.admin_ids if admin.partition(":")[0] not in names)
