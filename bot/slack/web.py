"""The aiohttp application that serves Slack over HTTP: `/slack/events`, `/healthz`, `/readyz`.

Built separately from the server so tests and a multi-replica setup can mount it next to other routes.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.wiring import Core

log = logging.getLogger("callwatch.slack.http")

EVENTS_PATH = "/slack/events"


def build_web_app(core: Core, bolt_app: AsyncApp) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "0")
        if not timestamp.isdigit():  # bolt would fail on int() with a 500; a bad header is a bad signature
            return web.json_response({"error": "invalid request"}, status=401)
        bolt_response = await bolt_app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def readyz(_request: web.Request) -> web.Response:
        """Ready only when the database answers and its schema is this version's."""
        try:
            current = await asyncio.to_thread(core.db.is_current)
        except Exception as error:
            log.warning("readiness check failed: %s", error)
            return web.Response(status=503, text="database unreachable")
        return web.Response(text="ok") if current else web.Response(status=503, text="schema outdated")

    app = web.Application()
    app.add_routes([web.post(EVENTS_PATH, events), web.get("/healthz", healthz), web.get("/readyz", readyz)])
    return app
