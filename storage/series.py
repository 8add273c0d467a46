"""Live contacts and strikes loaded as DataFrames, for the analysis, the chart and the export.

"Live" means not retracted; for contacts also not a repeat report of a contact already logged
(`duplicate_of_id`), so each real contact is counted once. Times come back aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from storage.models import ContactReport, StrikeReport

# A strike stored at midnight with an unknown hour is analysed at midday, so load a day either side.
MARGIN = timedelta(days=1)


def _frame(session: Session, query: Select) -> pd.DataFrame:  # type: ignore[type-arg]
    frame = pd.read_sql(query, session.connection())
    for column in frame.columns:
        if column in {"at", "ended_at", "created_at", "retracted_at"}:
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def strike_counts(session: Session, start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """Columns at, time_known, drones, missiles of live strikes starting within a day of [start, end)."""
    query = select(
        col(StrikeReport.started_at).label("at"), StrikeReport.time_known, StrikeReport.drones, StrikeReport.missiles
    ).where(col(StrikeReport.retracted_at).is_(None))
    if start is not None:
        query = query.where(StrikeReport.started_at >= start - MARGIN)
    if end is not None:
        query = query.where(StrikeReport.started_at < end + MARGIN)
    return _frame(session, query.order_by(StrikeReport.started_at))


@dataclass(frozen=True)
class StrikeExtent:
    first: datetime | None  # the earliest and latest live strike start (aware UTC)
    last: datetime | None
    reports: int
    drones: int
    missiles: int


def strike_extent(session: Session) -> StrikeExtent:
    """How far the live strike data reaches, and its totals: one aggregate query."""
    first, last, reports, drones, missiles = session.exec(
        select(
            func.min(StrikeReport.started_at),
            func.max(StrikeReport.started_at),
            func.count(col(StrikeReport.id)),
            func.coalesce(func.sum(StrikeReport.drones), 0),
            func.coalesce(func.sum(StrikeReport.missiles), 0),
        ).where(col(StrikeReport.retracted_at).is_(None))
    ).one()
    return StrikeExtent(_aware(first), _aware(last), int(reports), int(drones), int(missiles))


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def contacts(session: Session, start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """Columns id, at, time_known, parties, kind, confidence, source of live, first-reported contacts."""
    query = select(
        ContactReport.id,
        col(ContactReport.occurred_at).label("at"),
        ContactReport.time_known,
        ContactReport.parties,
        ContactReport.kind,
        ContactReport.confidence,
        ContactReport.source,
    ).where(col(ContactReport.retracted_at).is_(None), col(ContactReport.duplicate_of_id).is_(None))
    if start is not None:
        query = query.where(ContactReport.occurred_at >= start - MARGIN)
    if end is not None:
        query = query.where(ContactReport.occurred_at < end)
    return _frame(session, query.order_by(ContactReport.occurred_at, ContactReport.id))


def strike_records(session: Session) -> pd.DataFrame:
    """Every column of every live strike, oldest first, for the export."""
    query = select(
        StrikeReport.id,
        col(StrikeReport.started_at).label("at"),
        StrikeReport.ended_at,
        StrikeReport.time_known,
        StrikeReport.drones,
        StrikeReport.missiles,
        StrikeReport.weapons,
        StrikeReport.region,
        StrikeReport.killed,
        StrikeReport.injured,
        StrikeReport.source,
        StrikeReport.notes,
        StrikeReport.reported_by,
        StrikeReport.channel,
        StrikeReport.created_at,
        StrikeReport.source_key,
    ).where(col(StrikeReport.retracted_at).is_(None))
    return _frame(session, query.order_by(StrikeReport.started_at, StrikeReport.id))


def contact_records(session: Session) -> pd.DataFrame:
    """Every column of every live contact (repeat reports included, marked), oldest first, for the export."""
    query = select(
        ContactReport.id,
        col(ContactReport.occurred_at).label("at"),
        ContactReport.time_known,
        ContactReport.parties,
        ContactReport.kind,
        ContactReport.confidence,
        ContactReport.source,
        ContactReport.duration_seconds,
        ContactReport.notes,
        ContactReport.duplicate_of_id,
        ContactReport.reported_by,
        ContactReport.channel,
        ContactReport.created_at,
        ContactReport.source_key,
    ).where(col(ContactReport.retracted_at).is_(None))
    return _frame(session, query.order_by(ContactReport.occurred_at, ContactReport.id))
