"""Malformed HTTP never gives a 500: unsigned or malformed → 401/400 before anything parses it, signed but
malformed → 400; and nothing is stored. Both endpoints, over real loopback HTTP, on SQLite and PostgreSQL.

Requests are written byte by byte (`raw_post`), so headers and bodies can be anything a client could send, not
only what an HTTP library agrees to produce.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from aiohttp import web
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import Core
from bot.slack.app import build_slack_app
from bot.slack.web import EVENTS_PATH, build_web_app
from bot.telegram.app import build_application
from bot.telegram.offsets import UpdateLedger
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_app
from bot.wiring import build_core
from handlers.chat.settings import Settings
from tests.conftest import FrozenClock
from tests.security.counting import row_counter
from tests.slack.standin import StandinSlack
from tests.telegram.standin import TOKEN, BotApiStandIn

SLACK_SECRET = "malformed-test-signing-secret"
WEBHOOK_SECRET = "malformed-test-webhook-secret"
ADMIN = 1001
NEVER = {500, 501, 502, 504}
FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def raw_post(port: int, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    """POST exactly these bytes; the status code, or 400 if the server hung up on a request it could not read."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = [b"POST " + path.encode() + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
        head += [name + b": " + value for name, value in headers]
        head.append(b"Content-Length: " + str(len(body)).encode())
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 30)
    except ConnectionResetError:
        return 400  # aiohttp may reset a connection whose request it refused before reading it all
    finally:
        writer.close()
    if not status_line:
        return 400
    return int(status_line.split()[1])


def signed(body: bytes, *, secret: str = SLACK_SECRET, stamp: int | None = None) -> list[tuple[bytes, bytes]]:
    timestamp = str(int(time.time()) if stamp is None else stamp)
    text = body.decode("utf-8")
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=text)
    assert signature is not None
    return [(b"X-Slack-Request-Timestamp", timestamp.encode()), (b"X-Slack-Signature", signature.encode())]


FORM = [(b"Content-Type", b"application/x-www-form-urlencoded")]
JSON = [(b"Content-Type", b"application/json")]


def command(**fields: str) -> bytes:
    body = {
        "team_id": "T1",
        "channel_id": "C1",
        "user_id": "UADMIN",
        "user_name": "admin",
        "command": "/contact",
        "text": "at=now parties=Trump,Putin",
        "trigger_id": f"t{time.monotonic_ns()}",
    }
    body.update(fields)
    return urlencode({key: value for key, value in body.items() if value is not None}).encode()


def payload(data: object) -> bytes:
    return urlencode({"payload": json.dumps(data)}).encode()


# --- servers -------------------------------------------------------------------------------------------------
@dataclass
class Endpoints:
    core: Core
    slack_port: int
    telegram_port: int
    slack_api: StandinSlack
    bot_api: BotApiStandIn

    def __post_init__(self) -> None:
        self._all = row_counter(self.core)
        self._but_cursor = row_counter(self.core, leave_out=frozenset({"platform_cursor"}))

    def rows(self, *, except_cursor: bool = False) -> dict[str, int]:
        return self._but_cursor() if except_cursor else self._all()


@pytest.fixture
def core(database_url: str, clock: FrozenClock) -> Iterator[Core]:
    settings_ = Settings(database_url=database_url, admins=f"slack:UADMIN,telegram:{ADMIN}", tz="UTC")
    built = build_core(settings_, clock=clock)
    yield built
    built.close()


