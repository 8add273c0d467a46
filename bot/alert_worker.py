"""The alert worker: posts the readiness plan's rows when they fall due, each exactly once, at the platforms' pace.

The plan lives in the database (`alert_post`); APScheduler (3.x `AsyncIOScheduler`) is only the clock that wakes
the worker — at the next due time and on a short poll — and its jobs do nothing but set an event. We do not use
its job store for the plan: its default `misfire_grace_time` of 1 s silently drops a job that fell due while
the process was down, and it deletes a date job when submitting it, before the job has run.

One post goes through three commits, so only the send itself can ever repeat:
  1. claim: `pending → claimed` with a lease and a send slot (storage/alert_posts.py: one post in flight per
     channel, slots from the platform's budget shared by every worker through `delivery_pace`);
  2. send the one request to the platform, at the slot;
  3. `claimed → sent` with the platform's message reference.
Sent means recorded: once the platform has accepted a post, the record is kept in memory and written again, with
backoff, until the database takes it; the worker claims nothing new meanwhile, and the post is never sent again
because its record failed. The record is guarded by the claimer's id, not by the lease, so a worker that comes
back after an outage still records its own sends. On shutdown it tries once more, then logs every post it could
not record. A crash between 2 and 3 is the one case that repeats a message: neither Slack nor Telegram accepts an
idempotency key, so that window is kept to a single request (and the `record_delay`, 50 ms, an answer may wait to
share its record's write with others).

A 429 is a wait, not a failure: the post goes back to pending at now + Retry-After without counting a try, the
platform's budget in the database is pushed past that moment for every worker, and no worker sleeps on it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlmodel import Session

from bot.pacing import DEFAULT_LIMITS, UNLIMITED, RateLimit, Sleep, SlotWaiter
from handlers.alerts.delivery import (
    ChannelGoneError,
    ChannelMovedError,
    Notifier,
    RateLimitedError,
    channel_gone,
    channel_moved,
    on_plan_changed,
)
from handlers.alerts.messages import Composed, PostBundle, compose, load_posts
from handlers.chat.context import system_clock
from handlers.chat.reply import Reply
from storage import alert_posts, plan_signal
from storage.alert_posts import ClaimedPost, SentRecord
from storage.database import Database
from storage.models import PostState

if TYPE_CHECKING:
    from bot.core import Core
    from handlers.chat.settings import Settings

log = logging.getLogger("callwatch.worker")
T = TypeVar("T")

MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class WorkerOptions:
    lease: timedelta = timedelta(seconds=120)  # a claimer silent this long is presumed dead
    batch_size: int = 64  # posts in flight at once (at most one per channel)
    claim_ahead: int | None = None  # claimed posts that may wait for a place in flight; None: 4 × batch_size
    poll_seconds: float = 2.0  # rows planned by another process are seen within this
    late_grace: timedelta = timedelta(seconds=60)  # sent later than this after due: marked and said late
    max_attempts: int = 8  # transient failures before a row is given up as failed
    send_timeout: float = 30.0  # one request; a timed-out send may still have arrived (the duplicate window)
    limits: Mapping[str, RateLimit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    horizon: timedelta = timedelta(seconds=1)  # slots are booked at most this far ahead
    record_delay: float = 0.05  # seconds an answered send may wait for others to share its record's write
    record_retry_first: float = 0.5  # seconds before the first retry of a record the database refused
    record_retry_max: float = 5.0  # and at most this between retries (short: a recovered database is seen soon)


@dataclass(frozen=True)
class Claimed:
    """A claimed row, its send slot and what to send (formatted after the claim transaction, from its bundle)."""

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
    send_at: datetime | None = None


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
        self._sleep = sleep
        self._slots = SlotWaiter(clock=clock, sleep=sleep)
        self._unrecorded: list[SentRecord] = []  # accepted by the platform, not yet in the database
        self._unrecorded_since = 0.0  # monotonic time the oldest of them was answered (about)
        self._record_backoff = self.options.record_retry_first
        self._next_record_try: datetime | None = None
        self._held_until: dict[str, datetime] = {}  # a platform that said 429, as this worker heard it
        self._wake: asyncio.Event | None = None
        self._prepared_at: datetime | None = None  # when pace rows were last made for new channels
        # Writes that may make a post claimable: a record frees its channel, a release or a give-up its row or
        # its slot. An empty claim is tried again only after one: an accepted send changes nothing in the database
        # until its record, so retrying on every answer would only add claims (and CPU) to the fan-out's tail.
        self._writes = 0

    def limit(self, platform: str) -> RateLimit:
        return self.options.limits.get(platform, UNLIMITED)

    @property
    def unrecorded(self) -> tuple[SentRecord, ...]:
        """Posts the platform accepted whose record the database has not taken yet."""
        return tuple(self._unrecorded)

    # --- one pass ---------------------------------------------------------------------------------------
    async def run_once(self) -> int:
        """Post everything due now (and whatever falls due meanwhile); returns how many rows were handled."""
        return await self._pass(asyncio.Event())

    async def _pass(self, stop: asyncio.Event) -> int:
        """Claim and send until nothing is due.

        Three things overlap, so a fan-out is neither a series of claim-then-wait rounds nor held up by its own
        bookkeeping: claims run ahead of the sends (up to `claim_ahead` claimed posts wait for a place in flight,
        so a thousand channels cost a few large claims, not sixteen small ones), up to `batch_size` sends are out,
        and accepted sends are recorded in the background, one write at a time, each taking everything answered
        since the last (an answer waits at most `record_delay` for others to share its write). While the database
        refuses records, claimed posts not yet sent are handed back and nothing new is claimed.
        """
        handled = 0
        inflight: set[asyncio.Task[bool]] = set()
        queue: deque[Claimed] = deque()  # claimed, waiting for a place in flight
        claiming: asyncio.Task[list[Claimed]] | None = None
        recording: asyncio.Task[None] | None = None
        gathering: asyncio.Task[None] | None = None  # waits `record_delay` for more answers to share a write
        # Every task reports here when it ends, so a pass waits on one event, not `asyncio.wait` over everything
        # in flight (which hooks and unhooks every task on each wake: quadratic in a fan-out).
        finished: list[asyncio.Task[Any]] = []
        changed = asyncio.Event()

        def ended(task: asyncio.Task[Any]) -> None:
            finished.append(task)
            changed.set()

        def start(work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
            task = asyncio.create_task(work)
            task.add_done_callback(ended)
            return task

        # An empty claim is final until a write (`_writes`) may have freed a channel whose next post is due:
        # `empty_at` is the count of writes when the last claim that came back empty began (None: it was not empty).
        writes_when_claimed = 0
        empty_at: int | None = None
        self._prepared_at = None  # pace rows for whatever was planned since the last pass
        batch = self.options.batch_size
        ahead = self.options.claim_ahead
        capacity = batch + (4 * batch if ahead is None else ahead)
        while True:
            if recording is None and self._unrecorded and self._record_due():
                wait = self._record_wait(busy=bool(inflight or queue) and not stop.is_set())
                if wait <= 0:
                    recording = start(self._record(stop))
                elif gathering is None:  # a timer (real time: it only batches) to write what has come by then
                    gathering = start(asyncio.sleep(wait))
            held = len(queue) + len(inflight)
            records_failing = self._next_record_try is not None  # the database refused the last record
            if (
                claiming is None
                and empty_at != self._writes
                and not records_failing
                and not stop.is_set()
                # Refill while two batches are still queued: a claim under load takes about as long as two rounds
                # of answers, and the sends must not run dry while it runs.
                and (held == 0 or (len(queue) < 2 * batch and capacity - held >= max(1, batch // 4)))
                and not (held == 0 and recording is not None)  # idle: the record first (it may free channels)
            ):
                # Idle, the first claim takes one batch, so the first sends leave as soon as it commits; the
                # claims ahead are made while those are out.
                room = batch if held == 0 else capacity - held
                claiming = start(asyncio.to_thread(self._claim, room))
                writes_when_claimed = self._writes
            while queue and records_failing:  # nothing new goes out while sends cannot be recorded: hand back
                inflight.add(start(self._hand_back(queue.popleft())))
            while queue and (len(inflight) < batch or stop.is_set()):  # on stop each is released at once
                inflight.add(start(self._deliver(queue.popleft(), stop)))
            if not (inflight or claiming or recording or gathering):
                if not self._unrecorded:
                    return handled
                if stop.is_set():  # once more, at once, then say what could not be written
                    await self._record(stop)
                    self._report_unrecorded()
                    return handled
                await self._pause(stop, (self._next_record_try or self._now()) - self._now())
                continue
            if not finished:
                changed.clear()
                await changed.wait()
            done = set(finished)
            finished.clear()
            if gathering is not None and gathering in done:
                done.discard(gathering)
                gathering = None
            if recording is not None and recording in done:
                done.discard(recording)
                recording = None  # `_record` keeps what it could not write and sets when to try again
            if claiming is not None and claiming in done:
                done.discard(claiming)
                claimed, claiming = claiming.result(), None  # a database error ends the pass, as before
                empty_at = None if claimed else writes_when_claimed
                queue.extend(claimed)
            if done:
                inflight -= done
                handled += len(done)
            for task in done:
                if task.exception() is not None:  # what it wrote is unknown: count it as a write
                    log.error("delivery task failed", exc_info=task.exception())
                    self._writes += 1
                elif task.result():
                    self._writes += 1

    def _record_due(self) -> bool:
        return self._next_record_try is None or self._now() >= self._next_record_try

    def _record_wait(self, *, busy: bool) -> float:
        """Seconds until the answered sends should be written: at once when a batch's worth is waiting or nothing
        else is under way (no more answers are coming soon), else once the oldest has waited `record_delay` — so a
        fan-out writes a few large records, not one per answer (each write is a commit, and on SQLite the lock)."""
        if not busy or len(self._unrecorded) >= self.options.batch_size:
            return 0.0
        return self.options.record_delay - (time.monotonic() - self._unrecorded_since)

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    async def _pause(self, stop: asyncio.Event, delay: timedelta) -> None:
        """Wait `delay` (on the injected sleep), or until `stop` is set."""
        sleeping = asyncio.ensure_future(self._sleep(max(0.0, delay.total_seconds())))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
        for waiter in (sleeping, stopping):
            waiter.cancel()

    # --- claiming ---------------------------------------------------------------------------------------
    def _claim(self, room: int) -> list[Claimed]:
        """Claim due posts with their slots and load what each needs; formatting happens after the commit."""
        now = self._now()
        if self._prepared_at is None or now - self._prepared_at >= timedelta(seconds=self.options.poll_seconds):
            # Pace rows for channels planned since: once per pass and every poll interval, not on every claim
            # (it reads every open post's channel).
            with self.db.transaction() as session:
                alert_posts.prepare_pacing(session, self.notifiers, now)
            self._prepared_at = now
        loaded: list[tuple[ClaimedPost, PostBundle, bool]] = []
        with self.db.transaction() as session:
            for platform in sorted(self.notifiers):
                if len(loaded) >= room:
                    break
                taken = alert_posts.claim_paced(
                    session,
                    now=now,
                    worker_id=self.worker_id,
                    lease=self.options.lease,
                    platform=platform,
                    limit=room - len(loaded),
                    per_second=self.limit(platform).per_second,
                    horizon=self.options.horizon,
                )
                bundles = load_posts(session, [entry.post for entry in taken], now=now, default_tz=self.settings.tz)
                for entry, bundle in zip(taken, bundles, strict=True):
                    late = max(now, entry.send_at) - entry.post.due_at > self.options.late_grace
                    if bundle.skip_reason is not None:
                        self._finish(session, entry, PostState.CANCELLED, bundle.skip_reason, now)
                        continue
                    loaded.append((entry, bundle, late))
        ready: list[Claimed] = []
        # A fan-out's posts are mostly alike (one contact, a few zones and languages): each distinct one is composed
        # once per claim. Bundles are frozen values, so equal bundles make equal messages.
        composed_for: dict[tuple[PostBundle, bool], Composed] = {}
        for entry, bundle, late in loaded:
            composed = composed_for.get((bundle, late))
            if composed is None:  # in its channel's language, which the bundle carries
                composed = composed_for[bundle, late] = compose(bundle, now=now, late=late)
            if composed.reply is None:  # not expected after loading; ends the row rather than retrying it
                with self.db.transaction() as session:
                    self._finish(session, entry, PostState.CANCELLED, composed.skip_reason or "nothing to post", now)
                continue
            ready.append(_claimed(entry, late, composed.reply, composed.update_of))
        return ready

    def _finish(self, session: Session, entry: ClaimedPost, state: PostState, reason: str, now: datetime) -> None:
        alert_posts.finish_unsent(
            session,
            entry.post.id,
            worker_id=self.worker_id,
            state=state,
            reason=reason,
            at=now,
        )

    # --- sending ----------------------------------------------------------------------------------------
    async def _deliver(self, row: Claimed, stop: asyncio.Event) -> bool:
        """Send one claimed row at its slot, then hand its record to the pass (or its failure to the database).
        Returns whether it wrote to the database (a release or a give-up: the row or its slot may be claimed again);
        an accepted send writes nothing until the pass records it."""
        if row.send_at is not None:
            await self._slots.wait_until(row.send_at, lane=row.platform, per_second=self.limit(row.platform).per_second)
        now = self._now()
        held = self._held_until.get(row.platform)
        if stop.is_set() or (held is not None and held > now):
            # Shutting down, or the platform just said 429 to another of our sends: back to pending, no try counted.
            await self._release(row, retry_at=max(now, held or now), error=None, refund=True)
            return True
        if now + timedelta(seconds=self.options.send_timeout) >= row.lease_until:
            # Held back so long the lease may run out mid-send, letting a second worker send it too.
            await self._release(row, retry_at=now, error=None, refund=True)
            return True
        notifier = self.notifiers[row.platform]
        try:
            async with asyncio.timeout(self.options.send_timeout):
                if row.update_of is not None:
                    await notifier.update(row.channel_id, row.update_of, row.reply)
                    reference: str | None = row.update_of
                else:
                    reference = await notifier.post(row.channel_id, row.reply)
        except RateLimitedError as error:
            await self._rate_limited(row, error)
        except ChannelGoneError as error:
            await asyncio.to_thread(self._channel_gone, row, str(error) or "channel not found")
        except ChannelMovedError as error:
            await asyncio.to_thread(self._channel_moved, row, error.new_channel_id)
        except Exception as error:  # network trouble, a 5xx, a timeout, or a notifier bug: back off
            await self._failed_try(row, f"{type(error).__name__}: {error}")
        else:
            spacing = timedelta(seconds=self.limit(row.platform).channel_spacing(row.channel_id))
            if not self._unrecorded:
                self._unrecorded_since = time.monotonic()
            self._unrecorded.append(SentRecord(row.id, row.channel, reference, self._now(), row.late, spacing))
            return False
        return True

    async def _rate_limited(self, row: Claimed, error: RateLimitedError) -> None:
        """Reschedule at now + Retry-After, refund the try, and hold the platform for every worker meanwhile."""
        now = self._now()
        until = now + timedelta(seconds=error.retry_after)
        self._held_until[row.platform] = max(self._held_until.get(row.platform, until), until)
        log.warning(
            "rate limited: post rescheduled",
            extra={"post": row.id, "platform": row.platform, "retry_after_s": error.retry_after},
        )

        def write() -> None:
            with self.db.transaction() as session:
                alert_posts.release_for_retry(
                    session,
                    row.id,
                    worker_id=self.worker_id,
                    retry_at=until,
                    error=str(error),
                    at=now,
                    refund_attempt=True,
                )
                alert_posts.hold_platform(session, row.platform, until=until, at=now)
                alert_posts.space_channel(session, row.channel, not_before=until, at=now)

        await asyncio.to_thread(write)

    # --- recording ------------------------------------------------------------------------------------------
    async def _record(self, stop: asyncio.Event) -> None:
        """Write every accepted send waiting for its record, in one transaction; on failure keep them and back off."""
        batch = list(self._unrecorded)
        try:
            lost = await asyncio.to_thread(self._write_records, batch)
        except Exception as error:  # the database is away: the sends stay in memory, never sent again
            delay = self._record_backoff
            self._record_backoff = min(self._record_backoff * 2, self.options.record_retry_max)
            self._next_record_try = self._now() + timedelta(seconds=delay)
            log.warning(
                "could not record sent alert posts; retrying",
                extra={"posts": [record.post_id for record in batch], "retry_in_s": delay, "error": str(error)},
            )
            return
        self._unrecorded = self._unrecorded[len(batch) :]
        self._unrecorded_since = time.monotonic()  # what is left was answered while this write ran
        self._writes += 1
        self._record_backoff, self._next_record_try = self.options.record_retry_first, None
        for record in lost:
            log.error(
                "post sent, but another worker took it over before it could be recorded; it may appear twice",
                extra={"post": record.post_id, "channel": record.channel},
            )

    def _write_records(self, batch: list[SentRecord]) -> list[SentRecord]:
        with self.db.transaction() as session:
            lost = alert_posts.record_sent(session, batch, worker_id=self.worker_id)
        for record in batch:
            log.info("alert post sent", extra={"post": record.post_id, "channel": record.channel, "late": record.late})
        return lost

    def _report_unrecorded(self) -> None:
        """Shutting down with sends the database never took: say exactly which, loudly, before they are forgotten."""
        for record in self._unrecorded:
            log.error(
                "alert post SENT BUT NOT RECORDED at shutdown (database unreachable): another worker may send it "
                "again after its lease; record it by hand if it does not",
                extra={
                    "post": record.post_id,
                    "channel": record.channel,
                    "message_ref": record.message_ref,
                    "sent_at": record.at.isoformat(),
                },
            )
        self._unrecorded = []

    # --- failures ---------------------------------------------------------------------------------------
    async def _release(self, row: Claimed, *, retry_at: datetime, error: str | None, refund: bool) -> None:
        spacing = timedelta(seconds=self.limit(row.platform).channel_spacing(row.channel_id))

        def write() -> None:
            now = self._now()
            with self.db.transaction() as session:
                alert_posts.release_for_retry(
                    session,
                    row.id,
                    worker_id=self.worker_id,
                    retry_at=retry_at,
                    error=error,
                    at=now,
                    refund_attempt=refund,
                )
                if error is not None:  # a send was attempted and may have arrived: space the channel from it
                    alert_posts.space_channel(session, row.channel, not_before=now + spacing, at=now)

        await asyncio.to_thread(write)

    async def _hand_back(self, row: Claimed) -> bool:
        """A claimed post that will not be sent by this worker now: pending again at once, its try refunded, for
        any worker (if the database refuses this too, its lease runs out instead)."""
        await self._release(row, retry_at=self._now(), error=None, refund=True)
        return True

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
        with self.db.transaction() as session:
            change = channel_gone(session, row.channel, f"platform: {reason}", at=self._now())
        log.warning("channel gone: deactivated", extra={"channel": row.channel, "failed_posts": change.posts})

    def _channel_moved(self, row: Claimed, new_channel_id: str) -> None:
        now = self._now()
        with self.db.transaction() as session:
            change = channel_moved(session, row.channel, new_channel_id, at=now)
            alert_posts.release_for_retry(
                session, row.id, worker_id=self.worker_id, retry_at=now, error=None, at=now, refund_attempt=True
            )
        log.info("channel moved", extra={"from": row.channel, "to": new_channel_id, "posts": change.posts})

    # --- the long-running loop ----------------------------------------------------------------------------
    def wake(self) -> None:
        """Look for due rows now (thread-safe only via `loop.call_soon_threadsafe`)."""
        if self._wake is not None:
            self._wake.set()

    async def run(self, stop: asyncio.Event | None = None, *, started: Callable[[], None] | None = None) -> None:
        """Post due rows until `stop` is set: at once on start-up (catching up on downtime), then whenever the
        next row falls due, a poll finds rows another process planned, or a handler here plans some. `started` is
        called once, after the start-up pass (the worker's libraries are loaded and its statements compiled by
        then): `callwatch worker` and `run` freeze the start-up objects there (bot/collector.py)."""
        stop = stop or asyncio.Event()
        self._wake = wake = asyncio.Event()
        loop = asyncio.get_running_loop()

        def heard() -> None:  # from another thread
            if not loop.is_closed():
                loop.call_soon_threadsafe(wake.set)

        stop_listening = on_plan_changed(heard)
        stop_hearing = self._hear_other_processes(heard)

        async def tick() -> None:  # a coroutine, so APScheduler runs it on the loop, not in a thread
            wake.set()

        # Imported here: the console's one-shot pass after each command (`run_once`) needs no scheduler.
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.date import DateTrigger
        from apscheduler.triggers.interval import IntervalTrigger

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
                    await self._pass(stop)
                    next_due = await asyncio.to_thread(self._next_due)
                except Exception:  # the database is away: the poll tries again
                    log.exception("alert worker pass failed")
                    next_due = None
                if started is not None:
                    started()
                    started = None
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
            if self._unrecorded:  # stopped between passes with records still owed: one more try, then say so
                await self._record(stop)
                self._report_unrecorded()
        finally:
            scheduler.shutdown(wait=False)
            stop_listening()
            stop_hearing()
            self._wake = None
            log.info("alert worker stopped", extra={"worker": self.worker_id})

    def _hear_other_processes(self, heard: Callable[[], None]) -> Callable[[], None]:
        """On PostgreSQL, listen for posts planned by other processes (a Slack or Telegram server beside this
        worker) in a thread of its own; returns what stops it. Elsewhere only the poll finds them."""
        if not plan_signal.can_listen(self.db.url):
            return lambda: None
        done = threading.Event()
        thread = threading.Thread(
            target=plan_signal.listen, args=(self.db.url, heard, done), name="callwatch-plan-listener", daemon=True
        )
        thread.start()

        def stop() -> None:
            done.set()
            thread.join(timeout=2)

        return stop

    def _next_due(self) -> datetime | None:
        with self.db.reader() as session:
            return alert_posts.next_due(session, self.notifiers)


def _claimed(entry: ClaimedPost, late: bool, reply: Reply, update_of: str | None) -> Claimed:
    row = entry.post
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
        send_at=entry.send_at,
    )


def build_notifiers(core: Core) -> dict[str, Notifier]:
    """A notifier for every platform whose token is set (imported lazily: each pulls in its SDK)."""
    from bot.platforms import configured

    notifiers: dict[str, Notifier] = {}
    for platform in configured(core.settings):  # the registry decides which platforms exist (bot/platforms.py)
        notifier = platform.notifier(core)
        if notifier is not None:
            notifiers[platform.name] = notifier
    return notifiers


async def run_worker(
    core: Core,
    stop: asyncio.Event | None = None,
    notifiers: Mapping[str, Notifier] | None = None,
    *,
    started: Callable[[], None] | None = None,
) -> None:
    """`callwatch worker`, and the worker inside `callwatch run`: post due alerts until stopped (`started`: see
    `AlertWorker.run`)."""
    chosen = dict(notifiers) if notifiers is not None else build_notifiers(core)
    if not chosen:
        log.error("no SLACK_BOT_TOKEN or TELEGRAM_BOT_TOKEN set: the alert worker has nowhere to post")
        return
    worker = AlertWorker(core.db, core.settings, chosen, clock=core.ctx.clock)
    try:
        await worker.run(stop, started=started)
    finally:
        for notifier in chosen.values():  # release HTTP sessions (the Telegram and Slack notifiers have one)
            close = getattr(notifier, "close", None)
            if close is not None:
                await close()
