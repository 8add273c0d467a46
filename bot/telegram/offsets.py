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

A database outage is waited out, never fatal: before handling a batch the poller checks that the database
answers, and while it does not, the batch stays unconfirmed (the next `getUpdates` asks for the same offset)
and the check is retried with backoff (`retry_pause` doubling up to `MAX_OUTAGE_PAUSE`). If the database goes
away mid-batch, recording a position fails (`DatabaseAwayError`); the ledger falls back to the last position it
knows is stored, and those updates come again once the database is back — a handler that already committed
its report is recognised by the idempotency key, as after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.core import Core
from bot.telegram.delivery import retry_seconds
from storage import cursors

log = logging.getLogger("callwatch.telegram")

MAX_OUTAGE_PAUSE = 30.0  # seconds between database checks at most, however long the outage


class DatabaseAwayError(RuntimeError):
    """The position could not be read or stored: the database does not answer (the update stays unconfirmed)."""


class UpdateLedger:
    """The last update id handled for one bot, kept in the database."""

    def __init__(self, core: Core, bot_id: int) -> None:
        self.core = core
        self.positions = cursors.position_database(core.settings.database_url)
        self.name = f"telegram:{bot_id}:last_update_id"
        self.last: int | None = None  # handled (its store may still be on the way)
        self.stored: int | None = None  # known to be in the database
        self._lock = asyncio.Lock()
        self._pending: asyncio.Task[None] | None = None

    async def load(self) -> int | None:
        def read() -> str | None:
            with self.positions.reader() as session:
                return cursors.read(session, self.name)

        try:
            stored = await asyncio.to_thread(read)
        except DBAPIError as error:
            raise DatabaseAwayError(f"cannot read the Telegram position: {type(error).__name__}") from error
        self.last = self.stored = int(stored) if stored is not None else None
        return self.last

    async def available(self) -> bool:
        """Whether the database answers now (one `SELECT 1`); checked before a batch is handled."""

        def ping() -> None:
            with self.positions.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            await asyncio.to_thread(ping)
        except DBAPIError:
            return False
        return True

    def close(self) -> None:
        self.positions.dispose()

    def is_done(self, update_id: int) -> bool:
        return self.last is not None and update_id <= self.last

    async def handle(self, application: Application, update: Update, *, wait_for_record: bool = True) -> bool:
        """Process `update` unless already done, then record it; False if it was a repeat.

        With `wait_for_record=False` the position is written while the next update is handled (the poller's
        fast path); writes stay in order, and `flush()` waits for the last one. Raises `DatabaseAwayError` when
        a position could not be stored (from `flush`, or at once when `wait_for_record`).
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
        """Wait for the last position write; shielded, so cancelling the waiter does not cancel the write.

        If a write failed, the ledger forgets what it had not stored (`last` back to `stored`) and raises
        `DatabaseAwayError`: those updates are to be received and handled again."""
        pending = self._pending
        if pending is None or pending.cancelled():
            return
        try:
            await asyncio.shield(pending)
        except DatabaseAwayError:
            if self._pending is pending:
                self._pending = None
                self.last = self.stored
            raise

    async def _store(self, update_id: int, *, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await after  # an earlier position that failed fails this one too: positions never skip ahead

        def write() -> None:
            with self.positions.transaction() as session:
                cursors.write(session, self.name, str(update_id), at=self.core.ctx.now())

        try:
            await asyncio.to_thread(write)
        except DBAPIError as error:
            raise DatabaseAwayError(f"cannot store Telegram update {update_id}: {type(error).__name__}") from error
        self.stored = update_id


class OffsetPoller:
    """Long polling that confirms an update to Telegram only after it was handled and recorded."""

    def __init__(
        self,
        application: Application,
        ledger: UpdateLedger,
        *,
        poll_timeout: float = 30,
        retry_pause: float = 1,
        max_outage_pause: float = MAX_OUTAGE_PAUSE,
    ) -> None:
        self.application = application
        self.ledger = ledger
        self.poll_timeout = poll_timeout
        self.retry_pause = retry_pause
        self.max_outage_pause = max_outage_pause
        self.stopping = asyncio.Event()
        self._handling = False
        self.failed_checks = 0  # consecutive failed database checks: the backoff exponent

    async def run(self) -> None:
        """Poll until `stop()`; network trouble, flood control and database outages are waited out, never fatal."""
        bot = self.application.bot
        await bot.delete_webhook(drop_pending_updates=False)  # getUpdates is refused while a webhook is set
        last = await self._load()
        if self.stopping.is_set():
            return
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
            if updates and not await self._database_answers(len(updates)):
                continue  # nothing handled: the same offset asks for the same updates again
            batch_offset = offset
            try:
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
            except DatabaseAwayError as error:
                stored = self.ledger.stored
                offset = stored + 1 if stored is not None else batch_offset
                log.warning("telegram: %s; updates from %s stay unconfirmed", error, offset)
                await self._database_answers(0)

    async def _load(self) -> int | None:
        """The stored position, waiting for the database if it is away at start (None if stopped meanwhile)."""
        while not self.stopping.is_set():
            try:
                return await self.ledger.load()
            except DatabaseAwayError as error:
                log.warning("telegram: %s; retrying", error)
                if await self._database_answers(0):
                    await self._pause(self.retry_pause)  # it answers, yet the read failed: do not spin
        return None

    async def _database_answers(self, waiting: int) -> bool:
        """True if the database answers; else pause (doubling, up to `max_outage_pause`) and say False."""
        if await self.ledger.available():
            if self.failed_checks:
                log.info("telegram: the database answers again after %s failed checks", self.failed_checks)
            self.failed_checks = 0
            return True
        pause = min(self.max_outage_pause, self.retry_pause * 2**self.failed_checks)
        self.failed_checks += 1
        log.warning(
            "telegram: the database does not answer; %s update(s) stay unconfirmed, next check in %.1f s",
            waiting,
            pause,
            extra={"outage_checks": self.failed_checks},
        )
        await self._pause(pause)
        return False

    def stop(self) -> None:
        self.stopping.set()

    async def close(self, task: asyncio.Task[None]) -> None:
        """Stop `task` (running `run`): let an update being handled finish; abandon a pending long poll."""
        self.stop()
        if not self._handling:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        try:
            await self.ledger.flush()
        except DatabaseAwayError as error:  # stopping during an outage: those updates come again next start
            log.warning("telegram: %s at shutdown; the update comes again at the next start", error)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)
