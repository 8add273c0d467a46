"""Telegram commands to the router and back: the adapter's whole job, in the way PTB's timerbot does it.

Every command word the router knows gets a `CommandHandler`; any other command addressed to us goes to the
router too, which answers "Unknown command". `/start` (sent by Telegram clients on first contact) shows help.
The adapter's own words (nothing to cancel, the dialog's) are in the language the router answers the caller in.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.core import Core
from bot.telegram.delivery import deliver
from bot.telegram.render import RenderedReply, render
from bot.telegram.requests import chat_request, command_parts
from handlers.chat.reply import Reply
from handlers.i18n import DEFAULT_LANGUAGE, _, activate

log = logging.getLogger("callwatch.telegram")


class CommandBridge:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any `/word args` message: route it and post the reply in the same chat."""
        assert update.message is not None and update.message.text is not None
        word, _addressee, text = command_parts(update.message.text)
        await self.route(update, context, word, text)

    async def cancel_outside_dialog(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        language = await self.language(update)
        with activate(language):
            await self.answer(update, context, Reply(text=_("There is nothing to cancel."), language=language))

    async def language(self, update: Update) -> str:
        """The language the router answers the update's sender in (their `/lang` choice, else their app's)."""
        if update.effective_user is None or update.effective_chat is None:
            return DEFAULT_LANGUAGE
        request = chat_request(update, self.core.ctx, command="help", text="")
        return await asyncio.to_thread(self.core.router.language_of, request)

    async def route(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, word: str, text: str, *, send: bool = True
    ) -> Reply:
        reply = await self.core.router.handle_async(chat_request(update, self.core.ctx, command=word, text=text))
        if send:
            await self.answer(update, context, reply)
        return reply

    async def answer(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, reply: Reply, *, quote: bool = True
    ) -> None:
        """Post `reply` in the update's chat, quoting the command in groups so it is clear whom it answers."""
        chat = update.effective_chat
        assert chat is not None
        message = update.message
        reply_to = message.message_id if quote and message is not None and chat.type != chat.PRIVATE else None
        await deliver(self.core, context.bot, chat.id, render(reply), reply_to=reply_to)

    async def send(
        self,
        update: Update,
        context: ContextTypes.DEFAULT_TYPE,
        messages: tuple[str, ...],
        keyboard: InlineKeyboardMarkup | None,
    ) -> None:
        """Already-rendered HTML with our own keyboard (the dialog's questions)."""
        chat = update.effective_chat
        assert chat is not None
        await deliver(self.core, context.bot, chat.id, RenderedReply(messages, keyboard))


async def log_failure(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """PTB's error handler: the router never raises, so this is a delivery failure; log it, never crash."""
    log.error("telegram update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
