"""Queries on channel subscriptions."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import ChannelSubscription


def find(session: Session, channel: str) -> ChannelSubscription | None:
    return session.exec(select(ChannelSubscription).where(ChannelSubscription.channel == channel)).first()


def active(session: Session) -> list[ChannelSubscription]:
    query = select(ChannelSubscription).where(ChannelSubscription.active).order_by(ChannelSubscription.id)
    return list(session.exec(query))