async def _serve(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@pytest.fixture
async def endpoints(core: Core) -> AsyncIterator[Endpoints]:
    slack_api = await StandinSlack().start()
    bot_api = BotApiStandIn()
    await bot_api.start()
    bolt = build_slack_app(
        core, client=AsyncWebClient(token="xoxb-t", base_url=slack_api.api_url), signing_secret=SLACK_SECRET
    )
    slack_runner, slack_port = await _serve(build_web_app(core, bolt))
    telegram_settings = Settings(
        database_url=core.settings.database_url,
        admins=core.settings.admins,
        tz="UTC",
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.base_url,
    )
    telegram_core = build_core(telegram_settings, clock=core.ctx.clock)  # the same database
    application = build_application(telegram_core)
    await application.initialize()
    await application.start()
    ledger = UpdateLedger(telegram_core, application.bot.id)
    await ledger.load()
    telegram_runner, telegram_port = await _serve(webhook_app(application, ledger, WEBHOOK_SECRET, core.db))
    yield Endpoints(core, slack_port, telegram_port, slack_api, bot_api)
    await telegram_runner.cleanup()
    await application.stop()
    await application.shutdown()
    ledger.close()
    await slack_runner.cleanup()
    await slack_api.stop()
    await bot_api.stop()
    telegram_core.close()


# --- Slack: a table of what the outsider sent --------------------------------------------------------------
BIG = b"x" * ((1 << 20) + 1)


def slack_cases() -> list[tuple[str, list[tuple[bytes, bytes]], bytes, int]]:
    """The table, signed when it is sent: Slack refuses a timestamp more than five minutes old, so a table signed
    at import turned every signed case into a 401 once the suite had run five minutes before reaching it."""
    stale = int(time.time()) - 600
    now = str(int(time.time())).encode()
    stamp, signature = b"X-Slack-Request-Timestamp", b"X-Slack-Signature"
    return [
        ("no signature at all", FORM, command(), 401),
        ("timestamp not a number", [*FORM, (stamp, b"soon"), (signature, b"v0=a")],
         command(), 401),
        ("timestamp of 5000 digits", [*FORM, (stamp, b"9" * 5000), (signature, b"v0=a")],
         command(), 401),
        ("timestamp in Arabic-Indic digits",
         [*FORM, (stamp, "١٧٥١٧١٦٨٠٠".encode()), (signature, b"v0=a")], command(), 401),
        ("signature not ASCII",
         [*FORM, (stamp, now), (signature, "v0=é".encode())],
         command(), 401),
        ("signature with undecodable bytes",
         [*FORM, (stamp, now), (signature, b"v0=\xff\xfe")],
         command(), 401),
        ("forged signature", [*FORM, *signed(c := command(), secret="not-ours")], c, 401),
        ("stale signature", [*FORM, *signed(d := command(), stamp=stale)], d, 401),
        ("body changed after signing", [*FORM, *signed(command(text="show 1"))], command(), 401),
        ("compressed, but not really", [*FORM, *signed(e := b"command=/contact"), (b"Content-Encoding", b"gzip")],
         e, 400),
        ("unsigned, not JSON though it says so", JSON, b'{"type": "view_submission", ', 401),
        ("unsigned, payload not JSON", FORM, b"payload=%7Bnot-json", 401),
        ("unsigned, not UTF-8", FORM, b"command=/contact&text=\xff\xfe", 401),
        ("signed, not UTF-8", [*FORM, (stamp, now),
                               (signature, b"v0=" + b"0" * 64)], b"text=\xff\xfe", 400),
        ("signed, JSON that does not parse", [*JSON, *signed(b'{"type": ')], b'{"type": ', 400),
        ("signed, payload that does not parse", [*FORM, *signed(b"payload=%7Bnope")], b"payload=%7Bnope", 400),
        ("signed, a JSON list", [*JSON, *signed(b"[1,2]")], b"[1,2]", 400),
        ("signed, JSON null", [*JSON, *signed(b"null")], b"null", 400),
        ("signed, payload a list", [*FORM, *signed(payload([1, 2]))], payload([1, 2]), 400),
        ("signed, a form of nothing we know", [*FORM, *signed(b"a=b")], b"a=b", 400),
        ("signed command without a user", [*FORM, *signed(v := command(user_id=""))], v, 400),
        ("signed command without a channel", [*FORM, *signed(w := command(channel_id=""))], w, 400),
        ("signed view submission without a view", [*FORM, *signed(payload({"type": "view_submission",
         "user": {"id": "UADMIN"}}))], payload({"type": "view_submission", "user": {"id": "UADMIN"}}), 400),
        ("signed view submission whose fields are a list",
         [*FORM, *signed(p := payload({"type": "view_submission", "user": {"id": "UADMIN"},
                                        "view": {"callback_id": "callwatch:contact", "state": {"values": []}}}))],
         p, 400),
        ("signed view submission with a number for a value",
         [*FORM, *signed(q := payload({"type": "view_submission", "user": {"id": "UADMIN"},
                                        "view": {"callback_id": "callwatch:contact", "state": {"values": {
                                            "parties": {"value": {"type": "plain_text_input", "value": 5}}}}}}))],
         q, 400),
        ("signed button click without actions",
         [*FORM, *signed(r := payload({"type": "block_actions", "user": {"id": "UADMIN"}}))], r, 400),
        ("signed button click whose value is an object",
         [*FORM, *signed(s := payload({"type": "block_actions", "user": {"id": "UADMIN"}, "channel": {"id": "C1"},
                                        "actions": [{"action_id": "cw|alerts ack|0", "value": {"x": 1}}]}))], s, 400),
        ("signed button click on a button not ours",
         [*FORM, *signed(u := payload({"type": "block_actions", "user": {"id": "UADMIN"}, "channel": {"id": "C1"},
                                        "actions": [{"action_id": "other", "value": "1"}]}))], u, 400),
        ("signed url_verification without a challenge", [*JSON, *signed(b'{"type": "url_verification"}')],
         b'{"type": "url_verification"}', 400),
        ("over a megabyte", FORM, BIG, 413),
    ]  # fmt: skip


async def test_slack_refuses_each_malformed_request_and_stores_nothing(endpoints: Endpoints) -> None:
    before = endpoints.rows()
    cases = slack_cases()
    answered = {case: await raw_post(endpoints.slack_port, EVENTS_PATH, headers, body)
                for case, headers, body, _status in cases}  # fmt: skip
    assert answered == {case: status for case, _headers, _body, status in cases}
    assert endpoints.rows() == before
    assert endpoints.slack_api.calls == []  # not even auth.test: no listener ran


async def test_slack_still_serves_the_well_formed(endpoints: Endpoints) -> None:
    body = command()
    assert await raw_post(endpoints.slack_port, EVENTS_PATH, [*FORM, *signed(body)], body) == 200
    assert endpoints.rows()["contact_report"] == 1
    assert await raw_post(endpoints.slack_port, EVENTS_PATH, FORM, b"ssl_check=1&token=x") == 200
    unknown = command(command="/nonsense")
    assert await raw_post(endpoints.slack_port, EVENTS_PATH, [*FORM, *signed(unknown)], unknown) == 404


async def test_bolts_internal_headers_cannot_be_sent_from_outside(endpoints: Endpoints) -> None:
    """`X-Slack-Bolt-Lazy-Only` would make bolt skip the listener that answers; it is dropped at the door."""
    body = command()
    headers = [*FORM, *signed(body), (b"X-Slack-Bolt-Lazy-Only", b"1"), (b"X-Slack-Bolt-Lazy-Function-Name", b"x")]
    assert await raw_post(endpoints.slack_port, EVENTS_PATH, headers, body) == 200
    assert endpoints.rows()["contact_report"] == 1


# --- Telegram: the same for the webhook --------------------------------------------------------------------
def update(**fields: object) -> bytes:
    message = {
        "message_id": 7,
        "date": 1751716800,
        "text": "/contact at=now parties=Trump,Putin",
        "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        "from": {"id": ADMIN, "is_bot": False, "first_name": "Ann"},
        "chat": {"id": ADMIN, "type": "private", "first_name": "Ann"},
    }
    return json.dumps({"update_id": 41, "message": message, **fields}).encode()


SECRET = [(SECRET_HEADER.encode(), WEBHOOK_SECRET.encode()), *JSON]
TELEGRAM_CASES: list[tuple[str, list[tuple[bytes, bytes]], bytes, int]] = [
    ("no secret", JSON, update(), 401),
    ("wrong secret", [(SECRET_HEADER.encode(), b"guess"), *JSON], update(), 403),
    ("secret not ASCII", [(SECRET_HEADER.encode(), "сікрет".encode()), *JSON], update(), 403),
    ("secret with undecodable bytes", [(SECRET_HEADER.encode(), b"\xff\xfe\xfd"), *JSON], update(), 403),
    ("a JSON list", SECRET, b"[1,2]", 400),
    ("JSON null", SECRET, b"null", 400),
    ("an empty object", SECRET, b"{}", 400),
    ("not JSON", SECRET, b'{"update_id": ', 400),
    ("not UTF-8", SECRET, b"\xff\xfe{", 400),
    ("update_id a string", SECRET, b'{"update_id": "41"}', 400),
    ("update_id true", SECRET, b'{"update_id": true}', 400),
    ("update_id negative", SECRET, b'{"update_id": -1}', 400),
    ("update_id beyond 64 bits", SECRET, b'{"update_id": 1180591620717411303424}', 400),
    ("message a number", SECRET, update(message=7), 400),
    ("message without a chat", SECRET, json.dumps({"update_id": 3, "message": {"message_id": 1}}).encode(), 400),
    ("callback query a list", SECRET, json.dumps({"update_id": 3, "callback_query": [1]}).encode(), 400),
    ("nested beyond any parser", SECRET, b"[" * 200_000 + b"]" * 200_000, 400),
    ("over a megabyte", SECRET, b" " * ((1 << 20) + 1), 413),
]


async def test_telegram_webhook_refuses_each_malformed_request_and_stores_nothing(endpoints: Endpoints) -> None:
    before = endpoints.rows()
    answered = {case: await raw_post(endpoints.telegram_port, WEBHOOK_PATH, headers, body)
                for case, headers, body, _status in TELEGRAM_CASES}  # fmt: skip
    assert answered == {case: status for case, _headers, _body, status in TELEGRAM_CASES}
    assert endpoints.rows() == before
    assert endpoints.bot_api.sent == []


async def test_telegram_webhook_still_serves_the_well_formed(endpoints: Endpoints) -> None:
    assert await raw_post(endpoints.telegram_port, WEBHOOK_PATH, SECRET, update()) == 200
    assert endpoints.rows()["contact_report"] == 1 and len(endpoints.bot_api.sent) == 1


# --- anything at all ---------------------------------------------------------------------------------------
HEADER_NAMES = [b"X-Slack-Request-Timestamp", b"X-Slack-Signature", b"Content-Type", SECRET_HEADER.encode(),
                b"X-Slack-Bolt-Lazy-Only", b"Content-Encoding", b"Transfer-Encoding", b"X-Other"]  # fmt: skip
HEADER_VALUE = st.one_of(
    st.binary(max_size=40).map(lambda raw: raw.replace(b"\r", b"").replace(b"\n", b"")),
    st.sampled_from([b"application/json", b"application/x-www-form-urlencoded", b"v0=" + b"a" * 64, b"0", b"-1",
                     str(int(time.time())).encode(), WEBHOOK_SECRET.encode(), b"gzip", b"chunked"]),
)  # fmt: skip
HEADERS = st.lists(st.tuples(st.sampled_from(HEADER_NAMES), HEADER_VALUE), max_size=5)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
BODY = st.one_of(
    st.binary(max_size=300),
    JSONISH.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(["update_id", "message", "callback_query", "my_chat_member", "edited_message"]),
                    JSONISH, max_size=3).map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(["command", "text", "user_id", "channel_id", "payload", "ssl_check", "type"]),
                    st.text(max_size=20), max_size=5).map(lambda value: urlencode(value).encode()),
)  # fmt: skip


