"""Planning a contact's readiness posts: the alert, reminders, escalation and window-close summary per channel.

`AlertPlanner` is a contact hook, so the plan is written in the same transaction as the contact itself: a
contact the bot confirmed always has its plan, and a retraction always cancels it. The worker only executes
the rows; nothing is kept in memory or in the scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlmodel import Session

from handlers.alerts.delivery import wake_after_commit
from handlers.alerts.spans import show_offset
from handlers.chat.context import HandlerContext
from handlers.i18n import _, ngettext
from handlers.records.window import window_start
from handlers.text.durations import parse_offsets
from handlers.text.times import as_utc, show_time
from storage import alert_posts, subscriptions
from storage.models import ChannelSubscription, ContactReport, PlannedPost, PostKind


# --- the ladder -----------------------------------------------------------------------------------------------
def channel_offsets(subscription: ChannelSubscription, default: tuple[int, ...]) -> tuple[int, ...]:
    try:
        return _offsets(subscription.offsets)
    except ValueError:  # a row written by hand; the setting has been validated at start-up
        return default


@lru_cache(maxsize=64)
def _offsets(text: str) -> tuple[int, ...]:
    """Parsed once per distinct setting: a contact plans every subscribed channel, most with the same offsets
    (an error is not cached, so it is raised, in the caller's language, every time)."""
    return parse_offsets(text)


def window_opens(contact: ContactReport) -> datetime:
    """When the contact's readiness window opens: its time, or the end of its day when only the date was reported
    — the one rule `/timeline`, `/analysis` and the window-close summary count by (`handlers.records.window`).
    The alert itself goes out when the contact is logged, whatever the window."""
    return window_start(contact.occurred_at, contact.time_known)


def plan_channel(
    contact: ContactReport, subscription: ChannelSubscription, offsets: tuple[int, ...], now: datetime
) -> list[PlannedPost]:
    """The rows one channel is owed for a contact, or none if the channel's window has already closed.

    The alert goes out at once (or at the first offset, if that is still ahead); reminders whose time has
    passed are skipped, because a reminder of a moment already gone says nothing the alert does not.
    """
    occurred = as_utc(contact.occurred_at)
    opens = window_opens(contact)  # a date-only contact's window opens at the end of its day (records/window.py)
    window = offsets[-1]
    closes = opens + timedelta(seconds=window)
    if closes <= now:
        return []

    contact_id = contact.id
    assert contact_id is not None  # planned after the contact's insert was flushed

    def row(kind: PostKind, step: int, offset: int, due: datetime) -> PlannedPost:
        return PlannedPost(
            contact_id=contact_id,
            channel=subscription.channel,
            platform=subscription.platform,
            channel_id=subscription.channel_id,
            kind=kind,
            step=step,
            offset_seconds=offset,
            window_seconds=window,
            due_at=due,
            planned_at=now,
        )

    alert_due = max(now, occurred + timedelta(seconds=offsets[0])) if len(offsets) > 1 else now
    posts = [row(PostKind.ALERT, 0, offsets[0], alert_due)]
    for step, offset in enumerate(offsets[1:-1], start=1):
        due = opens + timedelta(seconds=offset)
        if due > now:
            posts.append(row(PostKind.REMINDER, step, offset, due))
    posts.append(row(PostKind.SUMMARY, len(offsets) - 1, window, closes))
    if subscription.escalate_after_seconds:
        escalate_at = alert_due + timedelta(seconds=subscription.escalate_after_seconds)
        if escalate_at < closes:
            posts.append(row(PostKind.ESCALATION, 0, int((escalate_at - occurred).total_seconds()), escalate_at))
    return posts


@dataclass(frozen=True)
class OpenWindow:
    """A contact whose window, by this channel's offsets, is still open and which this channel has not heard of."""

    contact: ContactReport
    closes: datetime


def open_windows(
    session: Session, subscription: ChannelSubscription, default: tuple[int, ...], now: datetime
) -> list[OpenWindow]:
    """Contacts a channel could still join: live, not a repeat report, window open now, nothing planned here."""
    offsets = channel_offsets(subscription, default)
    since = now - timedelta(seconds=offsets[-1])
    found = []
    for contact in alert_posts.unplanned_contacts(session, subscription.channel, since=since):
        closes = window_opens(contact) + timedelta(seconds=offsets[-1])
        if closes > now:
            found.append(OpenWindow(contact, closes))
    return found


def join_window(
    session: Session, contact: ContactReport, subscription: ChannelSubscription, default: tuple[int, ...], now: datetime
) -> list[PlannedPost]:
    """Plan one channel's remaining steps of a contact already under way: the alert at once, then the reminders
    and summary still ahead. Once: a contact the channel already has posts for gets none (the step constraint
    would refuse a second plan anyway)."""
    if contact.id is None or alert_posts.planned_in_channel(session, contact.id, subscription.channel):
        return []
    posts = plan_channel(contact, subscription, channel_offsets(subscription, default), now)
    if posts:
        alert_posts.add_posts(session, posts)
        wake_after_commit(session)
    return posts


class AlertPlanner:
    """The contact hook that plans (and on retraction cancels) every subscribed channel's readiness posts."""

    def logged(self, session: Session, contact: ContactReport, ctx: HandlerContext) -> list[str]:
        if contact.duplicate_of_id is not None or contact.retracted_at is not None or contact.id is None:
            return []  # a repeat report of the same contact: its window is already open (the handler says so)
        if alert_posts.has_plan(session, contact.id):
            return []
        channels = subscriptions.active(session)
        now = ctx.now()
        if not channels:
            if self._window_closed(contact, channels, ctx) <= now:
                return [self._historical(contact, channels, ctx)]
            return [_("No channel is subscribed to readiness alerts yet: /alerts subscribe in a channel to start.")]
        planned: list[PlannedPost] = []
        reached = 0
        for subscription in channels:
            posts = plan_channel(
                contact, subscription, channel_offsets(subscription, ctx.settings.offsets_seconds), now
            )
            reached += bool(posts)
            planned += posts
        if not planned:
            return [self._historical(contact, channels, ctx)]
        alert_posts.add_posts(session, planned)
        wake_after_commit(session)
        zone = ctx.channel_zone(contact.channel)
        closes = max(post.due_at for post in planned if post.kind == PostKind.SUMMARY)
        skipped = len(channels) - reached
        line = ngettext(
            "Readiness alert going to {n} subscribed channel now; reminders through the window, which closes {when}.",
            "Readiness alert going to {n} subscribed channels now; reminders through the window, which closes {when}.",
            reached,
        ).format(n=reached, when=show_time(closes, zone))
        if skipped:
            line += " " + ngettext(
                "({n} channel with a shorter window already closed: none sent there.)",
                "({n} channels with a shorter window already closed: none sent there.)",
                skipped,
            ).format(n=skipped)
        return [line]

    def retracted(self, session: Session, contact: ContactReport, ctx: HandlerContext) -> list[str]:
        if contact.id is None:
            return []
        now = ctx.now()
        told = alert_posts.channels_told(session, contact.id)
        where = {post.channel: post for post in alert_posts.posts_of(session, contact.id)}
        cancelled = alert_posts.cancel_open(session, contact_id=contact.id, reason="contact retracted", at=now)
        notices = []
        for channel in sorted(told):
            subscription = subscriptions.find(session, channel)
            if subscription is None or not subscription.active:
                continue
            notices.append(where[channel].follow_up(PostKind.RETRACTION, now))
        if notices:
            alert_posts.add_posts(session, notices)
            wake_after_commit(session)
        if not cancelled and not notices:
            return []
        total = sum(cancelled.values())
        posts = ngettext("{n} pending readiness post", "{n} pending readiness posts", total).format(n=total)
        if not notices:
            return [_("Cancelled {posts}.").format(posts=posts)]
        channels = ngettext("{n} channel", "{n} channels", len(notices)).format(n=len(notices))
        return [_("Cancelled {posts}; a retraction notice goes to {channels}.").format(posts=posts, channels=channels)]

    @staticmethod
    def _window_closed(contact: ContactReport, channels: list[ChannelSubscription], ctx: HandlerContext) -> datetime:
        """When the longest window among `channels` (the default one when none) closes."""
        longest = max(
            (channel_offsets(channel, ctx.settings.offsets_seconds)[-1] for channel in channels),
            default=ctx.settings.offsets_seconds[-1],
        )
        return window_opens(contact) + timedelta(seconds=longest)

    def _historical(self, contact: ContactReport, channels: list[ChannelSubscription], ctx: HandlerContext) -> str:
        closed = self._window_closed(contact, channels, ctx)
        longest = int((closed - window_opens(contact)).total_seconds())
        when = show_time(closed, ctx.channel_zone(contact.channel))
        return _(
            "Its {length} readiness window closed {when}: stored as a historical record, no alerts planned."
        ).format(length=show_offset(longest), when=when)
