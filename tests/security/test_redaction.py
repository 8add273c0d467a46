"""No secret reaches the logs, from any logger, in any mode — not even at debug level.

Unit tests pin the filter down (message, arguments, extra fields, exception text, URL-encoded forms); then every
way callwatch runs is started as a real process at `-v`, against loopback stand-ins for Slack and Telegram, is
made to do its work (commands, a webhook registration, alert posts, requests that fail verification), is stopped
with SIGTERM, and everything it wrote is searched for each secret.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import make_url

from bot.logs import JsonLineFormatter, SecretRedactor, SourcePolicy, configure_logging, secrets_of
from bot.wiring import build_core
from handlers.chat.settings import Settings
from tests.cli.test_shutdown import free_port
from tests.console.test_process import callwatch, env_for
from tests.helpers import until_serving
from tests.slack.standin import StandinSlack
from tests.telegram.standin import TOKEN as TELEGRAM_TOKEN
from tests.telegram.standin import BotApiStandIn

SLACK_BOT_TOKEN = "xoxb-REDACTME-bot-1111"
SLACK_SIGNING_SECRET = "REDACTME-signing-2222"
SLACK_APP_TOKEN = "xapp-REDACTME-app-3333"
WEBHOOK_SECRET = "REDACTME_webhook_5555"
DB_PASSWORD = "REDACTME-db-6666"
SECRETS = [SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, TELEGRAM_TOKEN, WEBHOOK_SECRET, DB_PASSWORD]
ADMIN = 1001


def leaks(output: str) -> list[str]:
    """Each secret found, raw or URL-encoded, and any fragment of ours (a token cut short still leaks)."""
    found = [secret for secret in SECRETS if secret in output or quote(secret, safe="") in output]
    if "REDACTME" in output:
        found.append("REDACTME")
    return found


# --- the filter ------------------------------------------------------------------------------------------
def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("telegram.ext.ExtBot", logging.DEBUG, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_a_secret_is_masked_wherever_a_record_carries_it() -> None:
    redactor = SecretRedactor([TELEGRAM_TOKEN, DB_PASSWORD])
    url = f"https://api.telegram.org/bot{TELEGRAM_TOKEN}/getMe"
    made = record("calling %s with %r", url, {"token": TELEGRAM_TOKEN}, body=b"token=999%3ATEST-token", n=3)
    try:
        raise ConnectionError(f"postgresql://u:{DB_PASSWORD}@h/db refused")
    except ConnectionError:
        import sys

        made.exc_info = sys.exc_info()
    made.stack_info = f"stack mentioning {DB_PASSWORD}"
    assert redactor.filter(made) is True  # masked, never dropped
    line = JsonLineFormatter().format(made)
    assert leaks(line) == [] and "999%3ATEST" not in line
    parsed = json.loads(line)
    assert parsed["event"] == "calling https://api.telegram.org/bot***/getMe with {'token': '***'}"
    assert parsed["body"] == "b'token=***'" and parsed["n"] == 3
    assert "ConnectionError: postgresql://u:***@h/db refused" in parsed["error"]
    assert parsed["stack"] == "stack mentioning ***"


def test_a_bad_format_string_from_a_library_is_still_masked() -> None:
    made = record("%d tokens", TELEGRAM_TOKEN)
    SecretRedactor([TELEGRAM_TOKEN]).filter(made)
    assert TELEGRAM_TOKEN not in made.getMessage()


def test_too_short_to_be_a_secret_is_left_alone() -> None:
    made = record("a message with an s in it")
    SecretRedactor(["s"]).filter(made)
    assert made.getMessage() == "a message with an s in it"


def test_the_secrets_come_from_the_settings(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"postgresql+psycopg://u:{DB_PASSWORD}@h/db",
        slack_bot_token=SLACK_BOT_TOKEN,
        slack_signing_secret=SLACK_SIGNING_SECRET,
        slack_app_token=SLACK_APP_TOKEN,
        telegram_bot_token=TELEGRAM_TOKEN,
        telegram_webhook_secret=WEBHOOK_SECRET,
    )
    assert sorted(secrets_of(settings)) == sorted(SECRETS)


def test_secrets_are_masked_even_when_another_setting_is_bad(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The process is about to say which setting is wrong; the tokens beside it still never show."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("CALLWATCH_TZ", "Mars/Base")
    (tmp_path / ".env").write_text(f"SLACK_BOT_TOKEN={SLACK_BOT_TOKEN}\n")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        redactor = configure_logging(verbose=True)
        for secret in (TELEGRAM_TOKEN, SLACK_BOT_TOKEN):
            assert redactor.redact(f"x{secret}y") == "x***y"
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


@pytest.mark.parametrize(
    ("name", "level", "verbose", "shown"),
    [
        ("alembic.runtime.migration", logging.INFO, False, False),  # "Context impl SQLiteImpl."
        ("slack_bolt.AsyncRequestVerification", logging.INFO, False, False),  # the body of a refused request
        ("telegram.ext.ExtBot", logging.DEBUG, False, False),
        ("aiohttp.server", logging.WARNING, False, True),
        ("callwatch.router", logging.INFO, False, True),
        ("storage.database", logging.INFO, False, True),
        ("alembic.runtime.migration", logging.INFO, True, True),
        ("telegram.ext.ExtBot", logging.DEBUG, True, True),
    ],
)
def test_libraries_speak_from_warning_up_unless_verbose(name: str, level: int, verbose: bool, shown: bool) -> None:
    own, libraries = (logging.DEBUG, logging.DEBUG) if verbose else (logging.INFO, logging.WARNING)
    made = logging.LogRecord(name, level, __file__, 1, "event", None, None)
    assert SourcePolicy(own, libraries).filter(made) is shown


# --- every mode, as a process ---------------------------------------------------------------------------
class SocketSlack(StandinSlack):
    """The Slack stand-in plus Socket Mode: `apps.connections.open` hands out a loopback websocket that says hello."""

    ws_runner: web.AppRunner | None = None
    ws_url: str = ""
    sockets: int = 0

    async def start(self) -> SocketSlack:
        await super().start()
        app = web.Application()
        app.router.add_get("/socket", self._socket)
        self.ws_runner = web.AppRunner(app, access_log=None)
        await self.ws_runner.setup()
        site = web.TCPSite(self.ws_runner, "127.0.0.1", 0)
        await site.start()
        self.ws_url = f"ws://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/socket"  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self.ws_runner is not None:
            await self.ws_runner.cleanup()
        await super().stop()

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"url": self.ws_url}
        return super()._answer(method, args)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=None)
        await socket.prepare(request)
        self.sockets += 1
        self._changed.set()
        await socket.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "standin"}})
        async for _message in socket:
            pass
        return socket


@dataclass
class Run:
    """One mode of `callwatch` as a process; its whole output, and what it was made to do."""

    args: list[str]
    output: str = ""
    returncode: int | None = None
    did: list[str] = field(default_factory=list)


@pytest.fixture
async def slack_api() -> AsyncIterator[SocketSlack]:
    server = await SocketSlack().start()
    yield server
    await server.stop()


@pytest.fixture
async def bot_api() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def secret_database(postgres_url: str) -> str:
    """The test's PostgreSQL schema with a password in the URL (the server trusts loopback and never asks)."""
    return make_url(postgres_url).set(password=DB_PASSWORD).render_as_string(hide_password=False)


