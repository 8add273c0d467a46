"""Queries shared by contact and strike reports: lookup by id or redelivery key, insert once, retract.

Both report tables carry the same bookkeeping columns (`request_key`, `retracted_*`), so one set of queries
serves both.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import ContactReport, StrikeReport

Report = TypeVar("Report", ContactReport, StrikeReport)


def get(session: Session, model: type[Report], report_id: int) -> Report | None:
    return session.get(model, report_id)


def by_request_key(session: Session, model: type[Report], key: str) -> Report | None:
    return session.exec(select(model).where(model.request_key == key)).first()


def insert_once(session: Session, report: Report) -> tuple[Report, bool]:
    """Insert `report` unless one with its `request_key` exists; returns (stored report, inserted?).

    The unique constraint settles a race between two deliveries of the same request: the loser's insert
    fails inside a savepoint and it returns the winner's row.
    """
    model = type(report)
    if not report.request_key:
        session.add(report)  # nothing to race on: no savepoint needed
        session.flush()
        return report, True
    existing = by_request_key(session, model, report.request_key)
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError:
        existing = by_request_key(session, model, report.request_key)
        if existing is None:
            raise
        return existing, False
    return report, True


def retract(session: Session, report: Report, *, by: str, reason: str, at: datetime) -> Report:
    report.retracted_at, report.retracted_by, report.retract_reason = at, by, reason
    session.add(report)
    session.flush()
    return report
