"""The aiohttp application that serves Slack over HTTP: `/slack/events`, `/healthz`, `/readyz`.

Built separately from the server so tests and a multi-replica setup can mount it next to other routes.

Every request is checked before anything parses it: the signature (`SignatureVerifier`, on the raw bytes, as
Slack computed it) and its headers' shape first — unsigned, forged, stale or garbled is 401, a body that is
not UTF-8 is 400 — and only then does bolt parse the body. A signed body that does not parse, or lacks a field
our listeners read (`requests.problem`), is 400. Bolt answers 500 when a listener or middleware raises; that
becomes 503 (try later: Slack's API or our database is away), never 500. Bodies over 1 MiB get 413. A
well-formed, signed command we do not serve keeps bolt's 404.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from aiohttp import web
from multidict import CIMultiDictProxy
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.core import Core
from bot.health import add_health_routes
from bot.slack import requests
from bot.slack.ack_first import finish_pending

log = logging.getLogger("callwatch.slack.http")

EVENTS_PATH = "/slack/events"
MAX_BODY = 1 << 20
REPLIES_AT_SHUTDOWN = 5.0  # seconds a stopping server waits for replies still owed after their ack
TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"
_INTERNAL_HEADERS = "x-slack-bolt-"  # bolt's own lazy-listener switches: never taken from outside


def _refusal(status: int, error: str) -> web.Response:
    return web.json_response({"error": error}, status=status)


def verify(verifier: SignatureVerifier, headers: CIMultiDictProxy[str], raw: bytes) -> web.Response | str:
    """The body as text if Slack signed it (within five minutes); otherwise the refusal to send."""
    timestamp, signature = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return _refusal(401, "invalid request")  # int() of it would raise, or it cannot be a recent time
    if not (signature.isascii() and signature.startswith("v0=") and len(signature) <= 128):
        return _refusal(401, "invalid request")  # compare_digest raises on a non-ASCII string
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _refusal(400, "the body is not UTF-8")
    if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
        return _refusal(401, "invalid request")
    return body


async def read_body(request: web.Request) -> bytes | web.Response:
    """The raw body; 413 over the limit, 400 when it cannot be read (a `Content-Encoding` it does not have, a
    length or chunking that does not add up): aiohttp raises for those, which would be a 500."""
    try:
        return await request.read()
    except web.HTTPException:
        raise  # 413 Request Entity Too Large, already the right answer
    except Exception as error:
        log.info("unreadable request body: %s", type(error).__name__)
        return _refusal(400, "the body cannot be read")


def _is_ssl_check(raw: bytes) -> bool:
    """Slack's certificate probe (`ssl_check=1&token=…`), which bolt answers before verifying; so do we."""
    if len(raw) > 200 or not raw.startswith(b"ssl_check="):
        return False
    return dict(parse_qsl(raw.decode("latin-1"))).get("ssl_check") == "1"


def build_web_app(core: Core, bolt_app: AsyncApp, *, signing_secret: str | None = None) -> web.Application:
    """`signing_secret` defaults to the one the bolt app verifies with, so both checks agree."""
    secret = signing_secret or getattr(bolt_app, "_signing_secret", "")
    if not secret:
        raise ValueError("serving Slack over HTTP needs SLACK_SIGNING_SECRET")
    verifier = SignatureVerifier(secret)

    async def events(request: web.Request) -> web.StreamResponse:
        raw = await read_body(request)
        if isinstance(raw, web.Response):
            return raw
        if _is_ssl_check(raw):
            return web.Response(status=200)
        verified = verify(verifier, request.headers, raw)
        if isinstance(verified, web.Response):
            return verified
        headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            if not name.lower().startswith(_INTERNAL_HEADERS):
                headers.setdefault(name.lower(), []).append(value)
        try:
            bolt_request = AsyncBoltRequest(body=verified, query=request.query_string, headers=headers)
        except Exception as error:  # bolt's own parsing: JSON, a payload that is not an object, …
            log.info("signed Slack request does not parse: %s", type(error).__name__)
            return _refusal(400, "malformed payload")
        trouble = requests.problem(bolt_request.body)
        if trouble:
            log.info("signed Slack request refused: %s", trouble)
            return _refusal(400, trouble)
        bolt_response = await bolt_app.async_dispatch(bolt_request)
        if bolt_response.status >= 500:
            log.error("slack request failed inside bolt (status %s): answered 503", bolt_response.status)
            return _refusal(503, "temporarily unable to handle this request; try again")
        return await to_aiohttp_response(bolt_response)

    async def finish_replies(_app: web.Application) -> None:  # on shutdown: deferred replies still go out
        await finish_pending(within=REPLIES_AT_SHUTDOWN)

    app = web.Application(client_max_size=MAX_BODY)
    app.add_routes([web.post(EVENTS_PATH, events)])
    app.on_shutdown.append(finish_replies)
    add_health_routes(app, core.db, core.health)
    return app
