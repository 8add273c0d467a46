"""The door: only registered Telegram users reach the router, and other bots' commands are not ours.

Telegram is open to anyone who finds the bot, so the check runs first (handler group -1) for every update. An
unknown user who types a command gets one polite message with their numeric id to pass to an admin; a button
press gets the same as a pop-up; plain text gets nothing. Nothing is routed or stored for them. Service
updates (a group migrating, the bot being removed) carry no command and pass, whoever caused them.

The refusal is written in the language of their Telegram app (`language_code`), or the one they chose with `/lang`
while they still had a role: the router, which usually decides, never sees them.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.core import Core
from bot.telegram.delivery import deliver
from bot.telegram.render import render
from bot.telegram.requests import is_for_another_bot, probe
from handlers.chat.reply import Reply
from handlers.chat.request import Role
from handlers.i18n import _, activate


def refusal(user_id: int, language: str | None = None) -> str:
    with activate(language):
        return _(
            "Sorry, this bot is only for registered callwatch users. Your Telegram id is {user_id}: give it to a "
            "callwatch admin, who can add you with /role grant user=telegram:{user_id} role=reporter"
        ).format(user_id=user_id)


class AccessGate:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop the update here unless it comes from a registered user (or is a service update)."""
        if update.edited_message is not None or is_for_another_bot(update.message, context.bot.username):
            raise ApplicationHandlerStop  # an edit would log a report twice; `/x@otherbot` is not for us
        if _is_service_update(update):
            return
        user = update.effective_user
        if user is None or update.effective_chat is None:
            raise ApplicationHandlerStop  # channel posts and the like: nobody to answer
        caller = probe(update, self.core.ctx)
        role = await asyncio.to_thread(self.core.router.role_of, caller)
        if role is not Role.NONE:
            return
        commanded = update.message is not None and (update.message.text or "").startswith("/")
        if update.callback_query is None and not commanded:
            raise ApplicationHandlerStop  # plain text from a stranger: no answer, no look-up
        language = await asyncio.to_thread(self.core.router.language_of, caller)
        refused = refusal(user.id, language)
        if update.callback_query is not None:
            await update.callback_query.answer(refused[:200], show_alert=True)
        elif update.message is not None:
            await deliver(
                self.core, context.bot, update.message.chat.id, render(Reply(text=refused, language=language))
            )
        raise ApplicationHandlerStop


def _is_service_update(update: Update) -> bool:
    if update.my_chat_member is not None:
        return True
    message = update.message
    return message is not None and bool(message.migrate_to_chat_id or message.migrate_from_chat_id)
