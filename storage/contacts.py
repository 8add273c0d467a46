"""Queries on contact reports that strikes do not share."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storage.models import ContactReport


def window_root(session: Session, parties_key: str, at: datetime, within: timedelta) -> ContactReport | None:
    """The live, original report of the same contact (same parties, within `within` of `at`), if any."""
    query = (
        select(ContactReport)
        .where(
            ContactReport.parties_key == parties_key,
            col(ContactReport.retracted_at).is_(None),
            col(ContactReport.duplicate_of_id).is_(None),
            ContactReport.occurred_at >= at - within,
            ContactReport.occurred_at <= at + within,
        )
        .order_by(ContactReport.id)
    )
    return session.exec(query).first()


def duplicates_of(session: Session, contact_id: int) -> list[ContactReport]:
    query = select(ContactReport).where(
        ContactReport.duplicate_of_id == contact_id, col(ContactReport.retracted_at).is_(None)
    )
    return list(session.exec(query.order_by(ContactReport.id)))
