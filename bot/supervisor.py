"""`callwatch run` with tokens set: every configured adapter and the alert worker in one event loop.

They share one stop event (SIGTERM/SIGINT), and a task group: if one service fails the others are stopped too,
rather than leaving a process that looks alive but no longer answers one platform.
"""

from __future__ import annotations

import asyncio
import logging

from bot.lifecycle import stop_on_signals
from bot.wiring import Core

log = logging.getLogger(__name__)


async def run_everything(core: Core, *, slack_port: int = 3000, telegram_port: int = 8443) -> None:
    from bot.alert_worker import run_worker

    stop = stop_on_signals()
    async with asyncio.TaskGroup() as services:
        if core.settings.has_slack:
            from bot.slack import run_slack

            http = core.settings.slack_app_token is None
            services.create_task(run_slack(core, http=http, port=slack_port, stop=stop))
        if core.settings.has_telegram:
            from bot.telegram import run_telegram

            webhook = core.settings.telegram_webhook_url is not None
            services.create_task(run_telegram(core, webhook=webhook, port=telegram_port, stop=stop))
        services.create_task(run_worker(core, stop=stop))
        log.info("services started", extra={"slack": core.settings.has_slack, "telegram": core.settings.has_telegram})
