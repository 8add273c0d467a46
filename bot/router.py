"""Maps a command word to its handler, checks the caller's role, and contains every failure.

No exception leaves `Router.handle`: a bug becomes a short error with an id in the chat (the stack trace goes to
the log only), and the handler's transaction has already rolled back, so nothing half-written stays behind.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterable, Mapping

from handlers.chat.command import Command
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform, Role

log = logging.getLogger("callwatch.router")

DEFAULT_ROLES: Mapping[Platform, Role] = {
    Platform.SLACK: Role.VIEWER,  # workspace members may read; writing needs a grant
    Platform.TELEGRAM: Role.NONE,  # Telegram is open to the world: unknown users are refused
    Platform.CONSOLE: Role.VIEWER,  # admin on a local SQLite database, see `role_of`
}


class Router:
    def __init__(
        self,
        ctx: HandlerContext,
        commands: Iterable[Command],
        default_roles: Mapping[Platform, Role] = DEFAULT_ROLES,
    ) -> None:
        self.ctx = ctx
        self.commands: dict[str, Command] = {command.name: command for command in commands}
        self.default_roles = default_roles
        ctx.commands = self.commands
        ctx.role_of = self.role_of

    def role_of(self, request: ChatRequest) -> Role:
        if request.caller in self.ctx.settings.admin_ids:
            return Role.ADMIN
        if request.platform is Platform.CONSOLE and self.ctx.db.is_sqlite:
            return Role.ADMIN  # whoever can open the local database file owns it
        granted = self.ctx.granted_role(request.caller)
        return Role(granted) if granted else self.default_roles.get(request.platform, Role.NONE)

    def handle(self, request: ChatRequest) -> Reply:
        started = time.perf_counter()
        name = request.command.lower().lstrip("/")
        outcome = "ok"
        try:
            reply = self._dispatch(name, request)
            outcome = "ok" if reply.ok else "refused"
            return reply
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            outcome = f"error:{error_id}"
            log.exception("command /%s failed (error %s)", name, error_id)
            return Reply.error(
                f"Something went wrong on our side (error {error_id}). Nothing was changed; "
                "try again, or give an admin this error id."
            )
        finally:
            log.info(
                "command handled",
                extra={
                    "command": name,
                    "platform": str(request.platform),
                    "user": request.caller,
                    "channel": request.channel,
                    "outcome": outcome,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )

    async def handle_async(self, request: ChatRequest) -> Reply:
        """Handlers block on the database; run them off the event loop."""
        return await asyncio.to_thread(self.handle, request)

    def _dispatch(self, name: str, request: ChatRequest) -> Reply:
        command = self.commands.get(name)
        if command is None:
            return Reply.error(f"Unknown command /{name}. Type /help to see what I understand.")
        needed = command.role_for(request.text)
        role = self.role_of(request)
        if role is Role.NONE:
            return Reply.error(
                f"You are not registered with callwatch. Ask an admin to run "
                f"/role grant user={request.caller} role=reporter"
            )
        if not role.allows(needed):
            words = request.text.split(maxsplit=1)
            action = f"/{name} {words[0]}" if words and "=" not in words[0] else f"/{name}"
            return Reply.error(
                f"{action} needs the {needed} role; you are a {role}. Ask an admin to run "
                f"/role grant user={request.caller} role={needed}"
            )
        return command.handler(request, self.ctx)
