"""The Telegram adapter assembled: PTB `Application`, its handlers in one place, and how it is run.

`TELEGRAM_API_URL` becomes the bot's `base_url` (a local Bot API server, or the test stand-in). Outgoing
calls go through `AIORateLimiter` (30 messages a second overall, 20 a minute per group) with retries on
`RetryAfter`; PTB's default of zero retries would re-raise the first one. Updates arrive by our own poller or
webhook (offsets.py, webhook.py), never PTB's `Updater`, so each is handled exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta

from aiohttp import web
from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core import Core
from bot.lifecycle import run_until, stop_on_signals
from bot.telegram.access import AccessGate
from bot.telegram.buttons import ButtonPresses
from bot.telegram.chats import ChatEvents
from bot.telegram.command_menu import publish_menus
from bot.telegram.commands import CommandBridge, log_failure
from bot.telegram.dialogs import CHOICE_PREFIX, IDLE_TIMEOUT, GuidedDialog
from bot.telegram.forwards import ForwardedReports
from bot.telegram.offsets import OffsetPoller, UpdateLedger
from bot.telegram.webhook import webhook_app
from handlers.chat.settings import secret

log = logging.getLogger("callwatch.telegram")

RATE_LIMIT_RETRIES = 5  # then delivery.patiently keeps waiting: flood control delays a reply, never drops it


def rate_limiter() -> AIORateLimiter:
    return AIORateLimiter(max_retries=RATE_LIMIT_RETRIES)


def file_url(api_url: str) -> str:
    """`https://api.telegram.org/bot` → `https://api.telegram.org/file/bot` (same host for downloads)."""
    base = api_url.rstrip("/")
    return base[: -len("bot")] + "file/bot" if base.endswith("/bot") else base + "/file/bot"


def build_application(
    core: Core,
    *,
    limiter: BaseRateLimiter | None = None,
    dialog_timeout: timedelta = IDLE_TIMEOUT,
) -> Application:
    token = secret(core.settings.telegram_bot_token)
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")  # i18n: internal (an operator's start-up error)
    application = (
        Application.builder()
        .token(token)
        .base_url(core.settings.telegram_api_url)
        .base_file_url(file_url(core.settings.telegram_api_url))
        .rate_limiter(limiter or rate_limiter())
        .updater(None)
        .build()
    )
    register_handlers(application, core, dialog_timeout=dialog_timeout)
    return application


def register_handlers(application: Application, core: Core, *, dialog_timeout: timedelta = IDLE_TIMEOUT) -> None:
    """Every handler, in one place. Group -1 is the door; group 0 does the work."""
    bridge, events = CommandBridge(core), ChatEvents(core)
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, AccessGate(core).check), group=-1)
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, events.migrated))
    application.add_handler(ChatMemberHandler(events.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(GuidedDialog(bridge, idle_timeout=dialog_timeout).handler())  # bare commands first
    application.add_handler(CommandHandler("cancel", bridge.cancel_outside_dialog, new_messages))
    words = sorted(set(core.router.commands) | {"start"})
    application.add_handler(CommandHandler(words, bridge.command, new_messages))
    application.add_handler(MessageHandler(new_messages & filters.COMMAND, bridge.command))  # unknown words
    application.add_handler(ForwardedReports(bridge).handler())  # a forwarded or pasted Air Force report
    not_dialog = f"^(?!{re.escape(CHOICE_PREFIX)})"  # the dialog's own buttons are its business
    application.add_handler(CallbackQueryHandler(ButtonPresses(core).pressed, pattern=not_dialog))
    application.add_error_handler(log_failure)


async def run_telegram(
    core: Core, *, webhook: bool = False, port: int = 8443, stop: asyncio.Event | None = None
) -> None:
    """`callwatch serve telegram`: long polling by default, or a webhook server on `port`, until `stop` is set
    or the process gets SIGTERM/SIGINT."""
    stop = stop or stop_on_signals()
    application = build_application(core)
    async with application:  # initialize (getMe) … shutdown
        await application.start()  # the job queue, for the dialogs' idle timeout
        await publish_menus(application.bot, core.router.commands.values())  # Ukrainian apps: Ukrainian menu
        ledger = UpdateLedger(core, application.bot.id)
        try:
            receive = serve_webhook(application, ledger, core, port) if webhook else poll(application, ledger)
            await run_until(stop, receive)
        finally:
            ledger.close()
            await application.stop()


async def poll(application: Application, ledger: UpdateLedger) -> None:
    poller = OffsetPoller(application, ledger)
    task = asyncio.create_task(poller.run(), name="telegram-poller")
    try:
        await task
    finally:
        await poller.close(task)


async def serve_webhook(application: Application, ledger: UpdateLedger, core: Core, port: int) -> None:
    """Serve `/telegram/webhook`; register it with Telegram when `TELEGRAM_WEBHOOK_URL` names the public URL."""
    secret_token = secret(core.settings.telegram_webhook_secret) or ""
    await ledger.load()
    runner = web.AppRunner(webhook_app(application, ledger, secret_token, core.db, core.health))
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", port).start()  # Telegram must reach it
    public_url = core.settings.telegram_webhook_url
    if public_url:
        await application.bot.set_webhook(
            public_url, secret_token=secret_token, max_connections=1, allowed_updates=Update.ALL_TYPES
        )
    log.info("telegram webhook listening on port %s%s", port, "" if public_url else " (setWebhook not called)")
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
