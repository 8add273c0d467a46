"""How readiness posts leave us: the `Notifier` each platform provides, the errors every platform is mapped onto,
what a vanished or moved channel means for its subscription and its plan, and the wake-up a worker gets when rows
are planned.

The worker only knows this module; the Slack and Telegram adapters each provide one `Notifier` that renders the
neutral `Reply` the way their command replies are rendered. `channel_gone` and `channel_moved` are the one place
that decides what happens to a channel the platform says is gone or has a new id: the worker calls them when a
post is refused, the Telegram adapter when a service update or a command reply tells it first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import event
from sqlmodel import Session

from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from storage import alert_posts, plan_signal, subscriptions
from storage.channels import Channel


class DeliveryError(Exception):
    """A post failed; subclasses say whether and when to try again."""


class RateLimitedError(DeliveryError):
    """The platform asked us to wait (`429 Retry-After`, Telegram `RetryAfter`)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after:.1f}s")
        self.retry_after = retry_after


class TransientDeliveryError(DeliveryError):
    """Network trouble or a 5xx: try again with backoff."""


class ChannelGoneError(DeliveryError):
    """The bot was removed, blocked, or the chat does not exist: mark the channel inactive, do not retry."""


class ChannelMovedError(DeliveryError):
    """A Telegram group became a supergroup: the subscription moves to `new_channel_id`."""

    def __init__(self, new_channel_id: str) -> None:
        super().__init__(f"channel moved to {new_channel_id}")
        self.new_channel_id = new_channel_id


class Notifier(Protocol):
    platform: Platform

    async def post(self, channel_id: str, message: Reply) -> str:
        """Post `message`; return the platform's reference to it (Slack `ts`, Telegram `message_id`)."""
        ...

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        """Replace a posted message (e.g. to show who acknowledged an alert)."""
        ...


# --- a channel the platform says is gone, or moved ------------------------------------------------------------
@dataclass(frozen=True)
class ChannelChange:
    subscription_changed: bool  # a subscription was deactivated or carried over
    posts: int  # open posts failed (gone) or carried to the new id (moved)


def channel_gone(session: Session, channel: str, reason: str, *, at: datetime) -> ChannelChange:
    """The bot was removed or blocked, or the chat no longer exists: the subscription goes inactive with the reason
    (kept, so subscribing again restores it) and every open post there fails now instead of being retried for ever.
    """
    deactivated = subscriptions.deactivate(session, channel, reason, at=at)
    failed = alert_posts.fail_channel(session, channel, reason=f"channel gone: {reason}", at=at)
    return ChannelChange(deactivated, failed)


def channel_moved(session: Session, channel: str, new_channel_id: str, *, at: datetime) -> ChannelChange:
    """A Telegram group became a supergroup with a new id: its subscription and open posts follow it, so alerts
    keep arriving without anyone subscribing again. If the new id already has a subscription of its own, that one
    wins: the old one is deactivated and its open posts cancelled (the new chat has its own plan)."""
    new_channel = Channel(Channel.from_key(channel).platform, new_channel_id).key
    if channel == new_channel:
        return ChannelChange(False, 0)
    if subscriptions.find(session, new_channel) is not None:
        deactivated = subscriptions.deactivate(session, channel, f"moved to {new_channel}", at=at)
        cancelled = alert_posts.cancel_open(session, channel=channel, reason=f"chat moved to {new_channel}", at=at)
        return ChannelChange(deactivated, sum(cancelled.values()))
    moved_subscription = subscriptions.move(session, channel, new_channel, at=at)
    moved = alert_posts.move_channel(session, channel, new_channel=new_channel, new_channel_id=new_channel_id, at=at)
    return ChannelChange(moved_subscription, moved)


# --- wake-ups -------------------------------------------------------------------------------------------------
# A worker in this process wants to hear about new rows at once rather than at its next poll. Listeners run after
# the transaction commits (before it, the worker could not see the rows).
_listeners: list[Callable[[], None]] = []


def on_plan_changed(listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener` after every commit that adds due rows; returns a function that stops it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def wake_after_commit(session: Session) -> None:
    """Wake the workers once `session` commits (its new rows are visible then): this process's directly, those of
    other processes through the database (`storage.plan_signal`, PostgreSQL)."""
    plan_signal.announce(session)
    if not _listeners:
        return

    def fire(_session: Session) -> None:
        for listener in list(_listeners):
            listener()

    event.listen(session, "after_commit", fire, once=True)
