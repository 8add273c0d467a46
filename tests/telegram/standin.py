"""A stand-in Telegram Bot API server on loopback, for the real PTB `Application` to talk to.

It keeps what Telegram keeps: a queue of updates that stay until a `getUpdates` with a higher `offset`
confirms them, long polling that returns as soon as an update arrives, and the messages the bot sent. Tests
can make it answer 429 with `retry_after`, refuse a chat (403, as when the bot is blocked), or hold a method's
answer until released (to crash the bot mid-update).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 999
BOT_USERNAME = "callwatch_bot"
TOKEN = f"{BOT_ID}:TEST-token"


@dataclass
class Sent:
    """One call the bot made that shows something in a chat."""

    method: str
    chat_id: int
    message_id: int | None
    fields: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.fields.get("text") or self.fields.get("caption") or "")

    @property
    def keyboard(self) -> list[list[dict[str, Any]]]:
        markup = self.fields.get("reply_markup")
        return json.loads(markup)["inline_keyboard"] if markup else []

    @property
    def button_data(self) -> list[str]:
        return [button["callback_data"] for row in self.keyboard for button in row]


@dataclass
class BotApiStandIn:
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    confirmed_offset: int = 0
    too_many: dict[str, list[int]] = field(default_factory=dict)  # method → retry_after for its next calls
    blocked_chats: set[int] = field(default_factory=set)
    held: dict[str, asyncio.Event] = field(default_factory=dict)  # method → answer waits for this event
    arrival_times: list[float] = field(default_factory=list)  # perf_counter() of each entry in `sent`
    port: int = 0

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._arrived = asyncio.Condition()
        self._sent_changed = asyncio.Condition()
        self._confirmed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.entered: dict[str, asyncio.Event] = {}

    # --- server ---------------------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=20 << 20)
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for event in self.held.values():
            event.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        fields = await _fields(request)
        self.calls.append((method, fields))
        if method in self.entered:
            self.entered[method].set()
        if method in self.held:
            await self.held[method].wait()
        waits = self.too_many.get(method)
        if waits:
            retry_after = waits.pop(0)
            return _error(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
        if "chat_id" in fields and int(fields["chat_id"]) in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _ok(True)
        return _ok(await handler(fields))

    # --- Bot API methods ------------------------------------------------------------------------------------
    async def _api_getMe(self, _fields: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "callwatch",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_getUpdates(self, fields: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(fields.get("offset") or 0)
        if offset:
            async with self._confirmed:
                self.confirmed_offset = max(self.confirmed_offset, offset)
                self.updates = [update for update in self.updates if update["update_id"] >= offset]
                self._confirmed.notify_all()
        timeout = float(fields.get("timeout") or 0)
        async with self._arrived:
            if not self.updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), timeout)
        return list(self.updates[:100])

    async def _api_sendMessage(self, fields: dict[str, Any]) -> dict[str, Any]:
        return await self._record("sendMessage", fields, {"text": fields["text"]})

    async def _api_sendPhoto(self, fields: dict[str, Any]) -> dict[str, Any]:
        photo = [{"file_id": "photo1", "file_unique_id": "p1", "width": 800, "height": 600}]
        return await self._record("sendPhoto", fields, {"photo": photo, "caption": fields.get("caption")})

    async def _api_editMessageText(self, fields: dict[str, Any]) -> dict[str, Any]:
        return await self._record(
            "editMessageText", fields, {"text": fields["text"]}, message_id=int(fields["message_id"])
        )

    async def _api_editMessageReplyMarkup(self, fields: dict[str, Any]) -> bool:
        return True

    async def _api_answerCallbackQuery(self, fields: dict[str, Any]) -> bool:
        self.callback_answers.append(fields)
        return True

    async def _record(
        self, method: str, fields: dict[str, Any], content: dict[str, Any], *, message_id: int | None = None
    ) -> dict[str, Any]:
        chat_id = int(fields["chat_id"])
        message_id = message_id or next(self._message_ids)
        async with self._sent_changed:
            self.sent.append(Sent(method, chat_id, message_id, fields))
            self.arrival_times.append(time.perf_counter())
            self._sent_changed.notify_all()
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group", "title": "ops"}
        if chat_id > 0:
            chat = {"id": chat_id, "type": "private", "first_name": "someone"}
        return {
            "message_id": message_id,
            "date": 1751716800,
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "callwatch"},
            **content,
        }

    # --- what tests do ------------------------------------------------------------------------------------
    async def push(self, update: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **update}
        async with self._arrived:
            self.updates.append(update)
            self._arrived.notify_all()
        return update["update_id"]

    async def say(self, user_id: int, text: str, *, chat_id: int | None = None, name: str = "Ann") -> int:
        """A person types `text` (in a private chat unless `chat_id` names a group)."""
        chat_id = chat_id if chat_id is not None else user_id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": 1751716800,
            "text": text,
            "from": {"id": user_id, "is_bot": False, "first_name": name, "username": name.lower()},
            "chat": (
                {"id": chat_id, "type": "private", "first_name": name}
                if chat_id > 0
                else {"id": chat_id, "type": "group", "title": "ops"}
            ),
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return await self.push({"message": message})

    async def press(self, user_id: int, sent: Sent, data: str, *, name: str = "Ann") -> int:
        """A person presses the button carrying `data` under the message `sent`."""
        chat = (
            {"id": sent.chat_id, "type": "private", "first_name": name}
            if sent.chat_id > 0
            else {"id": sent.chat_id, "type": "group", "title": "ops"}
        )
        message = {
            "message_id": sent.message_id,
            "date": 1751716800,
            "chat": chat,
            "text": sent.text,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "callwatch"},
        }
        query = {
            "id": f"q{next(self._message_ids)}",
            "chat_instance": "ci",
            "data": data,
            "message": message,
            "from": {"id": user_id, "is_bot": False, "first_name": name},
        }
        return await self.push({"callback_query": query})

    async def wait_for(self, count: int, *, within: float = 5.0, chat_id: int | None = None) -> list[Sent]:
        """Wait until at least `count` messages were sent (to `chat_id`, if given); return them."""

        def matching() -> list[Sent]:
            return [sent for sent in self.sent if chat_id is None or sent.chat_id == chat_id]

        async with self._sent_changed:
            await asyncio.wait_for(self._sent_changed.wait_for(lambda: len(matching()) >= count), within)
        return matching()

    async def wait_until_consumed(self, *, within: float = 5.0) -> None:
        """Wait until the bot has confirmed every update pushed so far (it asked for a higher offset)."""
        async with self._confirmed:
            await asyncio.wait_for(self._confirmed.wait_for(lambda: not self.updates), within)


async def _fields(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    if request.method == "GET":
        return dict(request.query)
    form = await request.post()
    return {key: (value.file.read() if hasattr(value, "file") else value) for key, value in form.items()}


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
