"""Telegram as the rest of the bot sees it: its users, its limits, its settings and how it is served.

Telegram is open to anyone who finds the bot, so users nobody has granted a role are refused. Serving is long
polling, or a webhook when `TELEGRAM_WEBHOOK_URL` is set (which needs `TELEGRAM_WEBHOOK_SECRET`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.platforms import Listen, ServeOption
from handlers.chat.request import Role
from handlers.i18n import _

if TYPE_CHECKING:
    import asyncio

    from bot.core import Core
    from bot.pacing import RateLimit
    from handlers.alerts.delivery import Notifier
    from handlers.chat.settings import Settings

WEBHOOK_PORT = 8443


class TelegramPlatform:
    name = "telegram"
    title = "Telegram"
    default_role = Role.NONE  # open to the world: unknown users are refused
    owner_is_admin = False
    serve_option = ServeOption("webhook", "Receive updates by webhook instead of polling.", WEBHOOK_PORT)

    def parse_user(self, text: str) -> str:
        """Telegram user ids are numbers; a user sees theirs when the bot refuses them."""
        user = text.strip()
        if not user.isascii() or not user.isdigit() or len(user) > 20:
            # A chat reply (`/role grant user=…`), in the admin's language.
            raise ValueError(_("Telegram user ids are numbers; the user sees theirs when the bot refuses them"))
        return user

    def rate_limit(self) -> RateLimit:
        from bot.pacing import DEFAULT_LIMITS

        return DEFAULT_LIMITS[self.name]

    def configured(self, settings: Settings) -> bool:
        return settings.telegram_bot_token is not None

    def settings_problems(self, settings: Settings, listen: Listen | None) -> list[str]:
        problems = []
        if settings.telegram_bot_token is None:
            problems.append("set TELEGRAM_BOT_TOKEN (from @BotFather)")
        if listen is not None and settings.telegram_webhook_secret is None:
            problems.append("set TELEGRAM_WEBHOOK_SECRET to receive Telegram updates by webhook")
        return problems

    def default_listen(self, settings: Settings) -> Listen | None:
        return Listen(WEBHOOK_PORT) if settings.telegram_webhook_url else None

    def notifier(self, core: Core) -> Notifier | None:
        from bot.telegram.notifier import TelegramNotifier

        return TelegramNotifier(core.settings)

    async def check(self, core: Core) -> None:
        from bot.telegram.startup import check_token

        await check_token(core.settings)

    async def serve(self, core: Core, stop: asyncio.Event, listen: Listen | None) -> None:
        from bot.telegram.app import run_telegram

        if listen is None:
            await run_telegram(core, webhook=False, stop=stop)
        else:
            await run_telegram(core, webhook=True, port=listen.port, stop=stop)


TELEGRAM = TelegramPlatform()
