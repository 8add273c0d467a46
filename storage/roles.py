"""Queries on granted roles."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage import authority
from storage.models import UserRole


def role_of(session: Session, user: str) -> str | None:
    row = session.exec(select(UserRole.role).where(UserRole.user == user)).first()
    return row


def grant(
    session: Session, *, user: str, role: str, granted_by: str, at: datetime, display_name: str | None = None
) -> tuple[UserRole, str | None]:
    """Set `user`'s role; returns the row and the role it had before (None if new). Only admins may."""
    authority.check_write("admin")
    row = session.exec(select(UserRole).where(UserRole.user == user)).first()
    previous = row.role if row else None
    if row is None:
        row = UserRole(user=user, role=role, granted_by=granted_by, granted_at=at, display_name=display_name)
    else:
        row.role, row.granted_by, row.granted_at = role, granted_by, at
        row.display_name = display_name or row.display_name
    session.add(row)
    session.flush()
    return row, previous


def listing(session: Session) -> list[UserRole]:
    return list(session.exec(select(UserRole).order_by(UserRole.role, UserRole.user)))
