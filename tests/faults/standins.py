"""The Bot API stand-in, able to fail like the real one does on a bad day: 500s, 429s, and no answer at all."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from aiohttp import web

from tests.telegram.standin import BotApiStandIn, _error

FAULTS = ("500", "429", "drop")


@dataclass
class FaultyBotApi(BotApiStandIn):
    """`fail("getUpdates", "500", "drop")`: the next two getUpdates calls get a 500, then a dropped connection
    (the request arrives, no answer ever comes back: as a crashed server or a reset connection)."""

    faults: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    faults_served: list[tuple[str, str]] = field(default_factory=list)

    def fail(self, method: str, *faults: str) -> None:
        assert set(faults) <= set(FAULTS), faults
        self.faults[method].extend(faults)

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.faults.get(method):
            fault = self.faults[method].pop(0)
            self.faults_served.append((method, fault))
            if fault == "500":
                return _error(500, "Internal Server Error")
            if fault == "429":
                return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            assert request.transport is not None
            request.transport.abort()  # no status line, no body: the client sees the connection die
            raise web.HTTPServiceUnavailable()  # never written; ends the handler
        return await super()._dispatch(request)

    async def stop(self) -> None:
        """Answer any long poll still waiting (a child process killed mid-poll leaves one for up to 30 s)."""
        async with self._arrived:
            self._arrived.notify_all()
        await super().stop()
