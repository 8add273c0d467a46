"""The console as a platform: the terminal it runs in, no tokens.

Whoever can open the local SQLite database owns it, so the console user is an admin there; on a shared PostgreSQL
the console user is a viewer unless granted more (or named in CALLWATCH_ADMINS as `console:NAME`).
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from bot.platforms import Listen
from handlers.chat.request import Role
from handlers.i18n import _

if TYPE_CHECKING:
    import asyncio

    from bot.core import Core
    from bot.pacing import RateLimit
    from handlers.alerts.delivery import Notifier
    from handlers.chat.settings import Settings

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class ConsolePlatform:
    name = "console"
    title = "Console"
    default_role = Role.VIEWER
    owner_is_admin = True
    serve_option = None

    def parse_user(self, text: str) -> str:
        user = text.strip()
        if not _NAME.match(user):
            # A chat reply (`/role grant user=…`), in the admin's language.
            raise ValueError(_("is not a console user name (letters, digits, . _ -)"))
        return user

    def rate_limit(self) -> RateLimit:
        from bot.pacing import DEFAULT_LIMITS

        return DEFAULT_LIMITS[self.name]

    def configured(self, settings: Settings) -> bool:
        return False  # `callwatch run` opens the console only when no platform is configured

    def settings_problems(self, settings: Settings, listen: Listen | None) -> list[str]:
        return ["the console has no HTTP mode"] if listen is not None else []

    def default_listen(self, settings: Settings) -> Listen | None:
        return None

    def notifier(self, core: Core) -> Notifier | None:
        from bot.console.notifier import ConsoleNotifier

        return ConsoleNotifier(sys.stdout)

    async def check(self, core: Core) -> None:
        return None

    async def serve(self, core: Core, stop: asyncio.Event, listen: Listen | None) -> None:
        import asyncio

        from bot.console.chat import run_console

        await asyncio.to_thread(run_console, core, sys.stdin, sys.stdout)


CONSOLE = ConsolePlatform()
