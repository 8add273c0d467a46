"""`/healthz` and `/readyz`, the same on every HTTP adapter.

Liveness says only that the process serves requests; readiness that the database answers and its schema is
this version's, so a load balancer sends no traffic to a replica that would fail every command.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from storage.database import Database

log = logging.getLogger("callwatch.health")


def add_health_routes(app: web.Application, db: Database) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_request: web.Request) -> web.Response:
        try:
            current = await asyncio.to_thread(db.is_current)
        except Exception as error:
            log.warning("readiness check failed: %s", type(error).__name__)
            return web.Response(status=503, text="database unreachable")
        return web.Response(text="ok") if current else web.Response(status=503, text="schema outdated")

    app.add_routes([web.get("/healthz", healthz), web.get("/readyz", readyz)])
