"""Builds the pieces every entry point shares (`bot.core.Core`): database, handler context, router."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.core import Core
from bot.platforms import all_platforms
from bot.router import Router
from handlers.chat.context import HandlerContext, system_clock
from handlers.chat.settings import Settings
from handlers.registry import all_commands
from storage.database import Database


def build_core(settings: Settings | None = None, *, clock: Callable[[], datetime] = system_clock) -> Core:
    """Open the database (creating the schema if it is empty) and route every command.

    The handlers learn about platforms only through the registry's descriptors (their users, default roles), so a
    platform registered before this call is known to every command.
    """
    settings = settings or Settings()
    db = Database(settings.database_url)
    db.ensure_schema()
    commands = {command.name: command for command in all_commands()}
    ctx = HandlerContext(
        db=db,
        settings=settings,
        clock=clock,
        contact_hooks=list(_contact_hooks()),
        commands=commands,
        platforms=all_platforms(),
    )
    router = Router(ctx, commands.values())
    router.commands = commands  # one mapping: a command added for a test is also what /help lists
    return Core(settings=settings, db=db, ctx=ctx, router=router)


def _contact_hooks() -> list:
    """Hooks run inside the transaction that logs or retracts a contact (the alert planner plugs in here)."""
    from handlers.alerts.plan import AlertPlanner

    return [AlertPlanner()]
