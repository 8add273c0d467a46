"""Webhook mode: Telegram POSTs each update to `/telegram/webhook`; only calls carrying our secret get in.

Telegram sends the secret we registered with `setWebhook` in the `X-Telegram-Bot-Api-Secret-Token` header. A
call without it gets 401, with a wrong one 403, and nothing is parsed or stored. A genuine update is handled
and its id recorded (offsets.py) *before* the 200 goes back, so a delivery we did not finish is retried by
Telegram rather than lost; `max_connections=1` keeps deliveries in order.

PTB's own `run_webhook` answers 200 as soon as the update is queued, which would lose it in a crash; hence
this small aiohttp app. It also serves `/healthz` and `/readyz`.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.health import add_health_routes
from bot.telegram.offsets import UpdateLedger
from storage.database import Database

log = logging.getLogger("callwatch.telegram")

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram updates are small; refuse anything that is not


def webhook_app(application: Application, ledger: UpdateLedger, secret: str, db: Database) -> web.Application:
    if not secret:
        raise ValueError("webhook mode needs TELEGRAM_WEBHOOK_SECRET")

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401, text="missing secret token")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="wrong secret token")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Telegram update")
        await ledger.handle(application, update)
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(WEBHOOK_PATH, receive)
    add_health_routes(app, db)
    return app
