"""Queries on the readiness plan (`alert_post`): planning, claiming, recording what was sent, and reading it back.

Claims lock rows with `SELECT … FOR UPDATE SKIP LOCKED` so several workers on PostgreSQL each take different
rows; SQLite ignores the clause, but there every write transaction is `BEGIN IMMEDIATE`, so claims queue instead.
Every state change after a claim is guarded by `claimed_by`, so a worker whose lease ran out cannot overwrite
the row another worker has since taken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, insert, literal, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import (
    OPEN_STATES,
    AlertPost,
    ChannelSubscription,
    ContactReport,
    DeliveryPace,
    Ladder,
    PlannedPost,
    PlannedStep,
    PostKind,
    PostRow,
    PostState,
    StrikeReport,
)


# --- planning -----------------------------------------------------------------------------------------------
def add_posts(session: Session, posts: Iterable[PlannedPost]) -> int:
    """Write planned rows in one executemany (a channel joining a window under way, retraction notices to the
    channels told); returns how many. A new contact's fan-out goes through `add_ladder_posts` instead."""
    rows = [post.values() for post in posts]
    if rows:
        session.execute(insert(AlertPost.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def add_ladder_posts(
    session: Session, contact_id: int, ladder: Ladder, steps: Iterable[PlannedStep], *, planned_at: datetime
) -> int:
    """Write each step for every active channel on `ladder`, one `INSERT … SELECT` from the subscriptions per step;
    returns how many channels it reached.

    A contact plans every subscribed channel inside the reporter's transaction, so the reporter waits for it. Bound
    row by row, a thousand channels' rows cost SQLAlchemy about 80 µs each in parameter processing (most of a
    /contact's time); here each step binds a handful of values and the database copies the channels itself.
    """
    subscription = ChannelSubscription.__table__  # type: ignore[attr-defined]
    post = AlertPost.__table__  # type: ignore[attr-defined]
    planned = literal(planned_at, post.c.created_at.type)
    reached = 0
    for step in steps:
        due = literal(step.due_at, post.c.due_at.type)
        columns = {
            "contact_id": literal(contact_id),
            "channel": subscription.c.channel,
            "platform": subscription.c.platform,
            "channel_id": subscription.c.channel_id,
            "kind": literal(str(step.kind)),
            "step": literal(step.step),
            "offset_seconds": literal(step.offset_seconds),
            "window_seconds": literal(step.window_seconds),
            "due_at": due,
            "next_attempt_at": due,
            "created_at": planned,
            "updated_at": planned,
        }
        channels = (
            select(*(value.label(name) for name, value in columns.items()))
            .where(
                subscription.c.active,
                subscription.c.offsets == ladder.offsets,
                subscription.c.escalate_after_seconds.is_not_distinct_from(ladder.escalate_after_seconds),
            )
            .order_by(subscription.c.id)
        )
        statement = insert(post).from_select(list(columns), channels)
        # An INSERT's row count is kept only when asked for (SQLAlchemy keeps it by default for UPDATE and DELETE).
        written = session.execute(statement, execution_options={"preserve_rowcount": True}).rowcount
        reached = max(reached, written)
    return reached


def has_plan(session: Session, contact_id: int) -> bool:
    query = select(AlertPost.id).where(AlertPost.contact_id == contact_id).limit(1)
    return session.exec(query).first() is not None


def planned_in_channel(session: Session, contact_id: int, channel: str) -> bool:
    query = select(AlertPost.id).where(AlertPost.contact_id == contact_id, AlertPost.channel == channel).limit(1)
    return session.exec(query).first() is not None


def get(session: Session, post_id: int) -> AlertPost | None:
    return session.get(AlertPost, post_id)


def alert_of(session: Session, contact_id: int, channel: str) -> AlertPost | None:
    query = select(AlertPost).where(
        AlertPost.contact_id == contact_id, AlertPost.channel == channel, AlertPost.kind == PostKind.ALERT
    )
    return session.exec(query).first()


def open_posts(session: Session, contact_id: int, channel: str | None = None) -> list[AlertPost]:
    query = select(AlertPost).where(AlertPost.contact_id == contact_id, col(AlertPost.state).in_(OPEN_STATES))
    if channel is not None:
        query = query.where(AlertPost.channel == channel)
    return list(session.exec(query.order_by(AlertPost.due_at, AlertPost.id)))


def channels_told(session: Session, contact_id: int) -> set[str]:
    """Channels that have (or may have, if a send is in flight) seen a post about this contact."""
    query = select(AlertPost.channel).where(
        AlertPost.contact_id == contact_id,
        col(AlertPost.state).in_((PostState.SENT, PostState.CLAIMED)),
        AlertPost.kind != PostKind.REFRESH,
    )
    return set(session.exec(query.distinct()))


def cancel_open(
    session: Session,
    *,
    contact_id: int | None = None,
    channel: str | None = None,
    reason: str,
    at: datetime,
    kinds: Iterable[PostKind] | None = None,
) -> Counter[str]:
    """Cancel open rows of a contact and/or a channel; returns how many per channel.

    Claimed rows are cancelled too: their send may already be in flight, and if it completes the worker still
    records it as sent (that is the truth), but it will not be retried.
    """
    query = select(AlertPost).where(col(AlertPost.state).in_(OPEN_STATES))
    if contact_id is not None:
        query = query.where(AlertPost.contact_id == contact_id)
    if channel is not None:
        query = query.where(AlertPost.channel == channel)
    if kinds is not None:
        query = query.where(col(AlertPost.kind).in_(tuple(kinds)))
    cancelled: Counter[str] = Counter()
    for post in session.exec(query):
        post.state, post.cancel_reason, post.updated_at = PostState.CANCELLED, reason, at
        session.add(post)
        cancelled[post.channel] += 1
    session.flush()
    return cancelled


def acknowledge(session: Session, alert: AlertPost, *, by: str, at: datetime) -> None:
    alert.acked_by, alert.acked_at, alert.updated_at = by, at, at
    session.add(alert)
    session.flush()


def next_follow_up(session: Session, contact_id: int, channel: str) -> AlertPost | None:
    """The earliest open reminder or escalation of a contact in a channel: what a snooze pushes back."""
    query = select(AlertPost).where(
        AlertPost.contact_id == contact_id,
        AlertPost.channel == channel,
        AlertPost.state == PostState.PENDING,
        col(AlertPost.kind).in_((PostKind.REMINDER, PostKind.ESCALATION)),
    )
    return session.exec(query.order_by(AlertPost.due_at, AlertPost.id)).first()


def unplanned_contacts(session: Session, channel: str, *, since: datetime) -> list[ContactReport]:
    """Live contacts since `since` that this channel has no post about: windows it could still join."""
    planned_here = exists().where(AlertPost.contact_id == ContactReport.id, AlertPost.channel == channel)
    query = select(ContactReport).where(
        col(ContactReport.occurred_at) > since,
        col(ContactReport.retracted_at).is_(None),
        col(ContactReport.duplicate_of_id).is_(None),
        ~planned_here,
    )
    return list(session.exec(query.order_by(ContactReport.occurred_at, ContactReport.id)))


def window_close(session: Session, contact_id: int, channel: str) -> AlertPost | None:
    query = select(AlertPost).where(
        AlertPost.contact_id == contact_id, AlertPost.channel == channel, AlertPost.kind == PostKind.SUMMARY
    )
    return session.exec(query).first()


def postpone(session: Session, post: AlertPost, *, by_seconds: int, at: datetime) -> None:
    post.due_at += timedelta(seconds=by_seconds)
    post.next_attempt_at = max(post.next_attempt_at, post.due_at)
    post.snoozed_seconds += by_seconds
    post.updated_at = at
    session.add(post)
    session.flush()


def move_channel(session: Session, channel: str, *, new_channel: str, new_channel_id: str, at: datetime) -> int:
    """A Telegram group became a supergroup: its open rows follow it to the new chat id (and its pace row with
    them, so the next claim finds the new channel)."""
    ensure_pace_rows(session, [new_channel], at)
    result = session.execute(
        update(AlertPost)
        .where(col(AlertPost.channel) == channel, col(AlertPost.state).in_(OPEN_STATES))
        .values(channel=new_channel, channel_id=new_channel_id, updated_at=at)
    )
    return result.rowcount or 0


# --- the worker's side ----------------------------------------------------------------------------------------
# Pacing lives in `delivery_pace`, so every worker obeys one budget:
# - a channel has at most one post in flight (a claimed row with a live lease), and its next post may start only
#   once the previous one was answered plus the platform's spacing for one chat (`next_at` of the channel's row);
# - a platform with an overall rate hands out send slots from one virtual clock (`next_at` of the platform's row),
#   1/rate apart, advanced in the claim transaction; a 429 moves that clock past the Retry-After for everyone.
# Channel rows are locked `FOR UPDATE SKIP LOCKED`, so two claimers never take posts of one channel at once and
# never wait for each other there; the platform row is locked plainly (claims of one platform queue for a moment
# on it, which is what makes the budget one budget). On SQLite, `BEGIN IMMEDIATE` serialises the whole claim.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ClaimedPost:
    """A claimed row and the moment its send may start (its slot in the platform's budget)."""

    post: PostRow
    send_at: datetime


_POST = AlertPost.__table__  # type: ignore[attr-defined]
_PACE = DeliveryPace.__table__  # type: ignore[attr-defined]
# What a claim reads of each row: what the worker and `handlers.alerts.messages` need to send it.
_CLAIM_NAMES = (
    "id",
    "contact_id",
    "channel",
    "platform",
    "channel_id",
    "kind",
    "offset_seconds",
    "window_seconds",
    "due_at",
    "next_attempt_at",
    "attempts",
    "sent_at",
    "message_ref",
    "acked_by",
    "acked_at",
)
_CLAIM_COLUMNS = tuple(_POST.c[name] for name in _CLAIM_NAMES)


# The claim's statements are plain Core on the tables, built from module-level parts: an ORM alias made per call
# cost a claim several milliseconds of expression building before SQLAlchemy's statement cache could help.
_OUT = _POST.alias("out")


def _claimable(now: datetime, platform: str) -> Any:
    return and_(
        _POST.c.platform == platform,
        or_(
            and_(_POST.c.state == PostState.PENDING, _POST.c.next_attempt_at <= now),
            and_(_POST.c.state == PostState.CLAIMED, _POST.c.lease_until < now),
        ),
    )


def _in_flight(now: datetime) -> Any:
    """A post of the same channel is out with a live lease: the channel's next post waits for its answer.

    Written as `channel IN (…)`, not a correlated `EXISTS`: SQLite ran that once per due row over every claimed
    row (a fan-out to 1,000 channels: 40 ms a claim); this set is read once per statement.
    """
    busy = select(_OUT.c.channel).where(_OUT.c.state == PostState.CLAIMED, _OUT.c.lease_until >= now)
    return _POST.c.channel.in_(busy)


def ensure_pace_rows(session: Session, scopes: Iterable[str], now: datetime) -> None:
    """Create missing pace rows (sorted, so two claimers insert in the same order and cannot deadlock).

    A channel gets its row when it is subscribed or moved, so the claims of a fan-out find them all; the worker's
    `prepare_pacing` only catches what was planned before that (a database older than this rule).
    """
    rows = [{"scope": scope, "next_at": EPOCH, "updated_at": now} for scope in sorted(set(scopes))]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    session.execute(dialect_insert(_PACE).values(rows).on_conflict_do_nothing(index_elements=["scope"]))


def prepare_pacing(session: Session, platforms: Iterable[str], now: datetime) -> None:
    """Create the pace rows the next claims will lock: each platform's, and each channel's with an open post.

    In a transaction of its own, before the claims (the worker runs it once per pass): a claim only locks rows
    that already exist (`SKIP LOCKED`), so it never waits for another claimer's insert.
    """
    platforms = tuple(platforms)
    known = select(DeliveryPace.scope).where(DeliveryPace.scope == AlertPost.channel)
    missing = session.exec(
        select(AlertPost.channel)
        .where(col(AlertPost.platform).in_(platforms), col(AlertPost.state).in_(OPEN_STATES), ~known.exists())
        .distinct()
    ).all()
    have = set(session.exec(select(DeliveryPace.scope).where(col(DeliveryPace.scope).in_(platforms))).all())
    ensure_pace_rows(session, [*missing, *(platform for platform in platforms if platform not in have)], now)


def claim_paced(
    session: Session,
    *,
    now: datetime,
    worker_id: str,
    lease: timedelta,
    platform: str,
    limit: int,
    per_second: float | None = None,
    horizon: timedelta = timedelta(seconds=1),
) -> list[ClaimedPost]:
    """Take up to `limit` due posts of one platform, at most one per channel, each with its send slot.

    Only slots before `now + horizon` are handed out, so a claim never books far ahead and a lease covers the wait.
    Rows are read and claimed as plain columns (`PostRow`), the claim written in one `UPDATE`.
    """
    ready_by = now + horizon
    budget_query = select(_PACE.c.next_at).where(_PACE.c.scope == platform)
    if per_second:
        budget_query = budget_query.with_for_update()
    budget_at = session.execute(budget_query).scalar_one_or_none()
    if budget_at is None:
        if per_second:
            return []  # `prepare_pacing` has not run: no budget to take slots from
        budget_at = EPOCH
    cursor = max(now, _aware(budget_at))
    if cursor > ready_by:  # the platform asked everyone to wait (a 429)
        return []
    # Channels with a due post and nothing in flight, oldest due first; lock the first `limit` of them that no
    # other claimer holds (SKIP LOCKED is applied before LIMIT, so a busy claimer never starves this one).
    waiting = (
        select(_POST.c.channel, func.min(_POST.c.next_attempt_at).label("first_due"))
        .where(_claimable(now, platform), ~_in_flight(now))
        .group_by(_POST.c.channel)
        .subquery()
    )
    held = session.execute(
        select(_PACE.c.scope, _PACE.c.next_at)
        .join(waiting, waiting.c.channel == _PACE.c.scope)
        .where(_PACE.c.next_at <= ready_by)
        .order_by(waiting.c.first_due, _PACE.c.scope)
        .limit(limit)
        .with_for_update(skip_locked=True, of=_PACE)
    ).all()
    if not held:
        return []
    channel_ready = {scope: _aware(next_at) for scope, next_at in held}
    # Under the channel locks, look again (another claimer may have committed a post of these channels meanwhile)
    # and take the first due post of each channel.
    candidates = session.execute(
        select(*_CLAIM_COLUMNS)
        .where(_POST.c.channel.in_(tuple(channel_ready)), _claimable(now, platform), ~_in_flight(now))
        .order_by(_POST.c.next_attempt_at, _POST.c.id)
        .with_for_update(skip_locked=True)
    ).all()
    first_of_channel: dict[str, Any] = {}
    for row in candidates:
        first_of_channel.setdefault(row.channel, row)
    slots: list[tuple[Any, datetime]] = []
    step = timedelta(seconds=1 / per_second) if per_second else timedelta(0)
    for row in first_of_channel.values():  # in (next_attempt_at, id) order, as read
        ready = channel_ready[row.channel]
        if per_second:
            if cursor > ready_by:
                break  # the budget's horizon is used up
            if ready > cursor:
                continue  # the channel is not free at this slot: a later claim takes it, the slot goes to another
            send_at, cursor = cursor, cursor + step
        else:
            send_at = max(cursor, ready)
            if send_at > ready_by:
                continue
        slots.append((row, send_at))
    if not slots:
        return []
    # One lease for the whole claim, from its last slot (at most `horizon` after the first): one UPDATE statement.
    lease_until = max(send_at for _row, send_at in slots) + lease
    claimed = [ClaimedPost(_claimed_row(row, lease_until), send_at) for row, send_at in slots]
    session.execute(
        update(_POST)
        .where(_POST.c.id.in_([entry.post.id for entry in claimed]))
        .values(
            state=PostState.CLAIMED,
            claimed_by=worker_id,
            lease_until=lease_until,
            attempts=_POST.c.attempts + 1,
            updated_at=now,
        )
    )
    if per_second:
        session.execute(update(_PACE).where(_PACE.c.scope == platform).values(next_at=cursor, updated_at=now))
    return claimed


def _claimed_row(row: Any, lease_until: datetime) -> PostRow:
    """The row as claimed: its try counted, its lease set. Read by position (`Row._asdict` builds a key view per
    row: a fifth of a claim's time)."""
    values = dict(zip(_CLAIM_NAMES, row, strict=True))
    values["attempts"] += 1
    return PostRow(**values, lease_until=lease_until)


def claim_due(
    session: Session, *, now: datetime, worker_id: str, lease: timedelta, platforms: Iterable[str], limit: int
) -> list[PostRow]:
    """`claim_paced` for each platform with no overall budget: due rows, one per channel, oldest first (after
    `prepare_pacing` has committed)."""
    claimed: list[PostRow] = []
    for platform in sorted(set(platforms)):
        taken = claim_paced(
            session, now=now, worker_id=worker_id, lease=lease, platform=platform, limit=limit - len(claimed)
        )
        claimed += [entry.post for entry in taken]
        if len(claimed) >= limit:
            break
    return claimed


def next_due(session: Session, platforms: Iterable[str]) -> datetime | None:
    """When the worker should next look: the earliest moment a pending row may go (its own time, its channel's
    spacing and its platform's budget all allow it), or the earliest lease to run out."""
    platforms = tuple(platforms)
    channel_pace = aliased(DeliveryPace)
    platform_pace = aliased(DeliveryPace)
    earliest = case(
        (col(channel_pace.next_at) > col(AlertPost.next_attempt_at), channel_pace.next_at),
        else_=AlertPost.next_attempt_at,
    )
    pending = session.exec(
        select(AlertPost.platform, func.min(earliest), func.max(platform_pace.next_at))
        .join(channel_pace, channel_pace.scope == AlertPost.channel, isouter=True)
        .join(platform_pace, platform_pace.scope == AlertPost.platform, isouter=True)
        .where(AlertPost.state == PostState.PENDING, col(AlertPost.platform).in_(platforms))
        .group_by(AlertPost.platform)
    ).all()
    leases = session.exec(
        select(func.min(AlertPost.lease_until)).where(
            AlertPost.state == PostState.CLAIMED, col(AlertPost.platform).in_(platforms)
        )
    ).one()
    times = [_aware(value) for value in [leases] if value is not None]
    for _platform, row_time, budget_time in pending:
        if row_time is not None:
            times.append(max(_aware(row_time), _aware(budget_time)) if budget_time is not None else _aware(row_time))
    return min(times) if times else None


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite returns an aggregate over the column as its stored text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _mine(post_id: int, worker_id: str) -> Any:
    return and_(col(AlertPost.id) == post_id, col(AlertPost.claimed_by) == worker_id)


def space_channel(
    session: Session, channel: str, *, not_before: datetime, at: datetime, ensure_row: bool = True
) -> None:
    """The channel's next post may not start before `not_before` (kept if it is already later)."""
    if ensure_row:
        ensure_pace_rows(session, [channel], at)
    session.execute(
        update(DeliveryPace)
        .where(col(DeliveryPace.scope) == channel, col(DeliveryPace.next_at) < not_before)
        .values(next_at=not_before, updated_at=at)
    )


def hold_platform(session: Session, platform: str, *, until: datetime, at: datetime) -> None:
    """The platform answered 429: no worker starts a send on it before `until`."""
    space_channel(session, platform, not_before=until, at=at)


@dataclass(frozen=True)
class SentRecord:
    """A send the platform accepted, kept in memory until the database has it."""

    post_id: int
    channel: str
    message_ref: str | None
    at: datetime  # when the platform answered
    late: bool
    spacing: timedelta  # the platform's gap between two posts to this channel


def record_sent(session: Session, records: Iterable[SentRecord], *, worker_id: str) -> list[SentRecord]:
    """Record accepted sends, each with its message reference; returns the ones another worker had taken over
    (their lease ran out before this record could be written: those may have gone out twice).

    Also over a cancel that raced the send: the message did go out, and the record says so. One statement for
    the whole batch (executemany), so a burst of answers costs one commit, not one each.
    """
    batch = list(records)
    if not batch:
        return []
    ours = set(
        session.exec(
            select(AlertPost.id).where(
                col(AlertPost.id).in_([record.post_id for record in batch]),
                col(AlertPost.claimed_by) == worker_id,
                col(AlertPost.state).in_((PostState.CLAIMED, PostState.CANCELLED)),
            )
        ).all()
    )
    mine = [record for record in batch if record.post_id in ours]
    if mine:
        session.execute(
            update(_POST)
            .where(_POST.c.id == bindparam("post_id"), _POST.c.claimed_by == worker_id)
            .values(
                state=PostState.SENT,
                sent_at=bindparam("at"),
                message_ref=bindparam("ref"),
                late=bindparam("is_late"),
                last_error=None,
                lease_until=None,
                updated_at=bindparam("at"),
            ),
            [{"post_id": r.post_id, "at": r.at, "ref": r.message_ref, "is_late": r.late} for r in mine],
        )
    # Each channel's next post waits for the platform's spacing after this answer. One statement per spacing (a
    # platform has one or two), from the batch's latest answer: at most a batch's spread later than each channel's
    # own answer allows, never earlier. The rows exist: the claim that took these posts locked them.
    by_spacing: dict[timedelta, list[SentRecord]] = {}
    for record in batch:
        if record.spacing:
            by_spacing.setdefault(record.spacing, []).append(record)
    for spacing, spaced in by_spacing.items():
        free_at = max(record.at for record in spaced) + spacing
        session.execute(
            update(_PACE)
            .where(_PACE.c.scope.in_(sorted({record.channel for record in spaced})), _PACE.c.next_at < free_at)
            .values(next_at=free_at, updated_at=free_at)
        )
    session.flush()
    return [record for record in batch if record.post_id not in ours]


def mark_sent(
    session: Session, post_id: int, *, worker_id: str, at: datetime, message_ref: str | None, late: bool
) -> bool:
    """Record one completed send (see `record_sent`)."""
    post = session.get(AlertPost, post_id)
    channel = post.channel if post is not None else ""
    record = SentRecord(post_id, channel, message_ref, at, late, timedelta(0))
    return not record_sent(session, [record], worker_id=worker_id)


def extend_leases(session: Session, post_ids: Iterable[int], *, worker_id: str, until: datetime, at: datetime) -> int:
    """Keep this worker's claims alive (a claim whose send already succeeded must not pass to another worker)."""
    ids = tuple(post_ids)
    if not ids:
        return 0
    result = session.execute(
        update(AlertPost)
        .where(col(AlertPost.id).in_(ids), col(AlertPost.claimed_by) == worker_id, AlertPost.state == PostState.CLAIMED)
        .values(lease_until=until, updated_at=at)
    )
    return result.rowcount or 0


def release_for_retry(
    session: Session,
    post_id: int,
    *,
    worker_id: str,
    retry_at: datetime,
    error: str | None,
    at: datetime,
    refund_attempt: bool = False,
) -> bool:
    """Back to pending, to be tried at `retry_at`. A rate limit refunds the attempt: it is not a failure."""
    values: dict[str, object] = {
        "state": PostState.PENDING,
        "next_attempt_at": retry_at,
        "lease_until": None,
        "updated_at": at,
    }
    if error is not None:
        values["last_error"] = error[:500]
    if refund_attempt:
        values["attempts"] = AlertPost.attempts - 1
    result = session.execute(
        update(AlertPost).where(_mine(post_id, worker_id), AlertPost.state == PostState.CLAIMED).values(**values)
    )
    return bool(result.rowcount)


def finish_unsent(
    session: Session, post_id: int, *, worker_id: str, state: PostState, reason: str, at: datetime
) -> bool:
    """End a claimed row without a send: failed (with the error) or cancelled (nothing to post any more)."""
    values: dict[str, object] = {"state": state, "lease_until": None, "updated_at": at}
    values["last_error" if state is PostState.FAILED else "cancel_reason"] = reason[:500]
    result = session.execute(
        update(AlertPost).where(_mine(post_id, worker_id), AlertPost.state == PostState.CLAIMED).values(**values)
    )
    return bool(result.rowcount)


def fail_channel(session: Session, channel: str, *, reason: str, at: datetime) -> int:
    """The channel is gone: every open row for it fails with the reason, none is retried."""
    result = session.execute(
        update(AlertPost)
        .where(col(AlertPost.channel) == channel, col(AlertPost.state).in_(OPEN_STATES))
        .values(state=PostState.FAILED, last_error=reason[:500], lease_until=None, updated_at=at)
    )
    return result.rowcount or 0


# --- reading back -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanCounts:
    pending: int = 0
    late: int = 0  # pending and already past due by more than the grace
    claimed: int = 0
    sent: int = 0
    sent_late: int = 0
    failed: int = 0
    cancelled: int = 0


def counts(session: Session, *, now: datetime, late_grace: timedelta, channel: str | None = None) -> PlanCounts:
    query = select(AlertPost.state, AlertPost.late, func.count()).group_by(AlertPost.state, AlertPost.late)
    late_query = select(func.count()).where(
        AlertPost.state == PostState.PENDING, col(AlertPost.due_at) < now - late_grace
    )
    if channel is not None:
        query = query.where(AlertPost.channel == channel)
        late_query = late_query.where(AlertPost.channel == channel)
    tally: Counter[str] = Counter()
    sent_late = 0
    for state, late, number in session.exec(query):
        tally[state] += number
        if state == PostState.SENT and late:
            sent_late += number
    return PlanCounts(
        pending=tally[PostState.PENDING],
        late=session.exec(late_query).one(),
        claimed=tally[PostState.CLAIMED],
        sent=tally[PostState.SENT],
        sent_late=sent_late,
        failed=tally[PostState.FAILED],
        cancelled=tally[PostState.CANCELLED],
    )


def open_in_channel(session: Session, channel: str, limit: int = 20) -> list[AlertPost]:
    query = select(AlertPost).where(AlertPost.channel == channel, col(AlertPost.state).in_(OPEN_STATES))
    return list(session.exec(query.order_by(AlertPost.due_at, AlertPost.id).limit(limit)))


def failed_in_channel(session: Session, channel: str, limit: int = 5) -> list[AlertPost]:
    query = select(AlertPost).where(AlertPost.channel == channel, AlertPost.state == PostState.FAILED)
    return list(session.exec(query.order_by(col(AlertPost.updated_at).desc()).limit(limit)))


def posts_of(session: Session, contact_id: int) -> list[AlertPost]:
    query = select(AlertPost).where(AlertPost.contact_id == contact_id)
    return list(session.exec(query.order_by(AlertPost.channel, AlertPost.due_at, AlertPost.id)))


@dataclass(frozen=True)
class StrikeTotals:
    strikes: int
    drones: int
    missiles: int

    @property
    def weapons(self) -> int:
        return self.drones + self.missiles


def strike_totals(session: Session, start: datetime, end: datetime) -> StrikeTotals:
    """Live (not retracted) strikes that started in [start, end)."""
    query = select(
        func.count(), func.coalesce(func.sum(StrikeReport.drones), 0), func.coalesce(func.sum(StrikeReport.missiles), 0)
    ).where(
        col(StrikeReport.retracted_at).is_(None),
        col(StrikeReport.started_at) >= start,
        col(StrikeReport.started_at) < end,
    )
    strikes, drones, missiles = session.exec(query).one()
    return StrikeTotals(int(strikes), int(drones), int(missiles))
