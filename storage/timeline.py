"""The timeline query: contacts and strikes merged newest first, paged, and the strikes inside a window.

Each kind is read newest first along its time index and cut at the page's end before the two are merged, so
a page near the top costs the same over a million strikes as over ten. The total is counted only up to a bound
the caller gives (`count_limit`): past it the page says "at least", so the count does not grow with the history
either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, literal, not_, or_, text
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

    @property
    def weapons(self) -> int:
        return self.drones + self.missiles


@dataclass(frozen=True)
class TimelinePage:
    entries: list[ContactReport | StrikeReport]
    total: int  # rows matching the filters, or the count limit when more match (then `total_is_floor`)
    total_is_floor: bool = False


def _contacts(filters: TimelineFilter) -> Select:
    query = select(
        literal("contact").label("kind"), col(ContactReport.id).label("id"), col(ContactReport.occurred_at).label("at")
    ).where(col(ContactReport.retracted_at).is_(None))
    if filters.start:
        query = query.where(ContactReport.occurred_at >= filters.start)
    if filters.end:
        query = query.where(ContactReport.occurred_at < filters.end)
    if filters.party:
        query = query.where(col(ContactReport.parties_key).contains(filters.party.casefold(), autoescape=True))
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


def page(
    session: Session, filters: TimelineFilter, *, limit: int, offset: int, count_limit: int | None = None
) -> TimelinePage:
    """One page, newest first. Each half is sorted and cut to `offset + limit` rows by its own time index
    before the two are merged, so no query ever sorts the whole table.

    With `count_limit`, each half counts at most `count_limit + 1` rows, so counting costs the same over a
    million rows as over `count_limit`; a total above the limit comes back as the limit, `total_is_floor` set."""
    halves = []
    if filters.kind in (None, "contact"):
        halves.append(_contacts(filters))
    if filters.kind in (None, "strike") and not filters.party:
        halves.append(_strikes(filters))
    total = 0
    candidates: list[tuple[datetime, int, str]] = []
    for half in halves:
        counted = half if count_limit is None else half.limit(count_limit + 1)
        total += session.exec(select(func.count()).select_from(counted.subquery())).one()
        newest = half.order_by(None).order_by(text("at DESC"), text("id DESC")).limit(offset + limit)
        candidates += [(at, row_id, kind) for kind, row_id, at in session.exec(newest)]
    candidates.sort(key=lambda row: (row[0], row[1]), reverse=True)
    rows = [(kind, row_id) for _at, row_id, kind in candidates[offset : offset + limit]]
    contact_ids = [row_id for kind, row_id in rows if kind == "contact"]
    strike_ids = [row_id for kind, row_id in rows if kind == "strike"]
    loaded: dict[tuple[str, int], ContactReport | StrikeReport] = {}
    if contact_ids:
        for contact in session.exec(select(ContactReport).where(col(ContactReport.id).in_(contact_ids))):
            loaded["contact", contact.id] = contact
    if strike_ids:
        for strike in session.exec(select(StrikeReport).where(col(StrikeReport.id).in_(strike_ids))):
            loaded["strike", strike.id] = strike
    entries = [loaded[kind, row_id] for kind, row_id in rows]
    if count_limit is not None and total > count_limit:
        return TimelinePage(entries=entries, total=count_limit, total_is_floor=True)
    return TimelinePage(entries=entries, total=total)


def window_totals(
    session: Session, start: datetime, end: datetime, *, date_only_at: timedelta = timedelta(0)
) -> WindowTotals:
    """Live strikes in [start, end), a strike of unknown hour counted at its stored midnight + `date_only_at`
    (the counting rule is `handlers.records.window`'s; the query only applies it)."""
    started = col(StrikeReport.started_at)
    known = col(StrikeReport.time_known)
    strikes, drones, missiles = session.exec(
        select(
            func.count(col(StrikeReport.id)),
            func.coalesce(func.sum(StrikeReport.drones), 0),
            func.coalesce(func.sum(StrikeReport.missiles), 0),
        ).where(
            col(StrikeReport.retracted_at).is_(None),
            started >= start - date_only_at,
            started < end,
            or_(and_(known, started >= start), and_(not_(known), started < end - date_only_at)),
        )
    ).one()
    return WindowTotals(strikes=int(strikes), drones=int(drones), missiles=int(missiles))
