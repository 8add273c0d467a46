"""Sending a rendered reply to a chat, and what Telegram's refusals mean for us.

`send_rendered` does the Bot API calls (photo first, then the HTML messages, keyboard on the last). The
`AIORateLimiter` on the bot paces them and retries `RetryAfter` a few times; `patiently` waits out any
`RetryAfter` that outlasts those retries, so a reply is delayed by flood control, never dropped.

`deliver` is what command replies use: a chat that blocked or removed the bot (`Forbidden`) is marked inactive
so the alert worker stops posting there, and a group upgraded to a supergroup (`ChatMigrated`) keeps its
subscription under the new id and gets the reply there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, InputFile, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.core import Core
from bot.telegram.chats import chat_gone, chat_moved
from bot.telegram.render import RenderedReply

log = logging.getLogger("callwatch.telegram")

T = TypeVar("T")
TRANSIENT_ATTEMPTS = 4


def retry_seconds(error: RetryAfter) -> float:
    """`RetryAfter.retry_after` is an int or a timedelta depending on PTB settings; read the stored timedelta."""
    value = getattr(error, "_retry_after", None)
    return value.total_seconds() if isinstance(value, timedelta) else float(error.retry_after)  # type: ignore[arg-type]


async def patiently(call: Callable[[], Awaitable[T]], *, what: str) -> T:
    """Run one Bot API call, waiting out flood control however long it lasts and retrying brief network trouble."""
    transient_failures = 0
    while True:
        try:
            return await call()
        except RetryAfter as error:
            seconds = retry_seconds(error)
            log.warning("flood control on %s: waiting %.1fs", what, seconds)
            await asyncio.sleep(seconds + 0.1)
        except NetworkError as error:
            if isinstance(error, BadRequest):
                raise
            transient_failures += 1
            if transient_failures >= TRANSIENT_ATTEMPTS:
                raise
            log.warning("network trouble on %s (%s): retrying", what, error)
            await asyncio.sleep(0.5 * 2**transient_failures)


async def once(call: Callable[[], Awaitable[T]], *, what: str) -> T:
    """One attempt beyond the rate limiter's own retries: for the alert worker, which decides what comes next."""
    return await call()


Attempts = Callable[..., Awaitable[Message]]


async def send_rendered(
    bot: Bot,
    chat_id: int | str,
    rendered: RenderedReply,
    *,
    reply_to: int | None = None,
    attempts: Attempts = patiently,
) -> Message:
    """Send the photo (if any) and every message; return the last one sent (the one carrying the keyboard)."""
    last: Message | None = None
    quoting = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to is not None else None
    keyboard_on_photo = not rendered.messages
    if rendered.photo is not None:
        photo = InputFile(rendered.photo, filename=rendered.photo_filename or "chart.png")
        last = await attempts(
            lambda: bot.send_photo(
                chat_id,
                photo,
                caption=rendered.caption,
                parse_mode=ParseMode.HTML,
                reply_markup=rendered.keyboard if keyboard_on_photo else None,
                reply_parameters=quoting,
            ),
            what="sendPhoto",
        )
    for index, text in enumerate(rendered.messages):
        is_last = index == len(rendered.messages) - 1
        quote_this = quoting if last is None else None  # only the first message quotes the command
        last = await attempts(
            lambda text=text, is_last=is_last, quote_this=quote_this: bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
                reply_markup=rendered.keyboard if is_last else None,
                reply_parameters=quote_this,
            ),
            what="sendMessage",
        )
    assert last is not None  # render() always yields a photo or at least one message
    return last


async def deliver(
    core: Core, bot: Bot, chat_id: int, rendered: RenderedReply, *, reply_to: int | None = None
) -> Message | None:
    """`send_rendered` for command replies: a vanished chat is recorded, a migrated one followed."""
    try:
        return await send_rendered(bot, chat_id, rendered, reply_to=reply_to)
    except ChatMigrated as error:
        await chat_moved(core, chat_id, error.new_chat_id)
        return await send_rendered(bot, error.new_chat_id, rendered)
    except Forbidden as error:
        await chat_gone(core, chat_id, f"telegram refused: {error.message}")
        return None
    except BadRequest as error:
        if "chat not found" in error.message.lower():
            await chat_gone(core, chat_id, "telegram: chat not found")
            return None
        raise
