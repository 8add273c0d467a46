"""A stand-in for Slack's Web API and for `response_url`, on loopback, recording every call.

It answers the methods the adapter uses the way Slack does (`{"ok": true, …}`), and can be told to fail the next
calls of a method: a 429 with `Retry-After`, or an `ok: false` error such as `channel_not_found`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    answer: dict[str, Any] = field(default_factory=dict)
    peer: object = None  # the client's (address, port): which connection the call came on


@dataclass
class Failure:
    status: int = 429
    retry_after: int = 0
    error: str = "ratelimited"


@dataclass
class StandinSlack:
    host: str = "127.0.0.1"
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # bodies posted to response_url
    uploads: list[bytes] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=lambda: defaultdict(list))
    valid_tokens: set[str] | None = None  # when set, any other bearer token is refused as Slack does (invalid_auth)
    _runner: web.AppRunner | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.base_url}/response/{name}"

    def fail_next(self, method: str, times: int = 1, **failure: Any) -> None:
        self.failures[method] += [Failure(**failure) for _ in range(times)]

    def called(self, method: str) -> list[dict[str, Any]]:
        return [call.args for call in self.calls if call.method == method]

    def answered(self, method: str) -> list[dict[str, Any]]:
        return [call.answer for call in self.calls if call.method == method and call.answer]

    async def wait_for(self, predicate: Any, within: float = 5.0) -> None:
        """Wait until `predicate()` holds (something arrived), without polling in a sleep loop."""
        async with asyncio.timeout(within):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    async def start(self) -> StandinSlack:
        app = web.Application()
        app.add_routes(
            [
                web.post("/api/{method}", self._api),
                web.get("/api/{method}", self._api),  # chat.getPermalink and other reads are GETs
                web.post("/response/{name}", self._response),
                web.post("/upload/{file_id}", self._upload),
            ]
        )
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- handlers -------------------------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        peer = request.transport.get_extra_info("peername") if request.transport is not None else None
        call = Call(method, await _arguments(request), peer=peer)
        self.calls.append(call)
        self._changed.set()
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.valid_tokens is not None and token not in self.valid_tokens:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        if self.failures.get(method):
            failure = self.failures[method].pop(0)
            if failure.status == 429:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(failure.retry_after)}
                )
            return web.json_response({"ok": False, "error": failure.error}, status=failure.status)
        call.answer = {"ok": True, **self._answer(method, call.args)}
        return web.json_response(call.answer)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        number = next(self._ids)
        match method:
            case "auth.test":
                return {
                    "url": "https://standin.slack.com/",
                    "team": "Standin",
                    "user": "callwatch",
                    "team_id": "T1",
                    "user_id": "UBOT",
                    "bot_id": "BBOT",
                }
            case "chat.postMessage":
                ts = f"1751716800.{number:06d}"
                return {"channel": args.get("channel"), "ts": ts, "message": {"text": args.get("text"), "ts": ts}}
            case "chat.postEphemeral":
                return {"message_ts": f"1751716800.{number:06d}"}
            case "chat.update":
                return {"channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}
            case "chat.getPermalink":
                ts = str(args.get("message_ts", "")).replace(".", "")
                return {
                    "channel": args.get("channel"),
                    "permalink": f"https://standin.slack.com/archives/{args.get('channel')}/p{ts}",
                }
            case "views.open":
                return {"view": {**_json(args.get("view")), "id": f"V{number}", "hash": f"h{number}"}}
            case "files.getUploadURLExternal":
                return {"upload_url": f"{self.base_url}/upload/F{number}", "file_id": f"F{number}"}
            case "files.completeUploadExternal":
                return {"files": [{"id": file["id"], "title": file.get("title")} for file in _json(args.get("files"))]}
        return {}

    async def _response(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        self._changed.set()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads.append(await request.read())
        self._changed.set()
        return web.Response(text="OK - 1")


async def _arguments(request: web.Request) -> dict[str, Any]:
    """Slack clients send arguments as a query string, a form, or JSON; merge whatever came."""
    args: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        args.update(await request.json())
    elif request.content_type.startswith("multipart/"):
        args.update({key: value for key, value in (await request.post()).items() if isinstance(value, str)})
    else:
        args.update(parse_qsl(await request.text()))
    return args


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else (value or {})
