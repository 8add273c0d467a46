"""What each readiness post says. Composed when it is sent, not when it is planned, so a reminder counts the
strikes logged up to that moment and an alert shows who has acknowledged it.

Plain text only (adapters escape it); people are notified through `Reply.mentions`, never through text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlmodel import Session

from handlers.chat.reply import Button, Reply, Visibility
from handlers.text.durations import format_duration
from handlers.text.times import as_utc, show_time
from handlers.text.zones import UnknownZoneError, resolve_zone
from storage import alert_posts, records, subscriptions
from storage.alert_posts import StrikeTotals
from storage.models import AlertPost, ContactReport, PostKind

CHECKLIST = (
    "Raise air-defence readiness",
    "Activate civil defence",
    "Watch military logistics",
    "Coordinate with partners",
)
BASELINE_DAYS = 28  # the "usual level" is the daily rate over this many days before the contact
SNOOZE_DEFAULT = "2h"


@dataclass(frozen=True)
class Composed:
    """A post ready to send, or the reason there is nothing to send any more (an escalation already acked)."""

    reply: Reply | None
    skip_reason: str | None = None
    update_of: str | None = None  # for a refresh: the message_ref of the alert to edit


def compose(session: Session, post: AlertPost, *, now: datetime, late: bool, default_tz: str = "UTC") -> Composed:
    contact = records.get(session, ContactReport, post.contact_id)
    if contact is None:
        return Composed(None, "the contact no longer exists")
    zone = _zone(session, post.channel, default_tz)
    alert = alert_posts.alert_of(session, post.contact_id, post.channel)
    late_note = f"Posted late: this was due {show_time(post.due_at, zone)}." if late else None
    match post.kind:
        case PostKind.ALERT:
            return Composed(alert_message(contact, post, zone, late_note=late_note))
        case PostKind.REFRESH:
            if alert is None or alert.message_ref is None:
                return Composed(None, "the alert was never posted, so there is nothing to update")
            return Composed(alert_message(contact, alert, zone, late_note=None), update_of=alert.message_ref)
        case PostKind.REMINDER:
            so_far = alert_posts.strike_totals(session, as_utc(contact.occurred_at), now)
            return Composed(reminder_message(contact, post, alert, zone, now=now, so_far=so_far, late_note=late_note))
        case PostKind.ESCALATION:
            if alert is None or alert.acked_at is not None:
                return Composed(None, "acknowledged before escalation")
            subscription = subscriptions.find(session, post.channel)
            mentions = _mentions(subscription.escalate_mentions if subscription else None)
            return Composed(escalation_message(contact, post, alert, zone, now=now, mentions=mentions))
        case PostKind.SUMMARY:
            start = as_utc(contact.occurred_at)
            end = start + timedelta(seconds=post.window_seconds)
            in_window = alert_posts.strike_totals(session, start, end)
            before = alert_posts.strike_totals(session, start - timedelta(days=BASELINE_DAYS), start)
            return Composed(
                summary_message(contact, post, zone, in_window=in_window, before=before, late_note=late_note)
            )
        case PostKind.RETRACTION:
            return Composed(retraction_message(contact, zone))
    return Composed(None, f"unknown kind {post.kind!r}")


def _zone(session: Session, channel: str, default_tz: str) -> tzinfo:
    subscription = subscriptions.find(session, channel)
    try:
        return resolve_zone(subscription.tz if subscription else default_tz)
    except UnknownZoneError:
        return resolve_zone(default_tz)


def format_offset(seconds: int) -> str:
    """Offsets read in hours, as people set them: 86400 → '24h', 5400 → '1h30m'."""
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h" if not rest else format_duration(seconds)


def _mentions(raw: str | None) -> tuple[str, ...]:
    return tuple(user.strip() for user in (raw or "").split(",") if user.strip())


def _headline(contact: ContactReport) -> str:
    return f"contact #{contact.id} · {contact.kind} · {contact.parties}"


def _actions(post: AlertPost, *, acknowledged: bool) -> tuple[Button, ...]:
    snooze = Button(f"Snooze {SNOOZE_DEFAULT}", "alerts snooze", f"{post.id} {SNOOZE_DEFAULT}")
    if acknowledged:
        return (snooze,)
    return (Button("Acknowledge", "alerts ack", str(post.id), style="primary"), snooze)


def _window_line(contact: ContactReport, window_seconds: int, zone: tzinfo) -> str:
    closes = as_utc(contact.occurred_at) + timedelta(seconds=window_seconds)
    return f"Risk window: {format_offset(window_seconds)}, closes {show_time(closes, zone)}"


def alert_message(contact: ContactReport, alert: AlertPost, zone: tzinfo, *, late_note: str | None) -> Reply:
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
    footer = "\n".join(filter(None, [status, late_note]))
    return Reply(
        title=f"READINESS ALERT · {_headline(contact)}",
        text="\n".join(lines),
        footer=footer,
        buttons=_actions(alert, acknowledged=acknowledged),
        visibility=Visibility.CHANNEL,
    )


def reminder_message(
    contact: ContactReport,
    post: AlertPost,
    alert: AlertPost | None,
    zone: tzinfo,
    *,
    now: datetime,
    so_far: StrikeTotals,
    late_note: str | None,
) -> Reply:
    closes = as_utc(contact.occurred_at) + timedelta(seconds=post.window_seconds)
    left_hours = max(0.0, (closes - now).total_seconds() / 3600)
    lines = [
        f"{left_hours:.0f}h left in the readiness window (+{format_offset(post.offset_seconds)} of "
        f"{format_offset(post.window_seconds)}; it closes {show_time(closes, zone)}).",
        f"Strikes logged since the contact: {_totals(so_far)}.",
        "Checklist: " + "; ".join(CHECKLIST).lower().capitalize() + ".",
    ]
    acknowledged = alert is not None and alert.acked_at is not None
    return Reply(
        title=f"Reminder · {_headline(contact)}",
        text="\n".join(lines),
        footer=late_note,
        buttons=_actions(post, acknowledged=acknowledged),
        visibility=Visibility.CHANNEL,
    )


def escalation_message(
    contact: ContactReport,
    post: AlertPost,
    alert: AlertPost,
    zone: tzinfo,
    *,
    now: datetime,
    mentions: tuple[str, ...],
) -> Reply:
    posted = alert.sent_at or alert.due_at
    waited = format_duration(max(0, int((now - as_utc(posted)).total_seconds())) // 60 * 60)
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
        mentions=mentions,
        buttons=_actions(alert, acknowledged=False),
        visibility=Visibility.CHANNEL,
    )


def summary_message(
    contact: ContactReport,
    post: AlertPost,
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
        f"Usual for {days:g} day{'s' if days != 1 else ''}: {usual} "
        f"(the daily rate over the {BASELINE_DAYS} days before the contact).",
    ]
    expected = before.weapons * scale
    if expected > 0:
        lines.append(f"Drones and missiles: {in_window.weapons / expected:.1f}× the usual level.")
    elif in_window.weapons:
        lines.append("Nothing was logged in the days before, so there is no usual level to compare with.")
    return Reply(
        title=f"Window closed · {_headline(contact)}",
        text="\n".join(lines),
        footer=late_note,
        visibility=Visibility.CHANNEL,
    )


def retraction_message(contact: ContactReport, zone: tzinfo) -> Reply:
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
