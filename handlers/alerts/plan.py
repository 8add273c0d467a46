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
from storage.models import ChannelSubscription, ContactReport, PlannedPost, PlannedStep, PostKind


# --- the ladder -----------------------------------------------------------------------------------------------
def channel_offsets(subscription: ChannelSubscription, default: tuple[int, ...]) -> tuple[int, ...]:
    return ladder_offsets(subscription.offsets, default)


def ladder_offsets(text: str, default: tuple[int, ...]) -> tuple[int, ...]:
    try:
        return _offsets(text)
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


def plan_steps(
    contact: ContactReport, offsets: tuple[int, ...], escalate_after_seconds: int | None, now: datetime
) -> list[PlannedStep]:
    """The steps a channel with these settings is owed for a contact, or none if its window has already closed.

    The alert goes out at once (or at the first offset, if that is still ahead); reminders whose time has
    passed are skipped, because a reminder of a moment already gone says nothing the alert does not.
    """
    occurred = as_utc(contact.occurred_at)
    opens = window_opens(contact)  # a date-only contact's window opens at the end of its day (records/window.py)
    window = offsets[-1]
    closes = opens + timedelta(seconds=window)
    if closes <= now:
        return []

    alert_due = max(now, occurred + timedelta(seconds=offsets[0])) if len(offsets) > 1 else now
    steps = [PlannedStep(PostKind.ALERT, alert_due, 0, offsets[0], window)]
    for step, offset in enumerate(offsets[1:-1], start=1):
        due = opens + timedelta(seconds=offset)
        if due > now:
            steps.append(PlannedStep(PostKind.REMINDER, due, step, offset, window))
    steps.append(PlannedStep(PostKind.SUMMARY, closes, len(offsets) - 1, window, window))
    if escalate_after_seconds:
        escalate_at = alert_due + timedelta(seconds=escalate_after_seconds)
        if escalate_at < closes:
            offset = int((escalate_at - occurred).total_seconds())
            steps.append(PlannedStep(PostKind.ESCALATION, escalate_at, 0, offset, window))
    return steps


def plan_channel(
    contact: ContactReport, subscription: ChannelSubscription, offsets: tuple[int, ...], now: datetime
) -> list[PlannedPost]:
    """The rows one channel is owed for a contact (`plan_steps`), or none if its window has already closed."""
    contact_id = contact.id
    assert contact_id is not None  # planned after the contact's insert was flushed
    return [
        step.for_channel(
            contact_id=contact_id,
            channel=subscription.channel,
            platform=subscription.platform,
            channel_id=subscription.channel_id,
            planned_at=now,
        )
        for step in plan_steps(contact, offsets, subscription.escalate_after_seconds, now)
    ]


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
        ladders = subscriptions.active_ladders(session)
        now = ctx.now()
        default = ctx.settings.offsets_seconds
        offsets = [ladder_offsets(ladder.offsets, default) for ladder in ladders]
        windows = [seconds[-1] for seconds in offsets]
        if not ladders:
            if self._window_closed(contact, windows, default) <= now:
                return [self._historical(contact, windows, ctx)]
            return [_("No channel is subscribed to readiness alerts yet: /alerts subscribe in a channel to start.")]
        reached = 0
        closes: list[datetime] = []
        for ladder, seconds in zip(ladders, offsets, strict=True):
            steps = plan_steps(contact, seconds, ladder.escalate_after_seconds, now)
            if steps:
                reached += alert_posts.add_ladder_posts(session, contact.id, ladder, steps, planned_at=now)
                closes += [step.due_at for step in steps if step.kind == PostKind.SUMMARY]
        if not reached:
            return [self._historical(contact, windows, ctx)]
        wake_after_commit(session)
        zone = ctx.channel_zone(contact.channel)
        skipped = sum(ladder.channels for ladder in ladders) - reached
        line = ngettext(
            "Readiness alert going to {n} subscribed channel now; reminders through the window, which closes {when}.",
            "Readiness alert going to {n} subscribed channels now; reminders through the window, which closes {when}.",
            reached,
        ).format(n=reached, when=show_time(max(closes), zone))
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
    def _window_closed(contact: ContactReport, windows: list[int], default: tuple[int, ...]) -> datetime:
        """When the longest of the subscribed channels' windows (the default one when none) closes."""
        return window_opens(contact) + timedelta(seconds=max(windows, default=default[-1]))

    def _historical(self, contact: ContactReport, windows: list[int], ctx: HandlerContext) -> str:
        closed = self._window_closed(contact, windows, ctx.settings.offsets_seconds)
        longest = int((closed - window_opens(contact)).total_seconds())
        when = show_time(closed, ctx.channel_zone(contact.channel))
        return _(
            "Its {length} readiness window closed {when}: stored as a historical record, no alerts planned."
        ).format(length=show_offset(longest), when=when)
