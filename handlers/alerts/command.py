"""/alerts — a channel subscribes to readiness posts, sees what is due, acknowledges and snoozes them.

The Acknowledge and Snooze buttons on every alert arrive here as `/alerts ack ID` and `/alerts snooze ID 2h`,
so buttons and typed commands behave the same. Subscribing and unsubscribing change who is told about every
contact, so they need an admin; acknowledging and snoozing need a reporter; reading needs a viewer.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlmodel import Session

from handlers.alerts.messages import SNOOZE_DEFAULT, format_offset
from handlers.alerts.plan import wake_after_commit
from handlers.chat.command import Command
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply, Table, Visibility
from handlers.chat.request import ChatRequest, Role
from handlers.text import arguments
from handlers.text.durations import format_duration, parse_duration, parse_offsets
from handlers.text.times import as_utc, show_time
from handlers.text.zones import resolve_zone, zone_label, zone_name
from storage import alert_posts, audit, subscriptions
from storage.models import AlertPost, ChannelSubscription, PostKind, PostState

USAGE = """\
/alerts subscribe [tz=Kyiv] [offsets=0h,24h,48h,72h] [escalate=1h|off] [mention=USER,USER|none]
/alerts unsubscribe
/alerts status
/alerts pending
/alerts ack ID
/alerts snooze ID [2h]
Offsets count from the contact's time: the first is the alert, the last closes the window with a summary.
escalate: how long an alert may go unacknowledged before the people named in mention= are called.
ack acknowledges the alert (stops its escalation); snooze pushes back its next reminder (or escalation).
subscribe and unsubscribe need an admin; ack and snooze a reporter."""

_MENTION = re.compile(r"^<@([A-Za-z0-9]+)(?:\|[^>]*)?>$")
_USER = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
LATE_GRACE_SECONDS = 60


def role_for(text: str) -> Role:
    first = text.strip().split(maxsplit=1)[0].lower() if text.strip() else ""
    if first in {"subscribe", "unsubscribe"}:
        return Role.ADMIN
    if first in {"ack", "snooze"}:
        return Role.REPORTER
    return Role.VIEWER


def handle(request: ChatRequest, ctx: HandlerContext) -> Reply:
    first, _, rest = request.text.strip().partition(" ")
    try:
        match first.lower():
            case "subscribe":
                return _subscribe(request, ctx, rest)
            case "unsubscribe":
                _no_arguments("unsubscribe", rest)
                return _unsubscribe(request, ctx)
            case "status":
                _no_arguments("status", rest)
                return _status(request, ctx)
            case "pending":
                _no_arguments("pending", rest)
                return _pending(request, ctx)
            case "ack":
                return _ack(request, ctx, rest)
            case "snooze":
                return _snooze(request, ctx, rest)
            case "" | "help":
                return Reply(title="/alerts", text=USAGE)
        raise arguments.ArgumentError(
            f"unknown /alerts action {first!r}: use subscribe, unsubscribe, status, pending, ack or snooze"
        )
    except arguments.ArgumentError as error:
        return Reply.error(f"{error}\nUsage:\n{USAGE}", field_errors={error.field: str(error)} if error.field else {})


def _no_arguments(action: str, rest: str) -> None:
    if rest.strip():
        raise arguments.ArgumentError(f"/alerts {action} takes no arguments")


# --- subscribe / unsubscribe --------------------------------------------------------------------------------
def _escalation(raw: str) -> int:
    """Seconds an alert may stay unacknowledged; 0 is off (NULL would be replaced by the column's default)."""
    if raw.strip().lower() in {"off", "none", "never", "0"}:
        return 0
    seconds = parse_duration(raw, default_unit="m")
    if seconds < 60:
        raise ValueError("must be at least 1m (or off)")
    return seconds


def _mentions(raw: str) -> str | None:
    if raw.strip().lower() in {"none", "nobody", "off"}:
        return None
    users = []
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        match = _MENTION.match(part)
        user = match.group(1) if match else part.lstrip("@")
        if not _USER.match(user):
            raise ValueError(f"{part!r} is not a user id: give the platform's id (Slack U123…, Telegram's number)")
        users.append(user)
    if not users:
        raise ValueError("name at least one user, or none")
    return ",".join(dict.fromkeys(users))


def _offsets(raw: str) -> str:
    offsets = parse_offsets(raw)
    return ",".join(format_offset(offset) for offset in offsets)


def _subscribe(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    spec = {
        "tz": lambda raw: zone_name(resolve_zone(raw)),
        "offsets": _offsets,
        "escalate": _escalation,
        "mention": _mentions,
    }
    parsed = arguments.parse(text, spec, command="alerts", notes=False)
    now = ctx.now()
    given = parsed.values
    with ctx.db.transaction() as session:
        row, created = subscriptions.subscribe(
            session,
            channel=request.channel,
            platform=str(request.platform),
            channel_id=request.channel_id,
            by=request.caller,
            at=now,
            tz=given.get("tz"),
            offsets=given.get("offsets"),
            escalate_after_seconds=given.get("escalate", ...),
            escalate_mentions=given.get("mention", ...),
            default_tz=ctx.settings.tz,
            default_offsets=ctx.settings.reminder_offsets,
        )
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action="alerts.subscribe",
            at=now,
            entity="subscription",
            entity_id=row.id,
            details={key: str(value) for key, value in given.items()},
        )
    ctx.forget_zone(request.channel)  # the channel's zone may have changed
    title = "This channel now receives readiness alerts" if created else "Readiness alert settings updated"
    return Reply(title=title, text=_settings(row), visibility=Visibility.CHANNEL)


def _settings(row: ChannelSubscription) -> str:
    escalation = (
        f"after {format_duration(row.escalate_after_seconds)} unacknowledged, mentioning "
        f"{row.escalate_mentions.replace(',', ', ') if row.escalate_mentions else 'nobody yet (mention=USER,USER)'}"
        if row.escalate_after_seconds
        else "off"
    )
    return "\n".join(
        [
            f"Time zone: {zone_label(resolve_zone(row.tz))}",
            f"Posts: alert and reminders at {', '.join('+' + part for part in row.offsets.split(','))} "
            "from the contact (the last closes the window with a summary)",
            f"Escalation: {escalation}",
        ]
    )


def _unsubscribe(request: ChatRequest, ctx: HandlerContext) -> Reply:
    now = ctx.now()
    with ctx.db.transaction() as session:
        row = subscriptions.find(session, request.channel)
        if row is None or not row.active:
            return Reply.error("This channel is not subscribed to readiness alerts.")
        subscriptions.deactivate(session, request.channel, f"unsubscribed by {request.caller}", at=now)
        cancelled = alert_posts.cancel_open(session, channel=request.channel, reason="channel unsubscribed", at=now)
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action="alerts.unsubscribe",
            at=now,
            entity="subscription",
            entity_id=row.id,
        )
    count = sum(cancelled.values())
    return Reply(
        title="This channel no longer receives readiness alerts",
        text=f"{count} pending post{'s' if count != 1 else ''} cancelled. /alerts subscribe brings it back.",
        visibility=Visibility.CHANNEL,
    )


