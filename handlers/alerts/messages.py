"""What each readiness post says. Composed when it is sent, not when it is planned, so a reminder counts the
strikes logged up to that moment and an alert shows who has acknowledged it.

Two steps, so formatting never runs inside a transaction: `load_post` reads everything one post needs into a
small immutable `PostBundle` (inside the worker's claim transaction), and `compose` turns a bundle into a `Reply`
with no session at all. Plain text only (adapters escape it); people are notified through `Reply.mentions`, never
through text. Every alert, reminder and escalation shows its contact number and the commands that take it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from sqlmodel import Session

from handlers.chat.reply import Button, Reply, Visibility
from handlers.records.window import strikes_after
from handlers.text.durations import format_duration
from handlers.text.times import as_utc, show_time
from handlers.text.zones import UnknownZoneError, resolve_zone
from storage import alert_posts, records, subscriptions
from storage.alert_posts import StrikeTotals
from storage.models import AlertPost, ChannelSubscription, ContactReport, PostKind

CHECKLIST = (
    "Raise air-defence readiness",
    "Activate civil defence",
    "Watch military logistics",
    "Coordinate with partners",
)
BASELINE_DAYS = 28  # the "usual level" is the daily rate over this many days before the contact
SNOOZE_DEFAULT = "2h"


# --- what a post needs, read once ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ContactFacts:
    id: int
    kind: str
    parties: str
    occurred_at: datetime
    time_known: bool
    source: str | None
    confidence: str
    notes: str | None
    retracted_at: datetime | None
    retracted_by: str | None
    retract_reason: str | None

    @classmethod
    def of(cls, contact: ContactReport) -> ContactFacts:
        assert contact.id is not None
        return cls(
            id=contact.id,
            kind=contact.kind,
            parties=contact.parties,
            occurred_at=as_utc(contact.occurred_at),
            time_known=contact.time_known,
            source=contact.source,
            confidence=contact.confidence,
            notes=contact.notes,
            retracted_at=as_utc(contact.retracted_at) if contact.retracted_at else None,
            retracted_by=contact.retracted_by,
            retract_reason=contact.retract_reason,
        )


@dataclass(frozen=True)
class PostFacts:
    contact_id: int
    kind: str
    offset_seconds: int
    window_seconds: int
    due_at: datetime
    sent_at: datetime | None = None
    message_ref: str | None = None
    acked_by: str | None = None
    acked_at: datetime | None = None

    @classmethod
    def of(cls, post: AlertPost) -> PostFacts:
        return cls(
            contact_id=post.contact_id,
            kind=post.kind,
            offset_seconds=post.offset_seconds,
            window_seconds=post.window_seconds,
            due_at=as_utc(post.due_at),
            sent_at=as_utc(post.sent_at) if post.sent_at else None,
            message_ref=post.message_ref,
            acked_by=post.acked_by,
            acked_at=as_utc(post.acked_at) if post.acked_at else None,
        )


@dataclass(frozen=True)
class SummaryTotals:
    """The window-close figures: strikes in the window, and in the baseline days before the contact."""

    in_window: StrikeTotals
    before: StrikeTotals


@dataclass(frozen=True)
class PostBundle:
    """Everything one post's text is made of; `skip_reason` says there is nothing to send any more."""

    post: PostFacts
    zone: tzinfo
    contact: ContactFacts | None = None
    alert: PostFacts | None = None  # the channel's alert for the contact: acknowledged? where to edit it?
    mentions: tuple[str, ...] = ()
    so_far: StrikeTotals | None = None  # reminders: strikes since the contact
    summary: SummaryTotals | None = None
    skip_reason: str | None = None


def load_posts(session: Session, posts: list[AlertPost], *, now: datetime, default_tz: str = "UTC") -> list[PostBundle]:
    """`load_post` for a whole claim: the channels' subscriptions are read in one query, each contact once."""
    found = subscriptions.find_many(session, [post.channel for post in posts])
    zones = {channel: _zone_of(found.get(channel), default_tz) for channel in {post.channel for post in posts}}
    return [load_post(session, post, now=now, default_tz=default_tz, zone=zones[post.channel]) for post in posts]


