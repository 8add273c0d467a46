"""A chat command as the router knows it: its word, its help text, and the actions it can take, each with the role
that action needs.

Who may do what follows from what a command *does*, never from how its text is worded. So a command declares its
actions once, and one function (`Command.route`) decides which action a text asks for; the router checks the role of
that very action and hands the handler the action already chosen. The handler never re-reads the action word, so
the check and the deed cannot disagree (`/contact fyi at=now …` is a log, and needs a reporter, however it starts).
Text that names no declared action is refused: deny by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import _
from handlers.text.arguments import ArgumentError

if TYPE_CHECKING:  # the context is built from the commands; the commands only name its type
    from handlers.chat.context import HandlerContext

ActionHandler = Callable[[ChatRequest, "HandlerContext"], Reply]


@dataclass(frozen=True)
class Action:
    """One thing a command does. `word` is the first word that selects it (`show`, `retract`); an action with no
    word is selected by `bare` (no text at all) or as the command's `default` (any text no word claims)."""

    name: str
    role: Role  # the least role that may run it
    run: ActionHandler  # receives the request with the action word removed from its text
    word: str | None = None
    bare: bool = False  # runs for an empty text (`/contact` alone opens the form)
    default: bool = False  # runs for any text whose first word names no other action (`/contact at=now …` logs)
    writes: bool = False  # stores something: documented, and checked by the tests that try every write as every role


@dataclass(frozen=True)
class Routed:
    action: Action
    text: str  # what follows the action word (all of the text for a default action)


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # one line for /help
    usage: str  # full usage for `/help name`, also shown on a usage error
    actions: tuple[Action, ...]

    def __post_init__(self) -> None:
        words = [action.word for action in self.actions if action.word]
        if len(words) != len(set(words)):
            raise ValueError(f"/{self.name} declares an action word twice")  # i18n: internal
        for flag in ("bare", "default"):
            if sum(getattr(action, flag) for action in self.actions) > 1:
                raise ValueError(f"/{self.name} declares more than one {flag} action")  # i18n: internal

    def route(self, text: str) -> Routed | None:
        """The action `text` asks for, or None when it names none this command declares.

        Only the first whitespace-separated word can select an action by name, compared without case; a quoted
        first word is not a name (`"show"` is text), so wording can never turn a log into a read.
        """
        stripped = text.strip()
        if not stripped:
            bare = next((action for action in self.actions if action.bare), None)
            if bare is not None:
                return Routed(bare, "")
            return self._default("")
        first, _space, rest = stripped.partition(" ")
        for action in self.actions:
            if action.word is not None and first.lower() == action.word:
                return Routed(action, rest.strip())
        return self._default(stripped)

    def _default(self, text: str) -> Routed | None:
        action = next((action for action in self.actions if action.default), None)
        return Routed(action, text) if action is not None else None

    @property
    def action_words(self) -> tuple[str, ...]:
        return tuple(action.word for action in self.actions if action.word)

    @property
    def least_role(self) -> Role:
        """The role that may run at least one of its actions (what /help shows beside it)."""
        return min((action.role for action in self.actions), key=lambda role: role.rank)


def explained(run: ActionHandler, usage: str) -> ActionHandler:
    """Every `ArgumentError` becomes a specific error with the command's usage beneath it (and its field, for forms)."""

    def guarded(request: ChatRequest, ctx: HandlerContext) -> Reply:
        try:
            return run(request, ctx)
        except ArgumentError as error:
            field_errors = {error.field: str(error)} if error.field else {}
            return Reply.error(with_usage(str(error), usage), field_errors=field_errors)

    return guarded


def with_usage(message: str, usage: str) -> str:
    """A complaint with the command's usage beneath it, both in the active language."""
    return "\n".join([message, _("Usage:"), _(usage)])


def single_action(
    name: str, summary: str, usage: str, run: ActionHandler, *, role: Role = Role.VIEWER, writes: bool = False
) -> Command:
    """A command that does one thing whatever its text says (/help, /analysis): one default action."""
    action = Action(name, role, run, bare=True, default=True, writes=writes)
    return Command(name, summary, usage, (action,))