# --- reading ------------------------------------------------------------------------------------------------
def _status(request: ChatRequest, ctx: HandlerContext) -> Reply:
    now = ctx.now()
    grace = timedelta(seconds=LATE_GRACE_SECONDS)
    zone = ctx.channel_zone(request.channel)
    with ctx.db.reader() as session:
        row = subscriptions.find(session, request.channel)
        here = alert_posts.counts(session, now=now, late_grace=grace, channel=request.channel)
        everywhere = alert_posts.counts(session, now=now, late_grace=grace)
        failed = alert_posts.failed_in_channel(session, request.channel)
        active, inactive = len(subscriptions.active(session)), subscriptions.inactive(session)
    if row is None:
        lines = ["This channel is not subscribed: /alerts subscribe starts readiness alerts here."]
    elif not row.active:
        lines = [f"This channel is not receiving alerts ({row.inactive_reason or 'inactive'}).", _settings(row)]
    else:
        lines = ["This channel receives readiness alerts.", _settings(row)]
    lines += [
        "",
        f"Here: {_tally(here)}.",
        f"All channels ({active} subscribed, {len(inactive)} inactive): {_tally(everywhere)}.",
    ]
    for post in failed:
        lines.append(
            f"Failed #{post.id} ({post.kind}, contact #{post.contact_id}, due "
            f"{show_time(post.due_at, zone)}): {post.last_error}"
        )
    for gone in inactive[:5]:
        lines.append(f"Inactive: {gone.channel} — {gone.inactive_reason or 'no reason recorded'}")
    return Reply(title="Readiness alerts", text="\n".join(lines))


def _tally(counts: alert_posts.PlanCounts) -> str:
    return (
        f"{counts.pending} pending ({counts.late} late), {counts.claimed} sending, {counts.sent} sent "
        f"({counts.sent_late} late), {counts.failed} failed, {counts.cancelled} cancelled"
    )


def _pending(request: ChatRequest, ctx: HandlerContext) -> Reply:
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.reader() as session:
        posts = alert_posts.open_in_channel(session, request.channel)
    if not posts:
        return Reply(title="Readiness alerts due here", text="Nothing is pending in this channel.")
    rows = tuple(
        (str(post.id), f"#{post.contact_id}", _label(post), show_time(post.due_at, zone), _note(post, now))
        for post in posts
    )
    return Reply(
        title="Readiness alerts due here",
        text=f"{len(posts)} pending, soonest first.",
        table=Table(columns=("post", "contact", "what", "due", "state"), rows=rows),
    )


def _label(post: AlertPost) -> str:
    if post.kind in {PostKind.REMINDER, PostKind.SUMMARY}:
        return f"{post.kind} +{format_offset(post.offset_seconds)}"
    return str(post.kind)


