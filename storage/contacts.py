"""Queries on contact reports that strikes do not share."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, not_, or_
from sqlmodel import Session, col, select

from storage.models import ContactReport


def window_root(
    session: Session,
    parties_key: str,
    at: datetime,
    within: timedelta,
    *,
    time_known: bool = True,
    day: timedelta = timedelta(hours=24),
) -> ContactReport | None:
    """The live, original report of the same contact as a report of `parties_key` at `at`, if any.

    Same parties, and: two reports with an hour within `within` of each other; or a report with a date only
    (stored at midnight of its day) and one whose time falls in that day, [midnight, midnight + `day`), whichever
    was logged first; or two date-only reports less than half a day apart (the same date in zones a few hours
    apart; the next date is at least half a day away). The oldest such report is the root.
    """
    stored, stored_known = col(ContactReport.occurred_at), col(ContactReport.time_known)
    if time_known:
        same = or_(
            and_(stored_known, stored >= at - within, stored <= at + within),
            and_(not_(stored_known), stored > at - day, stored <= at),
        )
    else:
        same = or_(
            and_(stored_known, stored >= at, stored < at + day),
            and_(not_(stored_known), stored > at - day / 2, stored < at + day / 2),
        )
    query = (
        select(ContactReport)
        .where(
            ContactReport.parties_key == parties_key,
            col(ContactReport.retracted_at).is_(None),
            col(ContactReport.duplicate_of_id).is_(None),
            same,
        )
        .order_by(ContactReport.id)
    )
    return session.exec(query).first()


def duplicates_of(session: Session, contact_id: int) -> list[ContactReport]:
    query = select(ContactReport).where(
        ContactReport.duplicate_of_id == contact_id, col(ContactReport.retracted_at).is_(None)
    )
    return list(session.exec(query.order_by(ContactReport.id)))