def load_post(
    session: Session, post: AlertPost, *, now: datetime, default_tz: str = "UTC", zone: tzinfo | None = None
) -> PostBundle:
    """Read what `post` needs to be composed (the only step here that touches the database)."""
    facts = PostFacts.of(post)
    zone = zone or _zone(session, post.channel, default_tz)
    contact = records.get(session, ContactReport, post.contact_id)
    if contact is None:
        return PostBundle(facts, zone, skip_reason="the contact no longer exists")
    alert_row = post if post.kind == PostKind.ALERT else alert_posts.alert_of(session, post.contact_id, post.channel)
    alert = PostFacts.of(alert_row) if alert_row is not None else None
    bundle = PostBundle(facts, zone, contact=ContactFacts.of(contact), alert=alert)
    match post.kind:
        case PostKind.REFRESH if alert is None or alert.message_ref is None:
            return _skipped(bundle, "the alert was never posted, so there is nothing to update")
        case PostKind.ESCALATION if alert is None or alert.acked_at is not None:
            return _skipped(bundle, "acknowledged before escalation")
        case PostKind.ESCALATION:
            subscription = subscriptions.find(session, post.channel)
            return _with(bundle, mentions=_mentions(subscription.escalate_mentions if subscription else None))
        case PostKind.REMINDER:
            return _with(bundle, so_far=alert_posts.strike_totals(session, as_utc(contact.occurred_at), now))
        case PostKind.SUMMARY:
            return _with(
                bundle,
                summary=summary_totals(
                    session, as_utc(contact.occurred_at), post.window_seconds, time_known=contact.time_known
                ),
            )
    return bundle


def summary_totals(
    session: Session, contact_at: datetime, window_seconds: int, *, time_known: bool = True
) -> SummaryTotals:
    """The one place the window-close figures are counted: strikes in the contact's window (by the counting rule
    /timeline and /analysis share, `handlers.records.window`), and in the `BASELINE_DAYS` before it (the usual
    level)."""
    found = strikes_after(session, contact_at, time_known, timedelta(seconds=window_seconds))
    in_window = StrikeTotals(found.strikes, found.drones, found.missiles)
    before = alert_posts.strike_totals(session, contact_at - timedelta(days=BASELINE_DAYS), contact_at)
    return SummaryTotals(in_window=in_window, before=before)


def _with(bundle: PostBundle, **changes: object) -> PostBundle:
    return replace(bundle, **changes)  # type: ignore[arg-type]


def _skipped(bundle: PostBundle, reason: str) -> PostBundle:
    return _with(bundle, skip_reason=reason)


def _zone(session: Session, channel: str, default_tz: str) -> tzinfo:
    return _zone_of(subscriptions.find(session, channel), default_tz)


def _zone_of(subscription: ChannelSubscription | None, default_tz: str) -> tzinfo:
    try:
        return resolve_zone(subscription.tz if subscription else default_tz)
    except UnknownZoneError:
        return resolve_zone(default_tz)


def _mentions(raw: str | None) -> tuple[str, ...]:
    return tuple(user.strip() for user in (raw or "").split(",") if user.strip())


# --- what a post says (no database from here on) ------------------------------------------------------------
@dataclass(frozen=True)
class Composed:
    """A post ready to send, or the reason there is nothing to send any more (an escalation already acked)."""

    reply: Reply | None
    skip_reason: str | None = None
    update_of: str | None = None  # for a refresh: the message_ref of the alert to edit


