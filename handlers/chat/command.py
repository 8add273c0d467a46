"""A chat command as the router knows it: its word, its help text, its handler and who may run it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Role

if TYPE_CHECKING:
    from handlers.chat.context import HandlerContext

Handler = Callable[[ChatRequest, "HandlerContext"], Reply]
RoleRule = Callable[[str], Role]  # the command's argument text → the role it needs


def reads_unless(*write_words: str, write_role: Role = Role.REPORTER) -> RoleRule:
    """Viewers may read; the listed first words (or a bare `key=value` log) need `write_role`.

    `/contact show 5` reads; `/contact retract 5` and `/contact at=…` write.
    """

    def rule(text: str) -> Role:
        first = text.strip().split(maxsplit=1)[0].lower() if text.strip() else ""
        if first in write_words or "=" in first:
            return write_role
        return Role.VIEWER

    return rule


def always(role: Role) -> RoleRule:
    return lambda _text: role


VIEWERS = always(Role.VIEWER)


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # one line for /help
    usage: str  # full usage for `/help name`, also shown on a usage error
    handler: Handler
    role_for: RoleRule = VIEWERS
