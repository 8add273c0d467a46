"""Fixtures for the Slack adapter: the stand-in Web API, the real app on loopback HTTP, signed Slack requests.

`slack_server` serves the real bolt app (same `build_web_app` as `callwatch serve slack --http`) in-process,
on a real port, with the test's core and frozen clock; `served_process` starts the installed command itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import Core
from bot.slack.app import build_slack_app
from bot.slack.client import rate_limit_retry
from bot.slack.spelling import UMBRELLA
from bot.slack.web import build_web_app
from tests.helpers import until_serving
from tests.slack.standin import StandinSlack

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
TEST_ACK_BUDGET = 1.5  # below Slack's 3 s, above what a command takes on a busy 2-core machine

_triggers = count(1)


def signed_headers(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


def command_body(
    command: str,
    text: str = "",
    *,
    user: str = "UADMIN",
    channel: str = "C1",
    response_url: str = "",
    trigger_id: str | None = None,
    umbrella: bool = True,
) -> str:
    """A slash-command POST body as Slack sends it (text HTML-escaped): `/callwatch COMMAND TEXT`, as the manifest
    declares it; `umbrella=False` sends `/COMMAND TEXT`, as a workspace on an older manifest does."""
    if umbrella:
        command, text = UMBRELLA, f"{command} {text}".strip()
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T1",
            "team_domain": "standin",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": f"/{command}",
            "text": escaped,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger_id or f"trigger.{next(_triggers)}",
        }
    )


def payload_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


@dataclass
class SlackClient:
    """Posts signed requests to the app's /slack/events like Slack does."""

    url: str
    session: aiohttp.ClientSession
    standin: StandinSlack

    async def post(self, body: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        async with self.session.post(
            f"{self.url}/slack/events", data=body.encode(), headers=signed_headers(body) if headers is None else headers
        ) as response:
            text = await response.text()
            try:
                return response.status, json.loads(text) if text else None
            except json.JSONDecodeError:
                return response.status, text

    async def command(self, command: str, text: str = "", **kwargs: Any) -> tuple[int, Any]:
        kwargs.setdefault("response_url", self.standin.response_url())
        return await self.post(command_body(command, text, **kwargs))

    async def interact(self, payload: dict[str, Any]) -> tuple[int, Any]:
        return await self.post(payload_body(payload))


@pytest.fixture
async def standin() -> AsyncIterator[StandinSlack]:
    server = await StandinSlack().start()
    yield server
    await server.stop()


@pytest.fixture
async def slack(core: Core, standin: StandinSlack) -> AsyncIterator[SlackClient]:
    """The real app on a real loopback port, wired to the test's core (frozen clock) and the stand-in."""
    client = AsyncWebClient(token=TOKEN, base_url=standin.api_url)
    client.retry_handlers.append(rate_limit_retry())
    bolt = build_slack_app(core, client=client, signing_secret=SECRET, ack_budget=TEST_ACK_BUDGET)
    runner = web.AppRunner(build_web_app(core, bolt), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as session:
        yield SlackClient(f"http://127.0.0.1:{port}", session, standin)
    await runner.cleanup()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def callwatch() -> list[str]:
    found = shutil.which("callwatch", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "bot.cli.main"]


def serve_env(database_url: str, api_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TELEGRAM_", "CALLWATCH_"))}
    env.update(
        {
            "CALLWATCH_DATABASE_URL": database_url,
            "CALLWATCH_ADMINS": "slack:UADMIN",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
        }
    )
    return env


@pytest.fixture
async def served_process(database_url: str, standin: StandinSlack, tmp_path: Path) -> AsyncIterator[SlackClient]:
    """`callwatch serve slack --http --port N` as a real process, against the test's database and stand-in."""
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *callwatch(),
            "serve",
            "slack",
            "--http",
            "--port",
            str(port),
            cwd=tmp_path,
            env=serve_env(database_url, standin.api_url),
            stdout=log,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        try:
            await until_serving(session, url, process, within=20)
            yield SlackClient(url, session, standin)
        finally:
            if process.returncode is None:
                process.terminate()
                await asyncio.wait_for(process.wait(), 10)
    assert process.returncode == 0, log_path.read_text()


def view_submission(
    opened: dict[str, Any], values: dict[str, Any], *, user: str = "UADMIN", hash_: str = "h1"
) -> dict[str, Any]:
    """A view_submission payload for the view our app opened (as the stand-in recorded it) filled with `values`."""
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": user, "username": user.lower()},
        "api_app_id": "A1",
        "trigger_id": f"trigger.{next(_triggers)}",
        "view": {**view, "id": "V1", "hash": hash_, "state": {"values": values}},
    }