def compose(bundle: PostBundle, *, now: datetime, late: bool) -> Composed:
    """The message for a loaded post."""
    contact, post, alert, zone = bundle.contact, bundle.post, bundle.alert, bundle.zone
    if bundle.skip_reason is not None or contact is None:
        return Composed(None, bundle.skip_reason or "the contact no longer exists")
    late_note = f"Posted late: this was due {show_time(post.due_at, zone)}." if late else None
    match post.kind:
        case PostKind.ALERT:
            return Composed(alert_message(contact, post, zone, late_note=late_note))
        case PostKind.REFRESH:
            assert alert is not None and alert.message_ref is not None  # load_post skipped it otherwise
            return Composed(alert_message(contact, alert, zone, late_note=None), update_of=alert.message_ref)
        case PostKind.REMINDER:
            so_far = bundle.so_far or StrikeTotals(0, 0, 0)
            return Composed(reminder_message(contact, post, alert, zone, now=now, so_far=so_far, late_note=late_note))
        case PostKind.ESCALATION:
            assert alert is not None
            return Composed(escalation_message(contact, post, alert, zone, now=now, mentions=bundle.mentions))
        case PostKind.SUMMARY:
            assert bundle.summary is not None
            totals = bundle.summary
            return Composed(
                summary_message(
                    contact, post, zone, in_window=totals.in_window, before=totals.before, late_note=late_note
                )
            )
        case PostKind.RETRACTION:
            return Composed(retraction_message(contact, zone))
    return Composed(None, f"unknown kind {post.kind!r}")


def format_offset(seconds: int) -> str:
    """Offsets read in hours, as people set them: 86400 → '24h', 5400 → '1h30m'."""
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h" if not rest else format_duration(seconds)


def format_span(seconds: int) -> str:
    """A length of time in words: '3 days', '1 day 6 hours', '12 hours', '2 minutes', '45 seconds'."""
    parts = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    return " ".join(parts[:2]) or "0 seconds"


def _headline(contact: ContactFacts) -> str:
    return f"contact #{contact.id} · {contact.kind} · {contact.parties}"


def _actions(post: AlertPost | PostFacts, *, acknowledged: bool) -> tuple[Button, ...]:
    """The buttons carry the contact number, so a press is exactly `/alerts ack N` or `/alerts snooze N 2h`."""
    snooze = Button(f"Snooze {SNOOZE_DEFAULT}", "alerts snooze", f"{post.contact_id} {SNOOZE_DEFAULT}")
    if acknowledged:
        return (snooze,)
    return (Button("Acknowledge", "alerts ack", str(post.contact_id), style="primary"), snooze)


def _how_to_act(contact_id: int, *, acknowledged: bool) -> str:
    snooze = f"/alerts snooze {contact_id} {SNOOZE_DEFAULT} pushes back the next reminder"
    return snooze + "." if acknowledged else f"/alerts ack {contact_id} acknowledges; {snooze}."


def _window_line(contact: ContactFacts, window_seconds: int, zone: tzinfo) -> str:
    closes = contact.occurred_at + timedelta(seconds=window_seconds)
    return f"Risk window: {format_offset(window_seconds)}, closes {show_time(closes, zone)}"


def alert_message(contact: ContactFacts, alert: PostFacts, zone: tzinfo, *, late_note: str | None) -> Reply:
    when = show_time(contact.occurred_at, zone) + ("" if contact.time_known else " (hour not reported)")
    lines = [
        f"Reported: {contact.kind} between {contact.parties}",
        f"When: {when}",
        f"Source: {contact.source or 'not given'} · Confidence: {contact.confidence}",
        _window_line(contact, alert.window_seconds, zone),
        "",
        "Readiness checklist:",
        *(f"[ ] {item}" for item in CHECKLIST),
    ]
    if contact.notes:
        lines.insert(3, f"Notes: {contact.notes}")
    acknowledged = alert.acked_at is not None
    status = (
        f"Acknowledged by {alert.acked_by} at {show_time(alert.acked_at, zone)}"  # type: ignore[arg-type]
        if acknowledged
        else "Not yet acknowledged"
    )
    footer = "\n".join(filter(None, [status, _how_to_act(contact.id, acknowledged=acknowledged), late_note]))
    return Reply(
        title=f"READINESS ALERT · {_headline(contact)}",
        text="\n".join(lines),
        footer=footer,
        buttons=_actions(alert, acknowledged=acknowledged),
        visibility=Visibility.CHANNEL,
    )