def _note(post: AlertPost, now: datetime) -> str:
    parts = [str(post.state)]
    if post.state == PostState.PENDING and as_utc(post.due_at) < now - timedelta(seconds=LATE_GRACE_SECONDS):
        parts.append("late")
    if post.snoozed_seconds:
        parts.append(f"snoozed {format_duration(post.snoozed_seconds)}")
    if post.last_error:
        parts.append(f"retrying ({post.attempts} tries): {post.last_error[:60]}")
    return ", ".join(parts)


# --- ack / snooze -------------------------------------------------------------------------------------------
def _post_here(session: Session, request: ChatRequest, raw: str) -> AlertPost:
    post_id = arguments.record_id(raw, what="readiness post")
    post = alert_posts.get(session, post_id)
    if post is None or post.channel != request.channel:
        raise arguments.ArgumentError(f"there is no readiness post #{post_id} in this channel (see /alerts pending)")
    return post


def _ack(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    words = text.split()
    if len(words) != 1:
        raise arguments.ArgumentError("say which alert: /alerts ack ID (the id is on the alert's buttons)")
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        post = _post_here(session, request, words[0])
        alert = alert_posts.alert_of(session, post.contact_id, post.channel)
        if alert is None:
            return Reply.error(f"Contact #{post.contact_id} has no alert in this channel to acknowledge.")
        if alert.acked_at is not None:
            return Reply(
                title=f"Already acknowledged (contact #{post.contact_id})",
                text=f"{alert.acked_by} acknowledged it at {show_time(alert.acked_at, zone)}.",
            )
        alert_posts.acknowledge(session, alert, by=request.caller, at=now)
        stopped = alert_posts.cancel_open(
            session,
            contact_id=post.contact_id,
            channel=post.channel,
            kinds=(PostKind.ESCALATION,),
            reason=f"acknowledged by {request.caller}",
            at=now,
        )
        if alert.state in (PostState.SENT, PostState.CLAIMED):
            # Edit the posted alert to show who acknowledged; a durable row, so a restart still does it.
            alert_posts.add_posts(session, [alert.follow_up(PostKind.REFRESH, now)])
            wake_after_commit(session)
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action="alerts.ack",
            at=now,
            entity="alert_post",
            entity_id=alert.id,
            details={"contact": alert.contact_id},
        )
    lines = [f"Acknowledged by {request.user_name or request.caller} at {show_time(now, zone)}."]
    if stopped:
        lines.append("Escalation cancelled.")
    return Reply(
        title=f"Alert for contact #{post.contact_id} acknowledged", text=" ".join(lines), visibility=Visibility.CHANNEL
    )


def _snooze(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    words = text.split()
    if not 1 <= len(words) <= 2:
        raise arguments.ArgumentError("say which alert and for how long: /alerts snooze ID 2h")
    try:
        seconds = parse_duration(words[1] if len(words) == 2 else SNOOZE_DEFAULT, default_unit="h")
    except ValueError as error:
        raise arguments.ArgumentError(f"snooze {words[1]}: {error}") from None
    if seconds < 60:
        raise arguments.ArgumentError("snooze for at least 1m")
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        post = _post_here(session, request, words[0])
        target = post if _snoozable(post) else alert_posts.next_follow_up(session, post.contact_id, post.channel)
        if target is None:
            return Reply.error(f"Nothing is left to snooze for contact #{post.contact_id} in this channel.")
        close = alert_posts.window_close(session, post.contact_id, post.channel)
        before = as_utc(target.due_at)
        if close is not None and _after_close(before, seconds, close):
            return Reply.error(
                f"Snoozing the {target.kind} due {show_time(before, zone)} by {format_duration(seconds)} would "
                f"pass the window's close at {show_time(close.due_at, zone)}; snooze it for less."
            )
        alert_posts.postpone(session, target, by_seconds=seconds, at=now)
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action="alerts.snooze",
            at=now,
            entity="alert_post",
            entity_id=target.id,
            details={"seconds": seconds},
        )
    return Reply(
        title=f"Snoozed ({_label(target)}, contact #{target.contact_id})",
        text=f"Moved from {show_time(before, zone)} to {show_time(target.due_at, zone)} by "
        f"{request.user_name or request.caller}.",
        visibility=Visibility.CHANNEL,
    )


def _snoozable(post: AlertPost) -> bool:
    return post.state == PostState.PENDING and post.kind in {PostKind.REMINDER, PostKind.ESCALATION}


def _after_close(due: datetime, seconds: int, close: AlertPost) -> bool:
    return due + timedelta(seconds=seconds) >= as_utc(close.due_at)


COMMAND = Command(
    name="alerts",
    summary="subscribe this channel to readiness alerts; see, acknowledge and snooze what is due",
    usage=USAGE,
    handler=handle,
    role_for=role_for,
)
