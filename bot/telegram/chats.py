"""What happens to a chat's subscription when Telegram says the chat is gone or has a new id.

A bot blocked by a person or removed from a group gets `Forbidden`; the chat's subscription is marked inactive
(kept, so subscribing again restores it). A group upgraded to a supergroup gets a new id; the subscription
moves with it, so alerts keep arriving without anyone subscribing again.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.wiring import Core
from storage import subscriptions

log = logging.getLogger("callwatch.telegram")

GONE_STATUSES = {ChatMember.LEFT, ChatMember.BANNED}


def channel_key(chat_id: int | str) -> str:
    return f"telegram:{chat_id}"


async def chat_gone(core: Core, chat_id: int | str, reason: str) -> None:
    def write() -> bool:
        with core.db.transaction() as session:
            return subscriptions.deactivate(session, channel_key(chat_id), reason, at=core.ctx.now())

    if await asyncio.to_thread(write):
        log.info("telegram chat %s marked inactive: %s", chat_id, reason)


async def chat_moved(core: Core, old_chat_id: int | str, new_chat_id: int | str) -> None:
    def write() -> bool:
        with core.db.transaction() as session:
            return subscriptions.move(session, channel_key(old_chat_id), channel_key(new_chat_id), at=core.ctx.now())

    if await asyncio.to_thread(write):
        log.info("telegram chat %s became %s: subscription moved", old_chat_id, new_chat_id)


class ChatEvents:
    """Handlers for the service updates that tell us a chat went away or changed id."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def migrated(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """The old group's `migrate_to_chat_id` service message: follow the group to its new id."""
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id:
            await chat_moved(self.core, message.chat.id, message.migrate_to_chat_id)

    async def membership(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was removed from a group or blocked in a private chat: stop posting there."""
        change = update.my_chat_member
        if change is not None and change.new_chat_member.status in GONE_STATUSES:
            await chat_gone(self.core, change.chat.id, f"bot {change.new_chat_member.status}")