def full_env(database_url: str, slack_api: SocketSlack, bot_api: BotApiStandIn, **extra: str) -> dict[str, str]:
    return env_for(database_url) | {
        "CALLWATCH_ADMINS": f"slack:UADMIN,telegram:{ADMIN},console:{getpass.getuser()}",
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_APP_TOKEN": SLACK_APP_TOKEN,
        "SLACK_API_URL": slack_api.api_url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_URL": bot_api.base_url,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        **extra,
    }


async def run_mode(
    args: list[str],
    env: dict[str, str],
    cwd: Path,
    exercise: Callable[[asyncio.subprocess.Process], Awaitable[None]],
    *,
    stdin: bytes | None = None,
) -> Run:
    """Start `callwatch ARGS`, let `exercise` drive it, SIGTERM it; everything on stdout and stderr is kept."""
    log_path = cwd / f"{'-'.join(args)}.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *callwatch(), *args, cwd=cwd, env=env, stdout=log, stderr=log,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        )  # fmt: skip
    try:
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin)
            await process.stdin.drain()
            process.stdin.close()
        await exercise(process)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    return Run(args, log_path.read_text(errors="replace"), process.returncode)


def slack_command(text: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {"team_id": "T1", "channel_id": "C1", "user_id": "UADMIN", "user_name": "admin", "command": "/contact",
         "text": text, "trigger_id": f"t{time.monotonic_ns()}", "response_url": ""}
    ).encode()  # fmt: skip
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SLACK_SIGNING_SECRET).generate_signature(timestamp=stamp, body=body.decode())
    assert signature is not None
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    return body, {**headers, "Content-Type": "application/x-www-form-urlencoded"}


