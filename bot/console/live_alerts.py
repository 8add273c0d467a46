"""Readiness posts for the console as they fall due, not only after the next command.

The real alert worker (`AlertWorker` with the console notifier) runs on its own thread and event loop for as long
as the interactive console is open: it posts whatever is due for console channels, wakes when a command here plans
posts, and polls for the rest like any worker. Its posts are handed to the terminal, which prints them above the
prompt without touching the line being typed.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.console.notifier import ConsoleNotifier

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger("callwatch.console")


class Handoff(io.StringIO):
    """A text stream for the notifier: each flushed post goes to `deliver` (the terminal's queue) in one piece."""

    def __init__(self, deliver: Callable[[str], None]) -> None:
        super().__init__()
        self._deliver = deliver

    def flush(self) -> None:
        text = self.getvalue()
        if text:
            self.seek(0)
            self.truncate()
            self._deliver(text)


class LiveAlerts:
    """`with LiveAlerts(core, terminal.show):` — the worker runs inside the block, on its own thread."""

    def __init__(self, core: Core, deliver: Callable[[str], None]) -> None:
        self.core = core
        self.notifier = ConsoleNotifier(Handoff(deliver))
        self._thread = threading.Thread(target=self._run, name="console-alerts", daemon=True)
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    def __enter__(self) -> LiveAlerts:
        self._thread.start()
        self._ready.wait(timeout=10)
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def __exit__(self, *_exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            asyncio.run(self._work())
        except Exception:  # the console goes on without live alerts; they still print after each command
            log.exception("console alert worker stopped")
        finally:
            self._ready.set()

    async def _work(self) -> None:
        from bot.alert_worker import AlertWorker

        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        worker = AlertWorker(
            self.core.db, self.core.settings, {self.notifier.platform: self.notifier}, clock=self.core.ctx.clock
        )
        self._ready.set()
        await worker.run(self._stop)
