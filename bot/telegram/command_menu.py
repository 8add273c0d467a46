"""The command list Telegram clients offer as you type `/`, generated from the command registry
(`callwatch manifest telegram`, pasted into @BotFather's /setcommands; `deploy/telegram-commands.txt` is its
output, and a test fails when the two differ).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

# Words the Telegram adapter answers itself, beside the registry's commands.
ADAPTER_COMMANDS = (("cancel", "leave the guided dialog"),)
NAME = re.compile(r"^[a-z0-9_]{1,32}$")  # Telegram's rule for a command's name
MAX_DESCRIPTION = 256  # and for its description


class Described(Protocol):
    name: str
    summary: str


def command_list(commands: Iterable[Described]) -> str:
    """`name - description` lines, BotFather's format; each checked against Telegram's limits."""
    entries = [(command.name, command.summary) for command in commands] + list(ADAPTER_COMMANDS)
    lines = []
    for name, description in entries:
        if not NAME.match(name):
            raise ValueError(f"/{name} is not a valid Telegram command name (a-z, 0-9, _; at most 32)")
        if not 1 <= len(description) <= MAX_DESCRIPTION:
            raise ValueError(f"/{name}: Telegram takes a description of 1–{MAX_DESCRIPTION} characters")
        lines.append(f"{name} - {description}")
    return "\n".join(lines) + "\n"
