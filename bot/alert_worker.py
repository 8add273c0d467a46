"""The alert worker: posts the readiness plan's rows when they fall due, each exactly once.

The plan lives in the database (`alert_post`); APScheduler (3.x `AsyncIOScheduler`) is only the clock that wakes
the worker — at the next due time and on a short poll — and its jobs do nothing but set an event. We do not use
its job store for the plan: its default `misfire_grace_time` of 1 s silently drops a job that fell due while
the process was down, and it deletes a date job when submitting it, before the job has run.

One post goes through three commits, so only the send itself can ever repeat:
  1. claim: `pending → claimed` with a lease (`SELECT … FOR UPDATE SKIP LOCKED`; replicas take different rows);
  2. send the one request to the platform;
  3. `claimed → sent` with the platform's message reference.
A crash before 2 leaves a claimed row whose lease runs out, and another worker (or this one restarted) takes it
again. A crash between 2 and 3 is the one case that repeats a message: neither Slack nor Telegram accepts an
idempotency key, so that window is kept to a single request.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.pacing import DEFAULT_LIMITS, UNLIMITED, Pacer, RateLimit, Sleep
from handlers.alerts.delivery import ChannelGoneError, ChannelMovedError, Notifier, RateLimitedError
from handlers.alerts.messages import compose
from handlers.alerts.plan import on_plan_changed
from handlers.chat.context import system_clock
from handlers.chat.reply import Reply
from storage import alert_posts, subscriptions
from storage.database import Database
from storage.models import AlertPost, PostState

if TYPE_CHECKING:
    from bot.wiring import Core
    from handlers.chat.settings import Settings

log = logging.getLogger("callwatch.worker")

MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class WorkerOptions:
    lease: timedelta = timedelta(seconds=120)  # a claimer silent this long is presumed dead
    batch_size: int = 64  # rows claimed at once; kept small so a claim never outlives its lease in the queue
    poll_seconds: float = 2.0  # rows planned by another process are seen within this
    late_grace: timedelta = timedelta(seconds=60)  # sent later than this after due: marked and said late
    max_attempts: int = 8  # transient failures before a row is given up as failed
    send_timeout: float = 30.0  # one request; a timed-out send may still have arrived (the duplicate window)
    limits: Mapping[str, RateLimit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))


@dataclass(frozen=True)
class Claimed:
    """A claimed row and what to send for it, composed inside the claim transaction."""

    id: int
    channel: str
    platform: str
    channel_id: str
    kind: str
    due_at: datetime
    lease_until: datetime
    attempts: int
    late: bool
    reply: Reply
    update_of: str | None


async def _real_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class AlertWorker:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        notifiers: Mapping[str, Notifier],
        *,
        clock: Callable[[], datetime] = system_clock,
        sleep: Sleep = _real_sleep,
        options: WorkerOptions | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.notifiers = dict(notifiers)
        self.clock = clock
        self.options = options or WorkerOptions()
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._pacers = {
            platform: Pacer(self.options.limits.get(platform, UNLIMITED), clock=clock, sleep=sleep)
            for platform in self.notifiers
        }
        self._channel_locks: dict[str, asyncio.Lock] = {}
        self._wake: asyncio.Event | None = None

    # --- one pass ---------------------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Post everything due now (and whatever falls due meanwhile); returns how many rows were handled."""
        handled = 0
        self._channel_locks = {}  # asyncio locks belong to one event loop; a pass runs on one
        inflight: set[asyncio.Task[None]] = set()
        exhausted = False
        batch = self.options.batch_size
        while True:
            room = batch - len(inflight)
            if not inflight or (not exhausted and room >= batch // 2):
                claimed = await asyncio.to_thread(self._claim, room)
                exhausted = len(claimed) < room
                for row in claimed:
                    inflight.add(asyncio.create_task(self._deliver(row)))
            if not inflight:
                return handled
            done, inflight = await asyncio.wait(inflight, return_when=asyncio.FIRST_COMPLETED)
            handled += len(done)
            for task in done:
                if task.exception() is not None:
                    log.error("delivery task failed", exc_info=task.exception())

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _claim(self, limit: int) -> list[Claimed]:
        now = self._now()
        ready: list[Claimed] = []
        with self.db.transaction() as session:
            rows = alert_posts.claim_due(
                session,
                now=now,
                worker_id=self.worker_id,
                lease=self.options.lease,
                platforms=self.notifiers,
                limit=limit,
            )
            for row in rows:
                late = now - row.due_at > self.options.late_grace
                composed = compose(session, row, now=now, late=late, default_tz=self.settings.tz)
                if composed.reply is None:
                    alert_posts.finish_unsent(
                        session,
                        row.id,
                        worker_id=self.worker_id,
                        state=PostState.CANCELLED,
                        reason=composed.skip_reason or "nothing to post",
                        at=now,
                    )
                    continue
                ready.append(_claimed(row, late, composed.reply, composed.update_of))
        return ready

    def _lock(self, channel: str) -> asyncio.Lock:
        lock = self._channel_locks.get(channel)
        if lock is None:
            lock = self._channel_locks[channel] = asyncio.Lock()
        return lock

    async def _deliver(self, row: Claimed) -> None:
        """Send one claimed row. Rows of one channel go one at a time, in the order they were claimed."""
        async with self._lock(row.channel):
            notifier, pacer = self.notifiers[row.platform], self._pacers[row.platform]
            await pacer.wait_turn(row.channel_id)
            if self._now() + timedelta(seconds=self.options.send_timeout) >= row.lease_until:
                # Held back so long the lease may run out mid-send, letting a second worker send it too.
                await self._release(row, retry_at=self._now(), error=None, refund=True)
                return
            try:
                async with asyncio.timeout(self.options.send_timeout):
                    if row.update_of is not None:
                        await notifier.update(row.channel_id, row.update_of, row.reply)
                        reference: str | None = row.update_of
                    else:
                        reference = await notifier.post(row.channel_id, row.reply)
            except RateLimitedError as error:
                pacer.hold(error.retry_after)
                retry_at = self._now() + timedelta(seconds=error.retry_after)
                await self._release(row, retry_at=retry_at, error=str(error), refund=True)
            except ChannelGoneError as error:
                await asyncio.to_thread(self._channel_gone, row, str(error) or "channel not found")
            except ChannelMovedError as error:
                await asyncio.to_thread(self._channel_moved, row, error.new_channel_id)
            except Exception as error:  # network trouble, a 5xx, a timeout, or a notifier bug: back off
                await self._failed_try(row, f"{type(error).__name__}: {error}")
            else:
                await asyncio.to_thread(self._sent, row, reference)

    def _sent(self, row: Claimed, reference: str | None) -> None:
        with self.db.transaction() as session:
            recorded = alert_posts.mark_sent(
                session, row.id, worker_id=self.worker_id, at=self._now(), message_ref=reference, late=row.late
            )
        if not recorded:
            log.warning(
                "post sent after its lease passed to another worker; it may appear twice",
                extra={"post": row.id, "channel": row.channel},
            )
        log.info("alert post sent", extra={"post": row.id, "kind": row.kind, "channel": row.channel, "late": row.late})

    async def _release(self, row: Claimed, *, retry_at: datetime, error: str | None, refund: bool) -> None:
        def write() -> None:
            with self.db.transaction() as session:
                alert_posts.release_for_retry(
                    session,
                    row.id,
                    worker_id=self.worker_id,
                    retry_at=retry_at,
                    error=error,
                    at=self._now(),
                    refund_attempt=refund,
                )

        await asyncio.to_thread(write)

    async def _failed_try(self, row: Claimed, error: str) -> None:
        if row.attempts >= self.options.max_attempts:
            log.error("alert post failed for good", extra={"post": row.id, "channel": row.channel, "error": error})

            def give_up() -> None:
                with self.db.transaction() as session:
                    alert_posts.finish_unsent(
                        session,
                        row.id,
                        worker_id=self.worker_id,
                        state=PostState.FAILED,
                        reason=f"gave up after {row.attempts} tries: {error}",
                        at=self._now(),
                    )

            await asyncio.to_thread(give_up)
            return
        backoff = min(MAX_BACKOFF, timedelta(seconds=2**row.attempts))
        log.warning(
            "alert post failed; retrying", extra={"post": row.id, "error": error, "retry_in_s": backoff.total_seconds()}
        )
        await self._release(row, retry_at=self._now() + backoff, error=error, refund=False)

    def _channel_gone(self, row: Claimed, reason: str) -> None:
        now = self._now()
        with self.db.transaction() as session:
            subscriptions.deactivate(session, row.channel, f"platform: {reason}", at=now)
            failed = alert_posts.fail_channel(session, row.channel, reason=f"channel gone: {reason}", at=now)
        log.warning("channel gone: deactivated", extra={"channel": row.channel, "failed_posts": failed})

    def _channel_moved(self, row: Claimed, new_channel_id: str) -> None:
        now = self._now()
        new_channel = f"{row.platform}:{new_channel_id}"
        with self.db.transaction() as session:
            subscriptions.move(session, row.channel, new_channel, at=now)
            alert_posts.move_channel(
                session, row.channel, new_channel=new_channel, new_channel_id=new_channel_id, at=now
            )
            alert_posts.release_for_retry(
                session, row.id, worker_id=self.worker_id, retry_at=now, error=None, at=now, refund_attempt=True
            )
        log.info("channel moved", extra={"from": row.channel, "to": new_channel})

    # --- the long-running loop ----------------------------------------------------------------------------
    def wake(self) -> None:
        """Look for due rows now (thread-safe only via `loop.call_soon_threadsafe`)."""
        if self._wake is not None:
            self._wake.set()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Post due rows until `stop` is set: at once on start-up (catching up on downtime), then whenever the
        next row falls due, a poll finds rows another process planned, or a handler here plans some."""
        stop = stop or asyncio.Event()
        self._wake = wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        stop_listening = on_plan_changed(lambda: loop.call_soon_threadsafe(wake.set))

        async def tick() -> None:  # a coroutine, so APScheduler runs it on the loop, not in a thread
            wake.set()

        scheduler = AsyncIOScheduler(
            timezone=UTC, job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
        )
        scheduler.add_job(tick, IntervalTrigger(seconds=self.options.poll_seconds), id="poll")
        scheduler.start()
        log.info("alert worker started", extra={"worker": self.worker_id, "platforms": sorted(self.notifiers)})
        try:
            while not stop.is_set():
                wake.clear()
                try:
                    await self.run_once()
                    next_due = await asyncio.to_thread(self._next_due)
                except Exception:  # the database is away: the poll tries again
                    log.exception("alert worker pass failed")
                    next_due = None
                if next_due is not None:
                    delay = max(0.02, (next_due - self._now()).total_seconds())
                    scheduler.add_job(
                        tick,
                        DateTrigger(datetime.now(UTC) + timedelta(seconds=delay)),
                        id="next-due",
                        replace_existing=True,
                    )
                stopping = asyncio.ensure_future(stop.wait())
                waking = asyncio.ensure_future(wake.wait())
                await asyncio.wait({stopping, waking}, return_when=asyncio.FIRST_COMPLETED)
                for waiter in (stopping, waking):
                    waiter.cancel()
        finally:
            scheduler.shutdown(wait=False)
            stop_listening()
            self._wake = None
            log.info("alert worker stopped", extra={"worker": self.worker_id})

    def _next_due(self) -> datetime | None:
        with self.db.reader() as session:
            return alert_posts.next_due(session, self.notifiers)


def _claimed(row: AlertPost, late: bool, reply: Reply, update_of: str | None) -> Claimed:
    assert row.id is not None and row.lease_until is not None
    return Claimed(
        id=row.id,
        channel=row.channel,
        platform=row.platform,
        channel_id=row.channel_id,
        kind=row.kind,
        due_at=row.due_at,
        lease_until=row.lease_until,
        attempts=row.attempts,
        late=late,
        reply=reply,
        update_of=update_of,
    )


def build_notifiers(core: Core) -> dict[str, Notifier]:
    """A notifier for every platform whose token is set (imported lazily: each pulls in its SDK)."""
    notifiers: dict[str, Notifier] = {}
    if core.settings.has_slack:
        from bot.slack.notifier import SlackNotifier

        notifiers["slack"] = SlackNotifier(core.settings)
    if core.settings.has_telegram:
        from bot.telegram.notifier import TelegramNotifier

        notifiers["telegram"] = TelegramNotifier(core.settings)
    return notifiers


async def run_worker(
    core: Core,
    stop: asyncio.Event | None = None,
    notifiers: Mapping[str, Notifier] | None = None,
) -> None:
    """`callwatch worker`, and the worker inside `callwatch run`: post due alerts until stopped."""
    chosen = dict(notifiers) if notifiers is not None else build_notifiers(core)
    if not chosen:
        log.error("no SLACK_BOT_TOKEN or TELEGRAM_BOT_TOKEN set: the alert worker has nowhere to post")
        return
    worker = AlertWorker(core.db, core.settings, chosen, clock=core.ctx.clock)
    try:
        await worker.run(stop)
    finally:
        for notifier in chosen.values():  # release HTTP sessions (the Telegram and Slack notifiers have one)
            close = getattr(notifier, "close", None)
            if close is not None:
                await close()
