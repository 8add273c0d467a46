"""`/healthz` and `/readyz`, the same on every HTTP adapter, and the state of each running part behind them.

Liveness says only that the process serves requests. Readiness says the database answers, its schema is this
version's, and no part of the process (an adapter, the alert worker) is down: a load balancer then sends no
traffic to a replica that would fail, and the answer names what is down so an operator knows where to look.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from storage.database import Database

log = logging.getLogger("callwatch.health")


@dataclass
class PartState:
    up: bool
    reason: str = ""
    since: datetime = field(default_factory=lambda: datetime.now(UTC))


class Health:
    """What the supervisor knows about each part it runs (`slack`, `telegram`, `worker`)."""

    def __init__(self) -> None:
        self.parts: dict[str, PartState] = {}

    def up(self, part: str) -> None:
        self.parts[part] = PartState(True)

    def down(self, part: str, reason: str) -> None:
        self.parts[part] = PartState(False, reason)

    def forget(self, part: str) -> None:
        self.parts.pop(part, None)

    def down_parts(self) -> dict[str, str]:
        return {name: state.reason for name, state in self.parts.items() if not state.up}


def add_health_routes(app: web.Application, db: Database, health: Health | None = None) -> None:
    from aiohttp import web

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_request: web.Request) -> web.Response:
        try:
            current = await asyncio.to_thread(db.is_current)
        except Exception as error:
            log.warning("readiness check failed: %s", type(error).__name__)
            return web.Response(status=503, text="database unreachable")
        if not current:
            return web.Response(status=503, text="schema outdated")
        down = health.down_parts() if health is not None else {}
        if down:
            text = "; ".join(f"{part} down ({reason})" for part, reason in sorted(down.items()))
            return web.Response(status=503, text=text)
        return web.Response(text="ok")

    app.add_routes([web.get("/healthz", healthz), web.get("/readyz", readyz)])
