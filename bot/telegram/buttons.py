"""Presses on reply buttons (an alert's Acknowledge and Snooze): routed as the command the button names.

A press on `alerts ack|17` becomes `/alerts ack 17` from the person who pressed it, so the role check and the
handler are the ones typing it would reach. The message is then edited to show what happened, so everyone in
the group sees the alert was handled and nobody presses again; the pop-up answers the presser.
"""

from __future__ import annotations

import asyncio
import html

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core import Core
from bot.telegram.delivery import patiently
from bot.telegram.render import MESSAGE_LIMIT, keyboard, parse_callback
from bot.telegram.requests import chat_request
from handlers.i18n import N_, _, activate

POPUP_LIMIT = 200
NO_LONGER_WORKS = N_("This button no longer works.")


class ButtonPresses:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def pressed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        parsed = parse_callback(query.data or "")
        if parsed is None:
            caller = chat_request(update, self.core.ctx, command="help", text="")
            with activate(await asyncio.to_thread(self.core.router.language_of, caller)):
                await query.answer(_(NO_LONGER_WORKS))
            return
        command, text = parsed
        reply = await self.core.router.handle_async(chat_request(update, self.core.ctx, command=command, text=text))
        result = "\n".join(part for part in (reply.title, reply.text) if part) or reply.plain()
        await query.answer(result[:POPUP_LIMIT], show_alert=not reply.ok)
        message = query.message
        if not reply.ok or not isinstance(message, Message) or not message.text:
            return  # a refusal is the presser's business only; the message stays as it was
        edited = f"{message.text_html}\n\n<i>{html.escape(result, quote=False)}</i>"
        if len(edited) > MESSAGE_LIMIT:
            edited = f"<i>{html.escape(result[: MESSAGE_LIMIT - 10], quote=False)}</i>"
        try:
            await patiently(
                lambda: context.bot.edit_message_text(
                    edited,
                    chat_id=message.chat.id,
                    message_id=message.message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(reply.buttons),  # e.g. a snoozed alert keeps Acknowledge
                ),
                what="editMessageText",
            )
        except BadRequest as error:  # e.g. "message is not modified" after a double press
            if "not modified" not in error.message.lower():
                raise
