"""Queries on channel subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.models import ChannelSubscription


def find(session: Session, channel: str) -> ChannelSubscription | None:
    return session.exec(select(ChannelSubscription).where(ChannelSubscription.channel == channel)).first()


def active(session: Session) -> list[ChannelSubscription]:
    query = select(ChannelSubscription).where(ChannelSubscription.active).order_by(ChannelSubscription.id)
    return list(session.exec(query))


def deactivate(session: Session, channel: str, reason: str, *, at: datetime) -> bool:
    """Stop posting to a channel the platform says is gone (bot blocked or removed); True if one was active.

    The row stays, so `/alerts subscribe` in the same chat later reactivates it with its settings.
    """
    row = find(session, channel)
    if row is None or not row.active:
        return False
    row.active, row.inactive_reason, row.updated_at = False, reason, at
    session.add(row)
    session.flush()
    return True


def move(session: Session, old_channel: str, new_channel: str, *, at: datetime) -> bool:
    """Carry a subscription to the chat's new id (a Telegram group upgraded to a supergroup).

    If the new id already has a subscription of its own, that one wins and the old row is deactivated.
    """
    row = find(session, old_channel)
    if row is None:
        return False
    if find(session, new_channel) is not None:
        return deactivate(session, old_channel, f"moved to {new_channel}", at=at)
    platform, _, channel_id = new_channel.partition(":")
    row.channel, row.platform, row.channel_id, row.updated_at = new_channel, platform, channel_id, at
    session.add(row)
    session.flush()
    return True
