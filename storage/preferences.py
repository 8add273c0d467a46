"""Queries on what people chose for themselves (their reply language)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import UserPreference


def language_of(session: Session, user: str) -> str | None:
    return session.exec(select(UserPreference.language).where(UserPreference.user == user)).first()


def set_language(session: Session, user: str, language: str, *, at: datetime) -> str | None:
    """Set `user`'s language; returns the one chosen before (None if none)."""
    row = session.exec(select(UserPreference).where(UserPreference.user == user)).first()
    previous = row.language if row else None
    if row is None:
        row = UserPreference(user=user, language=language, updated_at=at)
    else:
        row.language, row.updated_at = language, at
    session.add(row)
    session.flush()
    return previous
