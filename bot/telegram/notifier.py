"""`TelegramNotifier`: how the alert worker posts to Telegram chats, without running polling.

It renders with the same renderer as command replies. Its job differs from a command reply in two ways: the
worker decides what happens after a failure, so Telegram's errors become the neutral ones of
handlers/alerts/delivery.py instead of being handled here; and the worker's sends are paced by the database,
shared by every worker, so its bot has no pacing of its own and never sleeps on a long `RetryAfter` inside the
send's timeout (`ShortWaitsOnly`): the worker reschedules the post and holds Telegram for every worker instead.

| Telegram says                          | the worker gets            |
| -------------------------------------- | -------------------------- |
| Forbidden, BadRequest "chat not found" | ChannelGoneError           |
| ChatMigrated(new_chat_id)              | ChannelMovedError(new id)  |
| RetryAfter longer than 1 s, or repeated | RateLimitedError(seconds) |
| NetworkError, TimedOut                 | TransientDeliveryError     |
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter, ExtBot

from bot.telegram.app import file_url
from bot.telegram.delivery import once, retry_seconds, send_rendered
from bot.telegram.render import render
from handlers.alerts.delivery import (
    ChannelGoneError,
    ChannelMovedError,
    DeliveryError,
    RateLimitedError,
    TransientDeliveryError,
)
from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from handlers.chat.settings import Settings, secret

T = TypeVar("T")
INLINE_RETRY_SECONDS = 1.0  # a RetryAfter up to this (one chat's spacing) is waited out inside the send
GONE_MESSAGES = ("chat not found", "bot was kicked", "bot is not a member", "have no rights to send")


class TelegramNotifier:
    """Give it the settings (it builds its own bot) or a bot already built with the same `base_url`."""

    platform = Platform.TELEGRAM

    def __init__(self, source: Settings | Bot) -> None:
        self._owns_bot = isinstance(source, Settings)
        self.bot = notifier_bot(source) if isinstance(source, Settings) else source

    async def close(self) -> None:
        """Close the connections of a bot this notifier built (a bot handed in belongs to its owner)."""
        if self._owns_bot:
            await self.bot.shutdown()

    async def post(self, channel_id: str, message: Reply) -> str:
        await self._ready()
        sent = await _translated(lambda: send_rendered(self.bot, int(channel_id), render(message), attempts=once))
        return str(sent.message_id)

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        await self._ready()
        rendered = render(message)
        text = "\n\n".join(rendered.messages)[:4096] if len(rendered.messages) > 1 else rendered.messages[0]

        async def edit() -> None:
            try:
                await self.bot.edit_message_text(
                    text,
                    chat_id=int(channel_id),
                    message_id=int(message_ref),
                    parse_mode=ParseMode.HTML,
                    reply_markup=rendered.keyboard,
                    disable_web_page_preview=True,
                )
            except BadRequest as error:
                if "not modified" not in error.message.lower():  # the same text twice is not a failure
                    raise

        await _translated(edit)

    async def _ready(self) -> None:
        """Open the bot's connections on first use (a no-op afterwards), so the worker needs no setup call."""
        await _translated(self.bot.initialize)


async def _translated(call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except RetryAfter as error:
        raise RateLimitedError(retry_seconds(error)) from error
    except ChatMigrated as error:
        raise ChannelMovedError(str(error.new_chat_id)) from error
    except Forbidden as error:
        raise ChannelGoneError(error.message) from error
    except BadRequest as error:
        if any(phrase in error.message.lower() for phrase in GONE_MESSAGES):
            raise ChannelGoneError(error.message) from error
        raise DeliveryError(error.message) from error
    except NetworkError as error:  # includes TimedOut
        raise TransientDeliveryError(str(error)) from error


class ShortWaitsOnly(BaseRateLimiter[int]):
    """The worker's bot limiter: no pacing of its own (the database paces every worker together); a `RetryAfter` of
    at most `INLINE_RETRY_SECONDS` is waited out in place, up to `max_retries` times; a longer one is raised at
    once, so it never counts as a failed try by outlasting the send's timeout."""

    def __init__(self, max_retries: int = 3) -> None:
        self.max_retries = max_retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_seconds(error)
                if attempt == retries or wait > INLINE_RETRY_SECONDS:
                    raise
                await asyncio.sleep(wait + 0.1)
        raise AssertionError("unreachable")  # the loop returns or raises


def notifier_bot(settings: Settings, *, max_retries: int = 3) -> ExtBot[None]:
    """A bot for posting only: same token and Bot API URL as the adapter, no updates fetched, paced by the worker."""
    token = secret(settings.telegram_bot_token)
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")  # i18n: internal (an operator's start-up error)
    return ExtBot(
        token,
        base_url=settings.telegram_api_url,
        base_file_url=file_url(settings.telegram_api_url),
        rate_limiter=ShortWaitsOnly(max_retries=max_retries),
    )


@asynccontextmanager
async def telegram_notifier(settings: Settings) -> AsyncIterator[TelegramNotifier]:
    """`async with telegram_notifier(settings) as notifier:` — initialises the bot and closes its connections."""
    notifier = TelegramNotifier(settings)
    try:
        yield notifier
    finally:
        await notifier.close()
