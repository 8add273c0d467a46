"""What happens to a chat's subscription when Telegram says the chat is gone or has a new id.

The rule itself is written once, in handlers/alerts/delivery.py (`channel_gone`, `channel_moved`), and shared
with the alert worker; this module only notices the service updates that tell us first.

A bot blocked by a person or removed from a group gets `Forbidden`; the chat's subscription is marked inactive
(kept, so subscribing again restores it). A group upgraded to a supergroup gets a new id; the subscription
moves with it, so alerts keep arriving without anyone subscribing again.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.core import Core
from handlers.alerts.delivery import ChannelChange, channel_gone, channel_moved

log = logging.getLogger("callwatch.telegram")

GONE_STATUSES = {ChatMember.LEFT, ChatMember.BANNED}


def channel_key(chat_id: int | str) -> str:
    return f"telegram:{chat_id}"


async def chat_gone(core: Core, chat_id: int | str, reason: str) -> None:
    """The same rule the alert worker applies (handlers/alerts/delivery.py): inactive, open posts failed."""

    def write() -> ChannelChange:
        with core.db.transaction() as session:
            return channel_gone(session, channel_key(chat_id), reason, at=core.ctx.now())

    change = await asyncio.to_thread(write)
    if change.subscription_changed or change.posts:
        log.info("telegram chat %s marked inactive: %s (%d open posts failed)", chat_id, reason, change.posts)


async def chat_moved(core: Core, old_chat_id: int | str, new_chat_id: int | str) -> None:
    """The same rule the alert worker applies: the subscription and its open posts follow the chat's new id."""

    def write() -> ChannelChange:
        with core.db.transaction() as session:
            return channel_moved(session, channel_key(old_chat_id), str(new_chat_id), at=core.ctx.now())

    change = await asyncio.to_thread(write)
    if change.subscription_changed or change.posts:
        log.info("telegram chat %s became %s: subscription and %d posts moved", old_chat_id, new_chat_id, change.posts)


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
