"""Telegram updates as our neutral `ChatRequest`: who, where, which command, the text after it.

The bot's id and the update's `update_id` become the request's idempotency key, so a report redelivered after a
crash (see offsets.py) is answered from what is stored instead of being written twice.
"""

from __future__ import annotations

from telegram import Message, Update, User

from handlers.chat.context import HandlerContext
from handlers.chat.request import ChatRequest, Platform
from handlers.text import cleaning

COMMAND_ALIASES = {"start": "help"}  # Telegram clients send /start when a person first opens the bot


def command_parts(text: str) -> tuple[str, str | None, str]:
    """`/timeline@callwatch_bot from=x` → (`timeline`, `callwatch_bot`, `from=x`)."""
    head, *rest = text.split(None, 1)
    word, _, addressee = head.lstrip("/").partition("@")
    return word.lower(), addressee or None, rest[0].strip() if rest else ""


def is_for_another_bot(message: Message | None, bot_username: str) -> bool:
    """A command like `/timeline@otherbot` in a group: another bot's business, not ours."""
    if message is None or not message.text or not message.text.startswith("/"):
        return False
    _, addressee, _ = command_parts(message.text)
    return addressee is not None and addressee.lower() != bot_username.lower()


def display_name(user: User) -> str | None:
    """How the person is named in "Logged by": their name as Telegram sends it, under the text rule."""
    name = f"{user.full_name} (@{user.username})" if user.username else user.full_name
    return cleaning.platform_name(name)


def chat_request(update: Update, ctx: HandlerContext, *, command: str, text: str, key_suffix: str = "") -> ChatRequest:
    """The neutral request for `update`; `key_suffix` distinguishes several requests made from one update."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None  # the access gate lets no update without them through
    return ChatRequest(
        platform=Platform.TELEGRAM,
        user_id=str(user.id),
        channel_id=str(chat.id),
        command=COMMAND_ALIASES.get(command, command),
        text=text,
        user_name=display_name(user),
        idempotency_key=f"telegram:{update.get_bot().id}:{update.update_id}{key_suffix}",
        received_at=ctx.now(),
        language=user.language_code,  # the app's language: replies follow it until the user picks one with /lang
    )


def probe(update: Update, ctx: HandlerContext) -> ChatRequest:
    """A request that only identifies the caller, for role look-ups before anything is routed."""
    return chat_request(update, ctx, command="help", text="")
