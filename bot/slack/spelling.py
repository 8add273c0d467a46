"""How callwatch's commands are spelled on Slack: one umbrella command, `/callwatch contact at=…`.

Slack's slash commands are not namespaced: a workspace has one `/help`, and an app's `/contact` or `/alerts`
overrides, or is overridden by, any other app that claims the same word (Slack's "Sweat the small stuff"
guidance: choose a name "that won't override or be overridden by another developer's carefully named command").
So on Slack every command is a subcommand of the app's own name, and `/callwatch` alone (or `/callwatch help`)
answers with the help, as Slack's slash-command style guide asks of every command. Telegram and the console keep
the plain words (`/contact`); the words after the first are the same everywhere.

This module is light (no Slack SDK): the platform descriptor and the manifest generator read it too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from handlers.chat.reply import Reply

UMBRELLA = "callwatch"
PREFIX = f"/{UMBRELLA} "  # what goes before a command's name on Slack
HELP = "help"


def spell(name: str) -> str:
    """`contact` → `/callwatch contact`."""
    return f"{PREFIX}{name}"


def command_and_text(slash: str, text: str) -> tuple[str, str]:
    """The registry's command and its text for what Slack sent.

    `/callwatch contact at=now …` → (`contact`, `at=now …`); `/callwatch` alone → (`help`, ``). Any other slash
    command is taken as the command itself: a workspace that installed an older manifest (`/contact …`) keeps
    working until it is updated.
    """
    word = slash.strip().lstrip("/").lower()
    if word != UMBRELLA:
        return word, text.strip()
    head, *rest = text.split(None, 1) or [HELP]
    return head.lstrip("/").lower(), rest[0].strip() if rest else ""


def mentions_spelled(text: str, names: Iterable[str]) -> str:
    """`/contact show ID` → `/callwatch contact show ID` for every command word in `names`."""
    words = sorted(names, key=len, reverse=True)
    if not words:
        return text
    pattern = re.compile(rf"(?<![\w/]){re.escape('/')}({'|'.join(map(re.escape, words))})\b(?![@/])")
    return pattern.sub(lambda match: spell(match.group(1)), text)


def error_spelled(reply: Reply, names: Iterable[str]) -> Reply:
    """An error reply with its command mentions in Slack's spelling, so its usage lines can be copied as they are.

    Only errors: they are the bot's own words (usage, "type /help") around at most a short echo of the input,
    while a successful reply can carry a person's notes, which are shown exactly as they were typed.
    """
    if reply.ok:
        return reply
    names = list(names)
    return dataclasses.replace(
        reply,
        text=mentions_spelled(reply.text, names),
        title=mentions_spelled(reply.title, names) if reply.title else reply.title,
    )
