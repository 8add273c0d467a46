"""/help — every command's usage, from the same text the commands show on a usage error, spelled as the caller's
platform spells commands (`/contact` on Telegram and the console, `/callwatch contact` on Slack), in the caller's
language (each command declares its summary and usage with `N_`; they are translated here, where they are shown)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from handlers.chat.command import single_action
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest
from handlers.i18n import N_, _

PLAIN_PREFIX = "/"


def handle(request: ChatRequest, ctx: HandlerContext) -> Reply:
    prefix = command_prefix(request, ctx)
    wanted = request.text.strip().lstrip("/").lower()
    if prefix != PLAIN_PREFIX:  # `/callwatch help /callwatch contact` asks for contact too
        wanted = wanted.removeprefix(prefix.strip(" /").lower()).strip()
    if wanted:
        command = ctx.commands.get(wanted)
        if command is None:
            known = ", ".join(f"{prefix}{name}" for name in ctx.commands)
            return Reply.error(
                _("There is no {command}. Commands: {known}").format(command=f"{prefix}{wanted}", known=known)
            )
        title = f"{prefix}{command.name} — {_(command.summary)}"
        return Reply(title=title, text=spelled(_(command.usage), prefix, ctx.commands))
    lines = [f"{prefix}{command.name} — {_(command.summary)}" for command in ctx.commands.values()]
    lines.append("")
    lines.append(_('Arguments are key=value; quote values with spaces (region="Kyiv oblast"); other words are notes.'))
    lines.append(_("Type {help} COMMAND for its usage.").format(help=f"{prefix}help"))
    return Reply(title=_("callwatch commands"), text="\n".join(lines))


def command_prefix(request: ChatRequest, ctx: HandlerContext) -> str:
    """What comes before a command's name on the caller's platform. A platform descriptor may declare
    `command_prefix` (Slack: `/callwatch `, since its slash commands share one namespace); the rest use `/`."""
    rules = ctx.platforms.get(str(request.platform))
    prefix = getattr(rules, "command_prefix", PLAIN_PREFIX)
    return prefix if isinstance(prefix, str) and prefix.startswith("/") else PLAIN_PREFIX


def spelled(text: str, prefix: str, names: Iterable[str]) -> str:
    """Every `/name` of a known command in `text` (our own usage text, never a user's) with `prefix`."""
    if prefix == PLAIN_PREFIX:
        return text
    words = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    if not words:
        return text
    return re.sub(rf"(?<![\w/])/({words})\b(?![@/])", lambda match: prefix + match.group(1), text)


COMMAND = single_action("help", N_("usage for every command"), N_("/help [command]"), handle)
