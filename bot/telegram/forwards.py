"""Air Force reports sent to the bot on Telegram: a forwarded channel post, or pasted text, becomes a preview.

In a private chat every message that is not a command is read: a forwarded channel post keeps its channel and the
post's link (`https://t.me/kpszsu/12345`) as its source and its posting time, which completes a date the report
gives without a year; pasted text has no origin. A forward, or a paste of report length, that the parser refuses is
answered with the reason; a short line it refuses ("thanks", a dialog's late answer) is conversation, and is left
unanswered as before. In a group only what is addressed to the bot is read, so ordinary
chatter is never parsed: a message that mentions the bot (its own text, or, when it replies to another message —
a forwarded post — that message), or a reply to one of the bot's messages that reads as a report (people also
answer the bot's alerts with "on it", which is conversation, not a report).

The text is routed as `/strike preview` from the person who sent it; the router checks their role as for typing it.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Message, MessageEntity, MessageOriginChannel, MessageOriginChat, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.telegram.commands import CommandBridge
from handlers.strikes.pasted import preview_text

PASTE_LENGTH = 200  # characters: shorter unforwarded text the parser refuses is chat, not a failed paste


class ForwardedReports:
    def __init__(self, bridge: CommandBridge) -> None:
        self.bridge = bridge

    def handler(self) -> MessageHandler:
        """New messages with text or a caption (channel posts often are a picture and its caption), not commands."""
        readable = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
        return MessageHandler(filters.UpdateType.MESSAGE & readable, self.received)

    async def received(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.message, update.effective_chat
        if message is None or chat is None:
            return
        if chat.type == ChatType.PRIVATE:
            report, text = message, _text(message)
            if message.forward_origin is None and len(text) < PASTE_LENGTH and not _reads(text, message):
                return
        else:
            found = addressed(message, context.bot.username, context.bot.id)
            if found is None:
                return
            report, text = found
        if not text.strip():
            return
        source, posted = origin(report)
        await self.bridge.route(update, context, "strike", preview_text(text, source=source, posted=posted))


def addressed(message: Message, bot_username: str, bot_id: int) -> tuple[Message, str] | None:
    """In a group: (the message to read, its text) when `message` is addressed to the bot, else None."""
    mentions = _mentions(message, bot_username, bot_id)
    replied = message.reply_to_message
    if mentions:
        if replied is not None and not _from(replied, bot_id) and _text(replied).strip():
            return replied, _text(replied)
        text = _text(message)
        for mention in sorted(mentions, key=len, reverse=True):
            text = text.replace(mention, " ")
        return message, text
    if replied is not None and _from(replied, bot_id):
        text = _text(message)
        return (message, text) if _reads(text, message) else None
    return None


def _reads(text: str, message: Message) -> bool:
    """Whether the parser reads `text` as a report (for messages that may well be conversation instead)."""
    from handlers.airforce import Refusal, parse_report

    return not isinstance(parse_report(text, message.date), Refusal)


def origin(message: Message) -> tuple[str | None, datetime | None]:
    """(source, posted) of a forwarded message: a channel post's channel title and link; another forward's time;
    nothing for text typed or pasted here (its night then comes from the text, or from today)."""
    forwarded = message.forward_origin
    if forwarded is None:
        return None, None
    if isinstance(forwarded, MessageOriginChannel):
        channel = forwarded.chat
        place = channel.username or f"c/{str(channel.id).removeprefix('-100')}"
        link = f"https://t.me/{place}/{forwarded.message_id}"
        title = " ".join((channel.title or "").split())
        return (f"{title} · {link}" if title else link), forwarded.date
    if isinstance(forwarded, MessageOriginChat):
        title = " ".join((forwarded.sender_chat.title or "").split())
        return (title or None), forwarded.date
    return None, forwarded.date  # a person's message: when it was written, but no channel to name


def _text(message: Message) -> str:
    return message.text or message.caption or ""


def _from(message: Message, bot_id: int) -> bool:
    return message.from_user is not None and message.from_user.id == bot_id


def _mentions(message: Message, bot_username: str, bot_id: int) -> list[str]:
    """The spans of `message` that mention the bot (`@callwatch_bot`, or a mention of its user)."""
    entities = message.parse_entities() if message.text else message.parse_caption_entities()
    found = []
    for entity, span in entities.items():
        by_name = entity.type == MessageEntity.MENTION and span.lstrip("@").lower() == bot_username.lower()
        by_id = entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id
        if by_name or by_id:
            found.append(span)
    return found
