"""Each Telegram update handled exactly once, across crashes and restarts.

Why not PTB's own `Updater`: it confirms a batch to Telegram (the `offset` of its next `getUpdates`) as soon as
the batch is queued, before any of it is handled. A crash then loses every queued update: Telegram will not
send them again. A clean stop has the mirror-image problem for anything mid-flight.

What we do instead: our poller asks Telegram for `offset = last handled update_id + 1`, reading that id from
the database (`platform_cursor`). Each update is handled fully (`Application.process_update` awaits the
handlers) and its id stored before the next `getUpdates`; the write of one id overlaps the handling of the
next update in the batch, in order, which keeps us within 1.5x of a bare PTB bot (bench/). So:

- nothing is skipped: an update is confirmed to Telegram only by a `getUpdates` issued after its id was
  stored, so after a crash Telegram redelivers everything from the first unfinished update on;
- nothing is done twice: updates at or below the stored id are dropped on arrival. The one window left — the
  handler's transaction committed, the process died before the id was stored — is closed by the
  idempotency key: the request carries `telegram:<bot>:<update_id>`, the report row stores it in the same
  transaction, and the redelivered update is answered from the stored row instead of writing again (the
  person may see the confirmation twice; the report exists once).

Updates are handled one at a time, in order, as PTB does by default; it keeps a dialog's answers in order.
Webhook mode uses the same ledger: the HTTP answer is only sent after the update was handled and its id
stored, so Telegram retries any delivery we did not finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.telegram.delivery import retry_seconds
from bot.wiring import Core
from storage import cursors

log = logging.getLogger("callwatch.telegram")


class UpdateLedger:
    """The last update id handled for one bot, kept in the database."""

    def __init__(self, core: Core, bot_id: int) -> None:
        self.core = core
        self.positions = cursors.position_database(core.settings.database_url)
        self.name = f"telegram:{bot_id}:last_update_id"
        self.last: int | None = None
        self._lock = asyncio.Lock()
        self._pending: asyncio.Task[None] | None = None

    async def load(self) -> int | None:
        def read() -> str | None:
            with self.positions.reader() as session:
                return cursors.read(session, self.name)

        stored = await asyncio.to_thread(read)
        self.last = int(stored) if stored is not None else None
        return self.last

    def close(self) -> None:
        self.positions.dispose()

    def is_done(self, update_id: int) -> bool:
        return self.last is not None and update_id <= self.last

    async def handle(self, application: Application, update: Update, *, wait_for_record: bool = True) -> bool:
        """Process `update` unless already done, then record it; False if it was a repeat.

        With `wait_for_record=False` the position is written while the next update is handled (the poller's
        fast path); writes stay in order, and `flush()` waits for the last one.
        """
        async with self._lock:  # webhook deliveries may overlap; the cursor must only move forward in order
            if self.is_done(update.update_id):
                log.info("telegram update %s already handled: skipped", update.update_id)
                return False
            await application.process_update(update)
            self.last = update.update_id
            self._pending = asyncio.create_task(self._store(update.update_id, after=self._pending))
            if wait_for_record:
                await self.flush()
            return True

    async def flush(self) -> None:
        """Wait for the last position write; shielded, so cancelling the waiter does not cancel the write."""
        if self._pending is not None and not self._pending.cancelled():
            await asyncio.shield(self._pending)

    async def _store(self, update_id: int, *, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await after

        def write() -> None:
            with self.positions.transaction() as session:
                cursors.write(session, self.name, str(update_id), at=self.core.ctx.now())

        await asyncio.to_thread(write)


class OffsetPoller:
    """Long polling that confirms an update to Telegram only after it was handled and recorded."""

    def __init__(
        self, application: Application, ledger: UpdateLedger, *, poll_timeout: float = 30, retry_pause: float = 1
    ) -> None:
        self.application = application
        self.ledger = ledger
        self.poll_timeout = poll_timeout
        self.retry_pause = retry_pause
        self.stopping = asyncio.Event()
        self._handling = False

    async def run(self) -> None:
        """Poll until `stop()`; network trouble and flood control are waited out, never fatal."""
        bot = self.application.bot
        await bot.delete_webhook(drop_pending_updates=False)  # getUpdates is refused while a webhook is set
        last = await self.ledger.load()
        offset = last + 1 if last is not None else None
        log.info("telegram polling from update %s", offset if offset is not None else "(oldest unconfirmed)")
        while not self.stopping.is_set():
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=timedelta(seconds=self.poll_timeout), allowed_updates=Update.ALL_TYPES
                )
            except (InvalidToken, Conflict):
                raise  # a wrong token, or another instance polling the same bot: an operator must act
            except RetryAfter as error:
                await self._pause(retry_seconds(error))
                continue
            except (NetworkError, TelegramError) as error:
                log.warning("telegram getUpdates failed (%s): retrying", error)
                await self._pause(self.retry_pause)
                continue
            for update in updates:
                if self.stopping.is_set():
                    break  # unhandled updates stay unconfirmed; Telegram sends them again on restart
                self._handling = True
                try:
                    await self.ledger.handle(self.application, update, wait_for_record=False)
                finally:
                    self._handling = False
                offset = update.update_id + 1
            await self.ledger.flush()

    def stop(self) -> None:
        self.stopping.set()

    async def close(self, task: asyncio.Task[None]) -> None:
        """Stop `task` (running `run`): let an update being handled finish; abandon a pending long poll."""
        self.stop()
        if not self._handling:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await self.ledger.flush()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
