"""Builds the pieces every entry point shares: database, handler context, router."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.router import Router
from handlers.chat.context import HandlerContext, system_clock
from handlers.chat.registry import all_commands
from handlers.chat.settings import Settings
from storage.database import Database


@dataclass
class Core:
    settings: Settings
    db: Database
    ctx: HandlerContext
    router: Router

    def close(self) -> None:
        self.db.dispose()


def build_core(settings: Settings | None = None, *, clock: Callable[[], datetime] = system_clock) -> Core:
    """Open the database (creating the schema if it is empty) and route every command."""
    settings = settings or Settings()
    db = Database(settings.database_url)
    db.ensure_schema()
    ctx = HandlerContext(db=db, settings=settings, clock=clock, contact_hooks=list(_contact_hooks()))
    return Core(settings=settings, db=db, ctx=ctx, router=Router(ctx, all_commands()))


def _contact_hooks() -> list:
    """Hooks run inside the transaction that logs or retracts a contact (the alert planner plugs in here)."""
    from handlers.alerts.plan import AlertPlanner

    return [AlertPlanner()]
