"""Coalesces redeliveries that arrive while the first delivery is still being handled.

Storage already answers a request whose idempotency key is stored with the existing record; this covers the
moment before that commit, when a double-clicked modal submit or a Slack retry races the original. Both
deliveries then await one handler run and get the same reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from handlers.chat.reply import Reply


class InFlight:
    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[Reply]] = {}

    def run(self, key: str | None, start: Callable[[], Awaitable[Reply]]) -> asyncio.Future[Reply]:
        """The running future for `key`, or a new one from `start()`; it forgets the key once done."""
        if key is not None and key in self._running:
            return self._running[key]
        future = asyncio.ensure_future(start())
        if key is not None:
            self._running[key] = future
            future.add_done_callback(lambda _done: self._running.pop(key, None))
        return future
