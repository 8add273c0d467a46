"""What every entry point shares once built: settings, database, handler context, router, and each part's health.

Built by `bot.wiring.build_core`; kept apart from it so the platform interface can name it without importing the
registry that the wiring reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.health import Health
from bot.router import Router
from handlers.chat.context import HandlerContext
from handlers.chat.settings import Settings
from storage.database import Database


@dataclass
class Core:
    settings: Settings
    db: Database
    ctx: HandlerContext
    router: Router
    health: Health = field(default_factory=Health)

    def close(self) -> None:
        self.db.dispose()
