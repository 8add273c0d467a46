"""Maps a command word to its handler, checks that the caller's role allows the action asked for, and contains every
failure.

The action is chosen once, by the command itself (`Command.route`), and the handler receives it already chosen:
the role check and the deed cannot disagree, however the text is worded. Text that names no declared action is
refused (deny by default).

No exception leaves `Router.handle`: a bug becomes a short error with an id in the chat (the stack trace goes to
the log only), and the handler's transaction has already rolled back, so nothing half-written stays behind.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import Iterable

from handlers import i18n
from handlers.chat.command import Command, with_usage
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import _
from handlers.languages import rules as languages
from handlers.roles import rules
from storage import authority

log = logging.getLogger("callwatch.router")


class Router:
    def __init__(self, ctx: HandlerContext, commands: Iterable[Command]) -> None:
        self.ctx = ctx
        self.commands: dict[str, Command] = {command.name: command for command in commands}

    def role_of(self, request: ChatRequest) -> Role:
        return rules.role_of(request, self.ctx)

    def handle(self, request: ChatRequest) -> Reply:
        started = time.perf_counter()
        name = request.command.lower().lstrip("/")
        outcome = "ok"
        action = "-"
        language = self._language_of(request)
        with i18n.activate(language):
            try:
                reply, action = self._dispatch(name, dataclasses.replace(request, language=language))
                outcome = "ok" if reply.ok else "refused"
            except Exception as error:
                error_id = uuid.uuid4().hex[:8]
                outcome = f"error:{error_id}"
                if _database_away(error):  # not a bug: say what is wrong and that nothing changed
                    log.warning("command /%s: the database is not answering (error %s)", name, error_id)
                    reply = Reply.error(
                        _(
                            "The database is not answering right now, so nothing was changed. Try again in a "
                            "minute; if it persists, give an admin this error id: {error_id}."
                        ).format(error_id=error_id)
                    )
                else:
                    log.exception("command /%s failed (error %s)", name, error_id)
                    reply = Reply.error(
                        _(
                            "Something went wrong on our side (error {error_id}). Nothing was changed; "
                            "try again, or give an admin this error id."
                        ).format(error_id=error_id)
                    )
            finally:
                log.info(
                    "command handled",
                    extra={
                        "command": name,
                        "action": action,
                        "platform": str(request.platform),
                        "user": request.caller,
                        "channel": request.channel,
                        "outcome": outcome,
                        "language": language,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
        if reply.language == i18n.DEFAULT_LANGUAGE and language != i18n.DEFAULT_LANGUAGE:
            reply = dataclasses.replace(reply, language=language)
        return reply

    def language_of(self, request: ChatRequest) -> str:
        """The language `request`'s caller is answered in (adapters use it for words of their own)."""
        return self._language_of(request)

    def _language_of(self, request: ChatRequest) -> str:
        try:
            return languages.language_of(request, self.ctx)
        except Exception:  # the database is away: answer in the platform's language rather than not at all
            log.warning("language look-up failed for %s", request.caller, exc_info=True)
            return i18n.supported(request.language) or i18n.DEFAULT_LANGUAGE

    async def handle_async(self, request: ChatRequest) -> Reply:
        """Handlers block on the database; run them off the event loop."""
        return await asyncio.to_thread(self.handle, request)

    def _dispatch(self, name: str, request: ChatRequest) -> tuple[Reply, str]:
        command = self.commands.get(name)
        if command is None:
            return Reply.error(
                _("Unknown command /{name}. Type /help to see what I understand.").format(name=name)
            ), "-"
        role = self.role_of(request)
        if role is Role.NONE:  # strangers learn nothing about the commands, only how to get in
            return Reply.error(rules.refusal(request, role, Role.VIEWER, f"/{name}")), "-"
        routed = command.route(request.text)
        if routed is None:
            first = request.text.strip().split(maxsplit=1)[0]
            *most, last = command.action_words
            words = _("{some} or {last}").format(some=", ".join(most), last=last) if most else last
            message = _("unknown /{name} action {word}: use {words}").format(name=name, word=repr(first), words=words)
            return Reply.error(with_usage(message, command.usage)), "-"
        action = routed.action
        if not role.allows(action.role):
            doing = f"/{name} {action.word}" if action.word else f"/{name}"
            return Reply.error(rules.refusal(request, role, action.role, doing)), action.name
        decided = dataclasses.replace(request, text=routed.text, role=role)
        try:
            with authority.acting_as(str(role)):  # storage refuses a write this role may not make, whatever happens
                return action.run(decided, self.ctx), action.name
        except authority.WriteRefusedError as refused:
            log.error("/%s %s tried to write for a %s: declare the action's role", name, action.name, role)
            return Reply.error(rules.refusal(request, role, Role(refused.needed), f"/{name}")), action.name


def _database_away(error: BaseException) -> bool:
    """The database could not be reached or dropped the connection (an outage, not a fault in our code)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    return isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated)