@FUZZ
@given(headers=HEADERS, body=BODY, sign=st.booleans())
@example(headers=[(b"Content-Type", b"application/json")], body=b"[1,2]", sign=True)
@example(headers=[(b"X-Slack-Signature", "v0=é".encode())], body=b"x", sign=False)
async def test_slack_answers_anything_without_a_5xx(
    endpoints: Endpoints, headers: list[tuple[bytes, bytes]], body: bytes, sign: bool
) -> None:
    before = endpoints.rows()
    try:
        body.decode("utf-8")
        extra = signed(body) if sign else []
    except UnicodeDecodeError:
        extra = []
    status = await raw_post(endpoints.slack_port, EVENTS_PATH, [*extra, *headers], body)
    event(f"slack {status}")
    assert status in {200, 400, 401, 404, 413}, (headers, body, status)
    assert endpoints.rows() == before


@FUZZ
@given(headers=HEADERS, body=BODY, with_secret=st.booleans())
@example(headers=[], body=b"null", with_secret=True)
@example(headers=[(SECRET_HEADER.encode(), b"\xff")], body=b"{}", with_secret=False)
async def test_telegram_webhook_answers_anything_without_a_5xx(
    endpoints: Endpoints, headers: list[tuple[bytes, bytes]], body: bytes, with_secret: bool
) -> None:
    before = endpoints.rows(except_cursor=True)  # a well-formed empty update may move the position, nothing else
    secret = [(SECRET_HEADER.encode(), WEBHOOK_SECRET.encode())] if with_secret else []
    status = await raw_post(endpoints.telegram_port, WEBHOOK_PATH, [*secret, *headers], body)
    event(f"telegram {status}")
    assert status in {200, 400, 401, 403, 413}, (headers, body, status)
    assert status not in NEVER
    assert endpoints.rows(except_cursor=True) == before