def prepare_alerts(database_url: str) -> None:
    """A subscribed Slack channel and Telegram group and a contact logged now: the worker has posts to send."""
    from handlers.chat.request import ChatRequest

    core = build_core(Settings(database_url=database_url, admins=f"slack:UADMIN,telegram:{ADMIN}"))
    try:
        for platform, user, channel in (("slack", "UADMIN", "C9"), ("telegram", str(ADMIN), "-5005")):
            reply = core.router.handle(
                ChatRequest(platform=platform, user_id=user, channel_id=channel, command="alerts", text="subscribe")
            )
            assert reply.ok, reply.plain()
        reply = core.router.handle(
            ChatRequest(platform="slack", user_id="UADMIN", channel_id="C9", command="contact",
                        text="at=now parties=Trump,Putin")
        )  # fmt: skip
        assert reply.ok, reply.plain()
    finally:
        core.close()


@pytest.mark.slow
@pytest.mark.postgres
async def test_no_mode_logs_a_secret_at_debug_level(
    tmp_path: Path, slack_api: SocketSlack, bot_api: BotApiStandIn, secret_database: str
) -> None:
    base = full_env(secret_database, slack_api, bot_api)
    runs: list[Run] = []

    async def console(process: asyncio.subprocess.Process) -> None:
        await asyncio.wait_for(process.wait(), 60)  # stdin says it all; the console ends by itself

    runs.append(
        await run_mode(["console", "-v"], base, tmp_path, console, stdin=b"/help\n/contact at=now parties=A,B\n")
    )

    http_port = free_port()

    async def slack_http(process: asyncio.subprocess.Process) -> None:
        url = f"http://127.0.0.1:{http_port}"
        async with aiohttp.ClientSession() as session:
            await until_serving(session, url, process)
            body, headers = slack_command("at=now parties=Xi,Putin")
            async with session.post(f"{url}/slack/events", data=body, headers=headers) as response:
                assert response.status == 200
            forged = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}  # bolt logged such bodies at info
            async with session.post(f"{url}/slack/events", data=body, headers=forged) as response:
                assert response.status == 401
        await slack_api.wait_for(lambda: slack_api.called("auth.test"), within=30)

    http_env = {name: value for name, value in base.items() if name != "SLACK_APP_TOKEN"}
    runs.append(
        await run_mode(["serve", "slack", "--http", "--port", str(http_port), "-v"], http_env, tmp_path, slack_http)
    )

    async def socket_mode(_process: asyncio.subprocess.Process) -> None:
        await slack_api.wait_for(lambda: slack_api.sockets >= 1, within=60)

    runs.append(await run_mode(["serve", "slack", "-v"], base, tmp_path, socket_mode))

    async def polling(_process: asyncio.subprocess.Process) -> None:
        await bot_api.say(ADMIN, "/contact at=now parties=Modi,Putin")
        await bot_api.wait_for(1, within=60)

    runs.append(await run_mode(["serve", "telegram", "-v"], base, tmp_path, polling))

    webhook_port = free_port()

    async def webhook(process: asyncio.subprocess.Process) -> None:
        url = f"http://127.0.0.1:{webhook_port}"
        async with aiohttp.ClientSession() as session:
            await until_serving(session, url, process)
            sent_before = len(bot_api.sent)
            await bot_api.say(ADMIN, "/help")
            update = bot_api.updates.pop()
            headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
            async with session.post(f"{url}/telegram/webhook", json=update, headers=headers) as response:
                assert response.status == 200
            wrong = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET[::-1]}
            async with session.post(f"{url}/telegram/webhook", json=update, headers=wrong) as response:
                assert response.status == 403
        await bot_api.wait_for(sent_before + 1, within=30)
        assert any(method == "setWebhook" for method, _fields in bot_api.calls)

    webhook_env = base | {"TELEGRAM_WEBHOOK_URL": "https://callwatch.example.org/telegram/webhook"}
    runs.append(
        await run_mode(["serve", "telegram", "--webhook", "--port", str(webhook_port), "-v"], webhook_env, tmp_path,
                       webhook)
    )  # fmt: skip

    prepare_alerts(secret_database)

    async def worker(_process: asyncio.subprocess.Process) -> None:
        await slack_api.wait_for(lambda: any(call["channel"] == "C9" for call in slack_api.called("chat.postMessage")),
                                 within=60)  # fmt: skip
        await bot_api.wait_for(1, chat_id=-5005, within=60)

    runs.append(await run_mode(["worker", "-v"], base, tmp_path, worker))

    async def everything(_process: asyncio.subprocess.Process) -> None:
        sockets = slack_api.sockets
        await slack_api.wait_for(lambda: slack_api.sockets > sockets, within=60)
        sent = len(bot_api.sent)
        await bot_api.say(ADMIN, "/timeline")
        await bot_api.wait_for(sent + 1, within=60)

    runs.append(await run_mode(["run", "-v"], base, tmp_path, everything))

    for run in runs:
        assert run.returncode == 0, (run.args, run.output[-3000:])
        assert '"level": "debug"' in run.output, run.args  # it really ran at debug level
        assert leaks(run.output) == [], (run.args, [line for line in run.output.splitlines() if "REDACT" in line])
    assert any("/bot***/" in run.output for run in runs)  # PTB's URLs were there, masked


