"""The command list Telegram clients offer as you type `/`, generated from the command registry.

In English it is BotFather's list (`callwatch manifest telegram`, pasted into @BotFather's /setcommands;
`deploy/telegram-commands.txt` is its output, and a test fails when the two differ). For every other language we
speak, the bot sets the same commands itself when it starts (`setMyCommands` with that `language_code`), with the
descriptions from the same registry in that language, so a Ukrainian app shows Ukrainian descriptions and every
other app keeps BotFather's English list.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from handlers.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, _, activate

if TYPE_CHECKING:
    from telegram import Bot

log = logging.getLogger("callwatch.telegram")

# Words the Telegram adapter answers itself, beside the registry's commands.
ADAPTER_COMMANDS = (("cancel", N_("leave the guided dialog")),)
NAME = re.compile(r"^[a-z0-9_]{1,32}$")  # Telegram's rule for a command's name
MAX_DESCRIPTION = 256  # and for its description
MENU_LANGUAGES = tuple(language for language in LANGUAGES if language != DEFAULT_LANGUAGE)  # set by the bot


class Described(Protocol):
    name: str
    summary: str


def menu(commands: Iterable[Described]) -> list[tuple[str, str]]:
    """(name, description) of every command in the active language; each checked against Telegram's limits."""
    entries = [(command.name, _(command.summary)) for command in commands]
    entries += [(name, _(description)) for name, description in ADAPTER_COMMANDS]
    for name, description in entries:
        if not NAME.match(name):
            raise ValueError(
                f"/{name} is not a valid Telegram command name (a-z, 0-9, _; at most 32)"  # i18n: internal
            )
        if not 1 <= len(description) <= MAX_DESCRIPTION:
            raise ValueError(
                f"/{name}: Telegram takes a description of 1–{MAX_DESCRIPTION} characters"  # i18n: internal
            )
    return entries


def command_list(commands: Iterable[Described]) -> str:
    """`name - description` lines in English, BotFather's format."""
    with activate(DEFAULT_LANGUAGE):
        return "\n".join(f"{name} - {description}" for name, description in menu(commands)) + "\n"


async def publish_menus(bot: Bot, commands: Iterable[Described]) -> list[str]:
    """Set the command menu of each language other than English (`setMyCommands` with its `language_code`); the
    languages set. A refusal is logged, not raised: the bot serves without its translated menu rather than not at
    all, and English users keep BotFather's list whatever happens here."""
    from telegram import BotCommand
    from telegram.error import TelegramError

    commands = list(commands)
    published = []
    for language in MENU_LANGUAGES:
        with activate(language):
            entries = [BotCommand(name, description) for name, description in menu(commands)]
        try:
            await bot.set_my_commands(entries, language_code=language)
        except TelegramError as error:
            log.warning("setMyCommands for %s failed: %s", language, error)
            continue
        published.append(language)
    return published
