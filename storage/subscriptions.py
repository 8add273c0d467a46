"""Queries on channel subscriptions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from storage import alert_posts, authority
from storage.channels import Channel
from storage.models import ChannelSubscription, Ladder


def find(session: Session, channel: str) -> ChannelSubscription | None:
    return session.exec(select(ChannelSubscription).where(ChannelSubscription.channel == channel)).first()


@dataclass(frozen=True, slots=True)
class PostSettings:
    """What a channel's posts are written with: its zone, its language, and whom an escalation mentions."""

    tz: str
    lang: str
    escalate_mentions: str | None


def post_settings(session: Session, channels: Iterable[str]) -> dict[str, PostSettings]:
    """Several channels' post settings in one query, as plain values (the alert worker loads a whole claim at
    once: a fan-out reads a thousand of them, where ORM objects cost several times as much)."""
    wanted = tuple(set(channels))
    if not wanted:
        return {}
    table = ChannelSubscription.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(table.c.channel, table.c.tz, table.c.lang, table.c.escalate_mentions).where(table.c.channel.in_(wanted))
    )
    return {channel: PostSettings(tz, lang, mentions) for channel, tz, lang, mentions in rows}


def active(session: Session) -> list[ChannelSubscription]:
    query = select(ChannelSubscription).where(ChannelSubscription.active).order_by(ChannelSubscription.id)
    return list(session.exec(query))


def active_ladders(session: Session) -> list[Ladder]:
    """The active subscriptions grouped by their post timing, with how many channels share each: a contact is
    planned once per ladder, not once per channel."""
    table = ChannelSubscription.__table__  # type: ignore[attr-defined]
    query = (
        select(table.c.offsets, table.c.escalate_after_seconds, func.count())
        .where(table.c.active)
        .group_by(table.c.offsets, table.c.escalate_after_seconds)
        .order_by(table.c.offsets, table.c.escalate_after_seconds)
    )
    return [Ladder(offsets, escalate, count) for offsets, escalate, count in session.execute(query)]


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
    moved = Channel.from_key(new_channel)
    row.channel, row.platform, row.channel_id, row.updated_at = moved.key, moved.platform, moved.id, at
    session.add(row)
    session.flush()
    return True


def subscribe(
    session: Session,
    *,
    channel: str,
    platform: str,
    channel_id: str,
    by: str,
    at: datetime,
    tz: str | None = None,
    offsets: str | None = None,
    escalate_after_seconds: int | object | None = ...,
    escalate_mentions: str | object | None = ...,
    lang: str | None = None,
    default_tz: str = "UTC",
    default_offsets: str = "0h,24h,48h,72h",
    default_lang: str = "en",
) -> tuple[ChannelSubscription, bool]:
    """Create or re-activate a channel's subscription; only the settings given are changed on an existing one.

    `...` means "not given" for the escalation settings, because None is a meaningful value there (off / nobody).
    Returns (row, created?).
    """
    authority.check_write("admin")  # deciding who is told about every contact is an admin's
    row = find(session, channel)
    created = row is None
    if row is None:
        row = ChannelSubscription(
            channel=channel,
            platform=platform,
            channel_id=channel_id,
            tz=tz or default_tz,
            offsets=offsets or default_offsets,
            lang=lang or default_lang,
            subscribed_by=by,
            created_at=at,
            updated_at=at,
        )
    else:
        row.tz = tz or row.tz
        row.offsets = offsets or row.offsets
        row.lang = lang or row.lang
        row.subscribed_by = by if not row.active else row.subscribed_by
    if escalate_after_seconds is not ...:
        row.escalate_after_seconds = escalate_after_seconds  # type: ignore[assignment]
    if escalate_mentions is not ...:
        row.escalate_mentions = escalate_mentions  # type: ignore[assignment]
    row.active, row.inactive_reason, row.updated_at = True, None, at
    session.add(row)
    session.flush()
    alert_posts.ensure_pace_rows(session, [channel], at)  # the worker's claims pace every channel by its row
    return row, created


def inactive(session: Session) -> list[ChannelSubscription]:
    query = select(ChannelSubscription).where(ChannelSubscription.active == False)  # noqa: E712
    return list(session.exec(query.order_by(ChannelSubscription.id)))
