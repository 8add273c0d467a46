"""The timeline query: contacts and strikes merged newest first, paged, and the strikes inside a window.

Paging runs in the database (UNION ALL ordered by time, LIMIT/OFFSET on the indexed time columns), so a page
costs the same over a million strikes as over ten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, union_all
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from storage.models import ContactReport, StrikeReport


@dataclass(frozen=True)
class TimelineFilter:
    start: datetime | None = None
    end: datetime | None = None
    kind: str | None = None  # "contact" | "strike" | None for both
    party: str | None = None  # implies contacts only


@dataclass(frozen=True)
class WindowTotals:
    strikes: int
    drones: int
    missiles: int


@dataclass(frozen=True)
class TimelinePage:
    entries: list[ContactReport | StrikeReport]
    total: int


def _contacts(filters: TimelineFilter) -> Select:
    query = select(
        literal("contact").label("kind"), col(ContactReport.id).label("id"), col(ContactReport.occurred_at).label("at")
    ).where(col(ContactReport.retracted_at).is_(None))
    if filters.start:
        query = query.where(ContactReport.occurred_at >= filters.start)
    if filters.end:
        query = query.where(ContactReport.occurred_at < filters.end)
    if filters.party:
        query = query.where(col(ContactReport.parties_key).contains(filters.party.casefold()))
    return query


def _strikes(filters: TimelineFilter) -> Select:
    query = select(
        literal("strike").label("kind"), col(StrikeReport.id).label("id"), col(StrikeReport.started_at).label("at")
    ).where(col(StrikeReport.retracted_at).is_(None))
    if filters.start:
        query = query.where(StrikeReport.started_at >= filters.start)
    if filters.end:
        query = query.where(StrikeReport.started_at < filters.end)
    return query


def page(session: Session, filters: TimelineFilter, *, limit: int, offset: int) -> TimelinePage:
    parts = []
    if filters.kind in (None, "contact"):
        parts.append(_contacts(filters))
    if filters.kind in (None, "strike") and not filters.party:
        parts.append(_strikes(filters))
    merged = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    total = session.exec(select(func.count()).select_from(merged)).one()
    rows = session.exec(
        select(merged.c.kind, merged.c.id).order_by(merged.c.at.desc(), merged.c.id.desc()).limit(limit).offset(offset)
    ).all()
    contact_ids = [row_id for kind, row_id in rows if kind == "contact"]
    strike_ids = [row_id for kind, row_id in rows if kind == "strike"]
    loaded: dict[tuple[str, int], ContactReport | StrikeReport] = {}
    if contact_ids:
        for contact in session.exec(select(ContactReport).where(col(ContactReport.id).in_(contact_ids))):
            loaded["contact", contact.id] = contact
    if strike_ids:
        for strike in session.exec(select(StrikeReport).where(col(StrikeReport.id).in_(strike_ids))):
            loaded["strike", strike.id] = strike
    return TimelinePage(entries=[loaded[kind, row_id] for kind, row_id in rows], total=total)


def window_totals(session: Session, start: datetime, end: datetime) -> WindowTotals:
    """Live strikes that started in [start, end)."""
    strikes, drones, missiles = session.exec(
        select(
            func.count(col(StrikeReport.id)),
            func.coalesce(func.sum(StrikeReport.drones), 0),
            func.coalesce(func.sum(StrikeReport.missiles), 0),
        ).where(
            col(StrikeReport.retracted_at).is_(None),
            StrikeReport.started_at >= start,
            StrikeReport.started_at < end,
        )
    ).one()
    return WindowTotals(strikes=int(strikes), drones=int(drones), missiles=int(missiles))
