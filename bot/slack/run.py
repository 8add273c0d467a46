"""Runs the Slack adapter until stopped: Socket Mode (needs SLACK_APP_TOKEN) or HTTP on a port."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.core import Core
from bot.lifecycle import stop_on_signals
from bot.slack.app import build_slack_app
from bot.slack.web import EVENTS_PATH, build_web_app
from handlers.chat.settings import secret

log = logging.getLogger("callwatch.slack")


class SlackConfigError(SystemExit):
    """A missing token: stop with the variable's name rather than a stack trace."""


async def run_slack(
    core: Core, *, http: bool = False, port: int = 3000, host: str = "0.0.0.0", stop: asyncio.Event | None = None
) -> None:
    """Serve until `stop` is set or the process gets SIGTERM/SIGINT."""
    settings = core.settings
    if settings.slack_bot_token is None:
        raise SlackConfigError("callwatch: SLACK_BOT_TOKEN is not set")
    stop = stop or stop_on_signals()
    if http:
        if settings.slack_signing_secret is None:
            raise SlackConfigError("callwatch: SLACK_SIGNING_SECRET is required to serve Slack over HTTP")
        runner = web.AppRunner(build_web_app(core, build_slack_app(core)), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        log.info("slack: serving HTTP on %s:%s%s", host, port, EVENTS_PATH)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
        return
    if settings.slack_app_token is None:
        raise SlackConfigError("callwatch: SLACK_APP_TOKEN is required for Socket Mode (or use --http --port N)")
    # Socket Mode requests come over our own authenticated websocket; Slack does not sign them.
    app = build_slack_app(core, verify_requests=False)
    handler = AsyncSocketModeHandler(app, secret(settings.slack_app_token))
    await handler.connect_async()
    log.info("slack: connected over Socket Mode")
    try:
        await stop.wait()
    finally:
        await handler.close_async()
