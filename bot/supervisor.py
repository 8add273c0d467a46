"""`callwatch run` with tokens set: every configured adapter and the alert worker in one event loop."""

from __future__ import annotations

import asyncio
import logging

from bot.wiring import Core

log = logging.getLogger(__name__)


async def run_everything(core: Core, *, slack_port: int = 3000, telegram_port: int = 8443) -> None:
    tasks = []
    if core.settings.has_slack:
        from bot.slack import run_slack

        http = core.settings.slack_app_token is None
        tasks.append(run_slack(core, http=http, port=slack_port))
    if core.settings.has_telegram:
        from bot.telegram import run_telegram

        tasks.append(run_telegram(core, webhook=False, port=telegram_port))
    from bot.worker import run_worker

    tasks.append(run_worker(core))
    log.info("starting %d services", len(tasks))
    await asyncio.gather(*tasks)
