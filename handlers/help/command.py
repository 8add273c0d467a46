"""/help — every command's usage, from the same text the commands show on a usage error."""

from __future__ import annotations

from handlers.chat.command import single_action
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest


def handle(request: ChatRequest, ctx: HandlerContext) -> Reply:
    wanted = request.text.strip().lstrip("/").lower()
    if wanted:
        command = ctx.commands.get(wanted)
        if command is None:
            known = ", ".join(f"/{name}" for name in ctx.commands)
            return Reply.error(f"There is no /{wanted}. Commands: {known}")
        return Reply(title=f"/{command.name} — {command.summary}", text=command.usage)
    lines = [f"/{command.name} — {command.summary}" for command in ctx.commands.values()]
    lines.append('\nArguments are key=value; quote values with spaces (region="Kyiv oblast"); other words are notes.')
    lines.append("Type /help COMMAND for its usage.")
    return Reply(title="callwatch commands", text="\n".join(lines))


COMMAND = single_action("help", "usage for every command", "/help [command]", handle)
