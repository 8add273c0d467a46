"""Webhook mode: Telegram POSTs each update to `/telegram/webhook`; only calls carrying our secret get in.

Telegram sends the secret we registered with `setWebhook` in the `X-Telegram-Bot-Api-Secret-Token` header. A
call without it gets 401, with a wrong one 403, and nothing is parsed or stored. A genuine update is handled
and its id recorded (offsets.py) *before* the 200 goes back, so a delivery we did not finish is retried by
Telegram rather than lost; `max_connections=1` keeps deliveries in order.

PTB's own `run_webhook` answers 200 as soon as the update is queued, which would lose it in a crash; hence
this small aiohttp app. It also serves `/healthz` and `/readyz`.

Never a 500: a body that is not an update (`[1,2]`, `null`, bad JSON, a field of the wrong type) is 400; a
secret header with bytes that are not text is just a wrong secret (403); while the database does not answer,
503 with `Retry-After`, and Telegram delivers the update again later; over 1 MiB, 413.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.health import Health, add_health_routes
from bot.telegram.offsets import DatabaseAwayError, UpdateLedger
from storage.database import Database

log = logging.getLogger("callwatch.telegram")

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram updates are small; refuse anything that is not


def webhook_app(
    application: Application, ledger: UpdateLedger, secret: str, db: Database, health: Health | None = None
) -> web.Application:
    if not secret:
        raise ValueError("webhook mode needs TELEGRAM_WEBHOOK_SECRET")
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401, text="missing secret token")
        if not hmac.compare_digest(_header_bytes(given), expected):
            return web.Response(status=403, text="wrong secret token")
        try:
            raw = await request.read()
        except web.HTTPException:
            raise  # over MAX_BODY: 413
        except Exception:  # a Content-Encoding it does not have, a length that does not add up
            return web.Response(status=400, text="the body cannot be read")
        update = parse_update(raw, application)
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        if not await ledger.available():
            return _try_later("the database does not answer")  # Telegram redelivers; nothing was handled
        try:
            await ledger.handle(application, update)
        except DatabaseAwayError as error:
            log.warning("telegram webhook: %s; Telegram will deliver it again", error)
            return _try_later("the database does not answer")
        except Exception:  # PTB contains handler errors; this is ours: let Telegram retry rather than lose it
            log.exception("telegram webhook: update %s failed", update.update_id)
            return _try_later("the update could not be handled")
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post(WEBHOOK_PATH, receive)
    add_health_routes(app, db, health)
    return app


def parse_update(raw: bytes, application: Application) -> Update | None:
    """The update in a webhook body, or None for anything that is not one (a list, `null`, a missing or odd
    `update_id`, fields of the wrong type, nesting deep enough to exhaust the parser)."""
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            return None
        update_id = data.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool) or not 0 <= update_id < 2**63:
            return None
        update = Update.de_json(data, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError):
        return None
    except Exception:  # PTB's parsers may raise anything on a malformed field; it is still a bad request
        log.info("telegram webhook: body did not parse as an update")
        return None
    return update


def _header_bytes(value: str) -> bytes:
    """aiohttp keeps undecodable header bytes as surrogates: encode them back rather than fail on them."""
    try:
        return value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return b""  # cannot be our secret (compare_digest still takes the constant-time path)


def _try_later(reason: str) -> web.Response:
    return web.Response(status=503, text=f"{reason}; try again", headers={"Retry-After": "5"})
