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

from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, col, select

from storage.models import OPEN_STATES, AlertPost, PostKind, PostState, StrikeReport


# --- planning -----------------------------------------------------------------------------------------------
def add_posts(session: Session, posts: Iterable[AlertPost]) -> list[AlertPost]:
    added = list(posts)
    session.add_all(added)
    session.flush()
    return added


def has_plan(session: Session, contact_id: int) -> bool:
    query = select(AlertPost.id).where(AlertPost.contact_id == contact_id).limit(1)
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
    """A Telegram group became a supergroup: its open rows follow it to the new chat id."""
    result = session.execute(
        update(AlertPost)
        .where(col(AlertPost.channel) == channel, col(AlertPost.state).in_(OPEN_STATES))
        .values(channel=new_channel, channel_id=new_channel_id, updated_at=at)
    )
    return result.rowcount or 0


# --- the worker's side ----------------------------------------------------------------------------------------
def _claimable(now: datetime, platforms: Iterable[str]) -> object:
    return and_(
        col(AlertPost.platform).in_(tuple(platforms)),
        or_(
            and_(AlertPost.state == PostState.PENDING, col(AlertPost.next_attempt_at) <= now),
            and_(AlertPost.state == PostState.CLAIMED, col(AlertPost.lease_until) < now),
        ),
    )


def claim_due(
    session: Session, *, now: datetime, worker_id: str, lease: timedelta, platforms: Iterable[str], limit: int
) -> list[AlertPost]:
    """Take up to `limit` rows that are due (or whose claimer's lease ran out), oldest first."""
    query = (
        select(AlertPost)
        .where(_claimable(now, platforms))
        .order_by(AlertPost.next_attempt_at, AlertPost.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = list(session.exec(query))
    for post in claimed:
        post.state, post.claimed_by, post.lease_until = PostState.CLAIMED, worker_id, now + lease
        post.attempts += 1
        post.updated_at = now
        session.add(post)
    session.flush()
    return claimed


def next_due(session: Session, platforms: Iterable[str]) -> datetime | None:
    """When the worker should next look: the earliest pending try or the earliest lease to run out."""
    platforms = tuple(platforms)
    pending = session.exec(
        select(func.min(AlertPost.next_attempt_at)).where(
            AlertPost.state == PostState.PENDING, col(AlertPost.platform).in_(platforms)
        )
    ).one()
    leases = session.exec(
        select(func.min(AlertPost.lease_until)).where(
            AlertPost.state == PostState.CLAIMED, col(AlertPost.platform).in_(platforms)
        )
    ).one()
    times = [_aware(value) for value in (pending, leases) if value is not None]
    return min(times) if times else None


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _mine(post_id: int, worker_id: str) -> object:
    return and_(col(AlertPost.id) == post_id, col(AlertPost.claimed_by) == worker_id)


def mark_sent(
    session: Session, post_id: int, *, worker_id: str, at: datetime, message_ref: str | None, late: bool
) -> bool:
    """Record a completed send. Also over a cancel that raced the send: the message did go out."""
    result = session.execute(
        update(AlertPost)
        .where(_mine(post_id, worker_id), col(AlertPost.state).in_((PostState.CLAIMED, PostState.CANCELLED)))
        .values(
            state=PostState.SENT,
            sent_at=at,
            message_ref=message_ref,
            late=late,
            last_error=None,
            lease_until=None,
            updated_at=at,
        )
    )
    return bool(result.rowcount)


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
