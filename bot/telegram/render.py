"""A neutral `Reply` as Telegram messages: HTML with every piece of user text escaped, split under 4,096.

Replies are plain text (see handlers/chat/reply.py); here the title becomes bold, a table a `<pre>` block, the footer
italic, and buttons an inline keyboard. Nothing is passed through unescaped, so a note reading `<b>` or
`<a href=…>` shows as typed. Pieces are split on line boundaries *before* escaping and measured *after*, so a
split never cuts an entity like `&amp;` in half and every message stays under Telegram's limit. The few words added
here (the mention line) are in the reply's own language.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.chat.reply import Button, Reply, render_table
from handlers.i18n import _, activate

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_SEPARATOR = "|"


@dataclass(frozen=True)
class Block:
    """A run of plain text and the HTML tag it is shown in (`None` for ordinary text)."""

    text: str
    tag: str | None = None
    trusted_html: bool = False  # built here from validated ids (mentions), never from user text


@dataclass(frozen=True)
class RenderedReply:
    """What to send: an optional photo first, then the HTML messages; the keyboard rides on the last one."""

    messages: tuple[str, ...]
    keyboard: InlineKeyboardMarkup | None = None
    photo: bytes | None = None
    photo_filename: str | None = None
    caption: str | None = None


def render(reply: Reply, *, limit: int = MESSAGE_LIMIT) -> RenderedReply:
    blocks = [Block(reply.title, "b")] if reply.title else []
    if reply.text:
        blocks.append(Block(reply.text))
    if reply.table:
        blocks.append(Block(render_table(reply.table), "pre"))
    if reply.mentions:
        blocks.append(Block(attention(reply), trusted_html=True))
    if reply.footer:
        blocks.append(Block(reply.footer, "i"))
    photo = caption = filename = None
    if reply.image:
        photo, filename = reply.image.png, reply.image.filename
        caption = _fit(html.escape(reply.image.title), CAPTION_LIMIT) if reply.image.title else None
    messages = tuple(pack(blocks, limit=limit))
    if not messages and photo is None:
        with activate(reply.language):
            messages = (html.escape(_("(no text)"), quote=False),)
    return RenderedReply(messages, keyboard(reply.buttons), photo, filename, caption)


def attention(reply: Reply) -> str:
    """The line that notifies `reply.mentions`, in the reply's language: the words escaped, the mentions real."""
    with activate(reply.language):
        template = html.escape(_("Attention: {users}"), quote=False)
    return template.format(users=", ".join(mention(user) for user in reply.mentions))


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """One row of buttons; each carries `action|value`, which the button handler routes as a command."""
    if not buttons:
        return None
    row = [
        InlineKeyboardButton(button.label, callback_data=f"{button.action}{CALLBACK_SEPARATOR}{button.value}"[:64])
        for button in buttons
    ]
    return InlineKeyboardMarkup([row])


def pack(blocks: list[Block], *, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Greedily fill messages with whole pieces; blocks are separated by a blank line."""
    messages: list[str] = []
    current = ""
    for block_index, block in enumerate(blocks):
        for piece_index, piece in enumerate(_pieces(block, limit)):
            joiner = "" if not current else ("\n\n" if piece_index == 0 and block_index else "\n")
            if current and len(current) + len(joiner) + len(piece) <= limit:
                current += joiner + piece
            else:
                if current:
                    messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def mention(user_id: str) -> str:
    """A link that notifies a Telegram user by numeric id; anything else is shown escaped, notifying nobody."""
    return f'<a href="tg://user?id={user_id}">{user_id}</a>' if user_id.isdigit() else html.escape(user_id)


def _pieces(block: Block, limit: int) -> list[str]:
    """The block as wrapped, escaped pieces, each within `limit` once escaped and tagged."""
    if block.trusted_html:
        return [block.text[:limit]]
    opening, closing = (f"<{block.tag}>", f"</{block.tag}>") if block.tag else ("", "")
    room = limit - len(opening) - len(closing)
    pieces: list[str] = []
    lines: list[str] = []
    size = 0
    for line in _short_lines(block.text, room):
        escaped = html.escape(line, quote=False)
        added = len(escaped) + (1 if lines else 0)
        if lines and size + added > room:
            pieces.append(opening + "\n".join(lines) + closing)
            lines, size = [], 0
            added = len(escaped)
        lines.append(escaped)
        size += added
    if lines:
        pieces.append(opening + "\n".join(lines) + closing)
    return pieces


def _short_lines(text: str, room: int) -> list[str]:
    """Lines whose escaped form fits in `room`; an over-long line is cut between characters, never entities."""
    result: list[str] = []
    for line in text.split("\n"):
        while len(html.escape(line, quote=False)) > room:
            cut = room
            while len(html.escape(line[:cut], quote=False)) > room:
                cut -= max(1, (len(html.escape(line[:cut], quote=False)) - room) // 5)
            result.append(line[:cut])
            line = line[cut:]
        result.append(line)
    return result


def _fit(escaped: str, limit: int) -> str:
    """Shorten already-escaped text without leaving half an entity at the end."""
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def parse_callback(data: str) -> tuple[str, str] | None:
    """`alerts ack|17` → (`alerts`, `ack 17`): the command word and the text routed with it."""
    action, separator, value = data.partition(CALLBACK_SEPARATOR)
    words = action.split()
    if not separator or not words:
        return None
    return words[0], " ".join([*words[1:], value]).strip()
