"""The aiohttp application that serves Slack over HTTP: `/slack/events`, `/healthz`, `/readyz`.

Built separately from the server so tests and a multi-replica setup can mount it next to other routes.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.health import add_health_routes
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

    app = web.Application()
    app.add_routes([web.post(EVENTS_PATH, events)])
    add_health_routes(app, core.db)
    return app