@pytest.mark.slow
async def test_message_bodies_stay_out_of_the_log_at_default_level(tmp_path: Path, slack_api: SocketSlack) -> None:
    """At info level neither a command's text nor the body of a refused request is written anywhere."""
    env = env_for(f"sqlite:///{tmp_path / 'cw.db'}") | {
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_API_URL": slack_api.api_url,
        "CALLWATCH_ADMINS": "slack:UADMIN",
    }
    port = free_port()

    async def exercise(process: asyncio.subprocess.Process) -> None:
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            await until_serving(session, url, process)
            body, headers = slack_command("at=now parties=Xi,Putin notes=BODYMARKER-signed")
            async with session.post(f"{url}/slack/events", data=body, headers=headers) as response:
                assert response.status == 200
            refused, _ = slack_command("BODYMARKER-refused")
            async with session.post(f"{url}/slack/events", data=refused, headers={"X-Slack-Signature": "v0=1"}) as r:
                assert r.status == 401

    run = await run_mode(["serve", "slack", "--http", "--port", str(port)], env, tmp_path, exercise)
    assert run.returncode == 0, run.output
    assert "command handled" in run.output  # the event is logged …
    assert "BODYMARKER" not in run.output  # … its text is not
    assert "Context impl" not in run.output and "Will assume transactional DDL" not in run.output
