"""Renders our neutral `Reply` as a Slack message: Block Kit blocks plus the notification `text`.

Every string in a `Reply` is plain text, so every string is escaped here for mrkdwn (`&`, `<`, `>`): a user who
types `<!channel>` or `<@U1>` into a note sees it come back literally and nobody is pinged. The few words added
here (the mention line, the note on a message cut short) are in the reply's own language.
"""

from __future__ import annotations

from typing import Any

from handlers.chat.reply import Button, Reply, Visibility, render_table
from handlers.i18n import _, activate, ngettext

SECTION_LIMIT = 2900  # Slack refuses section text over 3000 characters; leave room for the code fences
MAX_BLOCKS = 48  # Slack's limit is 50 per message; two are kept for the buttons and the footer
ACTION_PREFIX = "cw|"  # action_id of our buttons: `cw|alerts ack|0` → command `alerts`, subcommand `ack`

Block = dict[str, Any]


def escape(text: str) -> str:
    """The three characters Slack's mrkdwn treats as control characters, and nothing else."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of slash-command text (`&amp;` last, so `&amp;lt;` stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def message(reply: Reply) -> dict[str, Any]:
    """`text` (the fallback shown in notifications) and `blocks`, ready for chat.postMessage or an ack."""
    return {"text": fallback_text(reply), "blocks": blocks(reply)}


def response(reply: Reply) -> dict[str, Any]:
    """A slash-command or response_url answer: the message plus who sees it."""
    return {**message(reply), "response_type": response_type(reply)}


def response_type(reply: Reply) -> str:
    return "in_channel" if reply.visibility is Visibility.CHANNEL else "ephemeral"


def fallback_text(reply: Reply) -> str:
    """The first line that says what happened; Slack shows it in notifications and where blocks cannot render."""
    prefix = "" if reply.ok else "⚠️ "
    headline = reply.title or next((line for line in reply.text.splitlines() if line.strip()), "callwatch")
    return _cut(escape(prefix + headline))


def blocks(reply: Reply) -> list[Block]:
    with activate(reply.language):
        return _blocks(reply)


def _blocks(reply: Reply) -> list[Block]:
    out: list[Block] = []
    if reply.title:
        title = ("⚠️ " if not reply.ok else "") + reply.title
        out.append(_section(f"*{escape(title)}*"))
    body = reply.text if reply.ok or reply.title else "⚠️ " + reply.text
    out += [_section(chunk) for chunk in _chunks(escape(body))]
    if reply.table:
        out += [_section(f"```{chunk}```") for chunk in _chunks(escape(render_table(reply.table)))]
    if len(out) > MAX_BLOCKS:
        limit = MAX_BLOCKS + 2
        cut = ngettext(
            "… cut short: Slack shows at most {n} block. Narrow it down.",
            "… cut short: Slack shows at most {n} blocks. Narrow it down.",
            limit,
        ).format(n=limit)
        out = [*out[: MAX_BLOCKS - 1], _section(f"_{escape(cut)}_")]
    if reply.mentions:
        users = " ".join(mention(user) for user in reply.mentions)
        out.append(_section(escape(_("Attention: {users}")).format(users=users)))
    if reply.buttons:
        out.append({"type": "actions", "elements": [_button(button, i) for i, button in enumerate(reply.buttons)]})
    if reply.footer:
        out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(escape(reply.footer))}]})
    return out


def mention(user_id: str) -> str:
    """A real Slack mention; the only markup we ever build, and only from ids the handlers validated."""
    return f"<@{escape(user_id)}>" if user_id.isalnum() else escape(f"@{user_id}")


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _chunks(escaped: str) -> list[str]:
    """Pack whole lines of already-escaped text into chunks that each fit one section."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in escaped.splitlines():
        while len(line) > SECTION_LIMIT:
            head = _cut(line)
            line = line[len(head) :]
            chunks.append(head)
        if current and size + len(line) + 1 > SECTION_LIMIT:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if any(part.strip() for part in current):
        chunks.append("\n".join(current))
    return chunks


def _cut(escaped: str) -> str:
    """At most SECTION_LIMIT characters, never ending inside an entity such as `&amp;`."""
    if len(escaped) <= SECTION_LIMIT:
        return escaped
    head = escaped[:SECTION_LIMIT]
    amp = head.rfind("&", SECTION_LIMIT - 5)
    return head[:amp] if amp != -1 and ";" not in head[amp:] else head


def _button(button: Button, index: int) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": button.label[:75], "emoji": True},
        "action_id": f"{ACTION_PREFIX}{button.action}|{index}",
        "value": button.value[:2000],
    }
    if button.style in {"primary", "danger"}:
        element["style"] = button.style
    return element


def parse_action_id(action_id: str) -> tuple[str, str] | None:
    """`cw|alerts ack|0` → (`alerts`, `ack`); None for an action that is not one of our buttons."""
    if not action_id.startswith(ACTION_PREFIX):
        return None
    action = action_id[len(ACTION_PREFIX) :].rsplit("|", 1)[0]
    command, _space, sub = action.partition(" ")
    return (command, sub) if command else None


def acted_on(original: list[Block], reply: Reply) -> list[Block]:
    """The clicked message with its buttons replaced by the outcome: still readable, not clickable twice."""
    kept = [block for block in original if block.get("type") != "actions"]
    return [*kept, *blocks(reply)][: MAX_BLOCKS + 2]