def reminder_message(
    contact: ContactFacts,
    post: PostFacts,
    alert: PostFacts | None,
    zone: tzinfo,
    *,
    now: datetime,
    so_far: StrikeTotals,
    late_note: str | None,
) -> Reply:
    closes = contact.occurred_at + timedelta(seconds=post.window_seconds)
    left_hours = max(0.0, (closes - now).total_seconds() / 3600)
    lines = [
        f"{left_hours:.0f}h left in the readiness window (+{format_offset(post.offset_seconds)} of "
        f"{format_offset(post.window_seconds)}; it closes {show_time(closes, zone)}).",
        f"Strikes logged since the contact: {_totals(so_far)}.",
        "Checklist: " + "; ".join(CHECKLIST).lower().capitalize() + ".",
    ]
    acknowledged = alert is not None and alert.acked_at is not None
    footer = "\n".join(filter(None, [_how_to_act(contact.id, acknowledged=acknowledged), late_note]))
    return Reply(
        title=f"Reminder · {_headline(contact)}",
        text="\n".join(lines),
        footer=footer,
        buttons=_actions(post, acknowledged=acknowledged),
        visibility=Visibility.CHANNEL,
    )


def escalation_message(
    contact: ContactFacts,
    post: PostFacts,
    alert: PostFacts,
    zone: tzinfo,
    *,
    now: datetime,
    mentions: tuple[str, ...],
) -> Reply:
    posted = alert.sent_at or alert.due_at
    waited = format_duration(max(0, int((now - posted).total_seconds())) // 60 * 60)
    lines = [
        f"Nobody has acknowledged the readiness alert for {_headline(contact)}, posted "
        f"{show_time(posted, zone)} ({waited} ago).",
        "Check the readiness checklist and acknowledge.",
    ]
    if not mentions:
        lines.append("Nobody is named to escalate to: /alerts subscribe mention=USER,USER names them.")
    return Reply(
        title=f"ESCALATION · {_headline(contact)}",
        text="\n".join(lines),
        footer=_how_to_act(contact.id, acknowledged=False),
        mentions=mentions,
        buttons=_actions(alert, acknowledged=False),
        visibility=Visibility.CHANNEL,
    )


def summary_message(
    contact: ContactFacts,
    post: PostFacts,
    zone: tzinfo,
    *,
    in_window: StrikeTotals,
    before: StrikeTotals,
    late_note: str | None,
) -> Reply:
    days = post.window_seconds / 86400
    scale = days / BASELINE_DAYS
    usual = (
        f"{before.strikes * scale:.1f} strikes, {before.drones * scale:.0f} drones, "
        f"{before.missiles * scale:.0f} missiles"
    )
    lines = [
        f"The {format_offset(post.window_seconds)} readiness window after {_headline(contact)} has closed.",
        f"In the window: {_totals(in_window)}.",
        f"Usual for {format_span(post.window_seconds)}: {usual} "
        f"(the daily rate over the {BASELINE_DAYS} days before the contact).",
    ]
    expected = before.weapons * scale
    if expected >= 1:
        lines.append(f"Drones and missiles: {in_window.weapons / expected:.1f}× the usual level.")
    elif expected > 0:
        lines.append(
            f"Under one drone or missile is usual for {format_span(post.window_seconds)}, too few to compare with."
        )
    elif in_window.weapons:
        lines.append("Nothing was logged in the days before, so there is no usual level to compare with.")
    return Reply(
        title=f"Window closed · {_headline(contact)}",
        text="\n".join(lines),
        footer=late_note,
        visibility=Visibility.CHANNEL,
    )


def retraction_message(contact: ContactFacts, zone: tzinfo) -> Reply:
    when = show_time(contact.retracted_at, zone) if contact.retracted_at else "just now"
    lines = [
        f"Contact #{contact.id} ({contact.parties}) was retracted by {contact.retracted_by} at {when}: "
        f"{contact.retract_reason or 'no reason given'}.",
        "Its remaining readiness posts in this channel are cancelled.",
    ]
    return Reply(title=f"Retracted · {_headline(contact)}", text="\n".join(lines), visibility=Visibility.CHANNEL)


def _totals(totals: StrikeTotals) -> str:
    noun = "strike" if totals.strikes == 1 else "strikes"
    return f"{totals.strikes} {noun} ({totals.drones} drones, {totals.missiles} missiles)"
