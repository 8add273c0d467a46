"""Queries for strike drafts (a report read from an Air Force post, waiting for Confirm) and for storing the strike
a confirmed draft becomes exactly once.

Exactly once rests on the database, not on timing: a draft is read `FOR UPDATE` in the confirming transaction (on
SQLite the write transaction already holds the one write lock), and the strike's unique `source_key` (origin +
night) and `request_key` (`draft:ID`) settle any race that is left — the loser's insert fails inside a savepoint
and it gets the winner's row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import DraftState, StrikeDraft, StrikeReport


def add_once(session: Session, draft: StrikeDraft) -> tuple[StrikeDraft, bool]:
    """Insert `draft` unless one with its `request_key` exists (a redelivered preview); (stored draft, inserted?)."""
    if draft.request_key:
        existing = by_request_key(session, draft.request_key)
        if existing is not None:
            return existing, False
    try:
        with session.begin_nested():
            session.add(draft)
            session.flush()
    except IntegrityError:
        existing = by_request_key(session, draft.request_key) if draft.request_key else None
        if existing is None:
            raise
        return existing, False
    return draft, True


def by_request_key(session: Session, key: str) -> StrikeDraft | None:
    return session.exec(select(StrikeDraft).where(StrikeDraft.request_key == key)).first()


def get(session: Session, draft_id: int) -> StrikeDraft | None:
    return session.get(StrikeDraft, draft_id)


def get_for_update(session: Session, draft_id: int) -> StrikeDraft | None:
    """The draft, its row locked until the transaction ends (PostgreSQL; SQLite's write lock is already held)."""
    return session.exec(select(StrikeDraft).where(StrikeDraft.id == draft_id).with_for_update()).first()


def update(session: Session, draft: StrikeDraft) -> StrikeDraft:
    session.add(draft)
    session.flush()
    return draft


def close(
    session: Session, draft: StrikeDraft, state: DraftState, *, at: datetime, strike_id: int | None = None
) -> StrikeDraft:
    draft.state, draft.closed_at, draft.strike_id = state, at, strike_id
    return update(session, draft)


def purge_expired(session: Session, before: datetime) -> int:
    """Delete drafts that expired before `before` (drafts are scratch, not reports: nothing of them is kept)."""
    statement = delete(StrikeDraft).where(col(StrikeDraft.expires_at) < before)
    # Nothing deleted here is loaded in the session: skip the ORM's look-up of the rows to forget (a SELECT first).
    result = session.exec(statement.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def strike_by_source_key(session: Session, key: str) -> StrikeReport | None:
    return session.exec(select(StrikeReport).where(StrikeReport.source_key == key)).first()


def strike_by_request_key(session: Session, key: str) -> StrikeReport | None:
    return session.exec(select(StrikeReport).where(StrikeReport.request_key == key)).first()


def store_strike_once(session: Session, strike: StrikeReport) -> tuple[StrikeReport, bool]:
    """Insert `strike` unless a strike with its `source_key` or `request_key` exists; (stored strike, inserted?)."""
    existing = _existing(session, strike)
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            session.add(strike)
            session.flush()
    except IntegrityError:
        existing = _existing(session, strike)
        if existing is None:
            raise
        return existing, False
    return strike, True


def _existing(session: Session, strike: StrikeReport) -> StrikeReport | None:
    if strike.source_key:
        found = strike_by_source_key(session, strike.source_key)
        if found is not None:
            return found
    return strike_by_request_key(session, strike.request_key) if strike.request_key else None


def live_strikes_between(session: Session, start: datetime, end: datetime, *, limit: int = 3) -> list[StrikeReport]:
    """Strikes not retracted whose start lies in [start, end), earliest first: what else covers a night."""
    query = (
        select(StrikeReport)
        .where(col(StrikeReport.retracted_at).is_(None))
        .where(col(StrikeReport.started_at) >= start, col(StrikeReport.started_at) < end)
        .order_by(col(StrikeReport.started_at), col(StrikeReport.id))
        .limit(limit)
    )
    return list(session.exec(query))
