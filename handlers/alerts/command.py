"""/alerts — a channel subscribes to readiness posts, sees what is due, acknowledges and snoozes them.

`N` in `/alerts ack N` and `/alerts snooze N 2h` is the contact number every alert shows ("contact #12"), read in
this channel: the hidden row ids of the plan are never something a person has to type. The Acknowledge and
Snooze buttons on every alert carry the same number and arrive here as the same commands, so a press and typing
behave the same. Subscribing, unsubscribing and joining change who is told about every contact, so they need an
admin; acknowledging and snoozing need a reporter; reading needs a viewer.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta, tzinfo

from sqlmodel import Session

from handlers.alerts.delivery import wake_after_commit
from handlers.alerts.messages import SNOOZE_DEFAULT, format_offset
from handlers.alerts.plan import OpenWindow, channel_offsets, join_window, open_windows
from handlers.chat.command import Action, ActionHandler, Command
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply, Table, Visibility
from handlers.chat.request import ChatRequest, Role
from handlers.text import arguments
from handlers.text.durations import format_duration, parse_duration, parse_offsets
from handlers.text.times import as_utc, show_time
from handlers.text.zones import resolve_zone, zone_label, zone_name
from storage import alert_posts, audit, records, subscriptions
from storage.models import AlertPost, ChannelSubscription, ContactReport, PostKind, PostState

USAGE = """\
/alerts subscribe [tz=Kyiv] [offsets=0h,24h,48h,72h] [escalate=1h|off] [mention=USER,USER|none]
/alerts unsubscribe
/alerts status
/alerts pending
/alerts ack N
/alerts snooze N [2h]
/alerts join [N]
N is the contact number the alert shows (contact #N).
Offsets count from the contact's time: the first is the alert, the last closes the window with a summary.
escalate: how long an alert may go unacknowledged before the people named in mention= are called.
ack acknowledges the alert (stops its escalation); snooze pushes back its next pending reminder (or escalation).
join brings the remaining reminders of contacts whose windows were already open when this channel subscribed.
subscribe, unsubscribe and join need an admin; ack and snooze a reporter."""

_MENTION = re.compile(r"^<@([A-Za-z0-9]+)(?:\|[^>]*)?>$")
_USER = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
LATE_GRACE_SECONDS = 60
MIN_WINDOW_SECONDS = 60  # a window closing sooner than this closes before anyone could act on its alert


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
            case "join":
                return _join(request, ctx, rest)
            case "" | "help":
                return Reply(title="/alerts", text=USAGE)
        raise arguments.ArgumentError(
            f"unknown /alerts action {first!r}: use subscribe, unsubscribe, status, pending, ack, snooze or join"
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
    """Validated offsets: at least the alert and the close, and a window long enough to act in."""
    offsets = parse_offsets(raw)
    if len(offsets) < 2:
        raise ValueError(
            f"{raw!r} has one time only: give the alert and the window's close at least, like 0h,72h "
            "(the first is the alert, the last closes the window)"
        )
    if offsets[-1] < MIN_WINDOW_SECONDS:
        raise ValueError(
            f"the window would close {format_duration(offsets[-1])} after the contact, before anyone could act: "
            f"make the last offset at least {format_duration(MIN_WINDOW_SECONDS)}"
        )
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
        joinable = open_windows(session, row, ctx.settings.offsets_seconds, now)
    ctx.forget_zone(request.channel)  # the channel's zone may have changed
    title = "This channel now receives readiness alerts" if created else "Readiness alert settings updated"
    lines = [_settings(row)]
    escalation_note = _escalation_after_close(row)
    if escalation_note:
        lines.append(escalation_note)
    if joinable:
        lines += ["", _joinable_line(joinable, ctx.channel_zone(request.channel))]
    return Reply(title=title, text="\n".join(lines), visibility=Visibility.CHANNEL)


def _escalation_after_close(row: ChannelSubscription) -> str | None:
    window = parse_offsets(row.offsets)[-1]
    if row.escalate_after_seconds and row.escalate_after_seconds >= window:
        return (
            f"Note: the window closes {format_duration(window)} after the contact, before an escalation after "
            f"{format_duration(row.escalate_after_seconds)} could come; set a shorter escalate= to have one."
        )
    return None


def _joinable_line(windows: list[OpenWindow], zone: tzinfo) -> str:
    shown = ", ".join(f"#{window.contact.id} closes {show_time(window.closes, zone)}" for window in windows[:3])
    more = f" and {len(windows) - 3} more" if len(windows) > 3 else ""
    count = f"{len(windows)} contact{'s have' if len(windows) != 1 else ' has'} a window open now"
    remaining = "their" if len(windows) != 1 else "its"
    return f"{count} ({shown}{more}): /alerts join to get {remaining} remaining reminders here."


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
            f"Failed: {_label(post)} of contact #{post.contact_id}, due {show_time(post.due_at, zone)}: "
            f"{post.last_error}"
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
        (f"#{post.contact_id}", _label(post), show_time(post.due_at, zone), _note(post, now)) for post in posts
    )
    return Reply(
        title="Readiness alerts due here",
        text=f"{len(posts)} pending, soonest first. /alerts ack N and /alerts snooze N take the contact number.",
        table=Table(columns=("contact", "what", "due", "state"), rows=rows),
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


# --- ack / snooze / join: by the contact number the alert shows ------------------------------------------------
def _contact_number(raw: str) -> int:
    cleaned = raw.strip().lstrip("#")
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) == 0 or len(cleaned) > 12:
        raise arguments.ArgumentError(
            f"{raw!r} is not a contact number: give the number the alert shows (contact #12 → 12)"
        )
    return int(cleaned)


def _alert_here(session: Session, request: ChatRequest, raw: str) -> tuple[AlertPost, str | None]:
    """The alert of contact `raw` in this channel; a repeat report's number leads to the contact it repeats."""
    number = _contact_number(raw)
    note = None
    alert = alert_posts.alert_of(session, number, request.channel)
    if alert is None:
        contact = records.get(session, ContactReport, number)
        if contact is not None and contact.duplicate_of_id is not None:
            alert = alert_posts.alert_of(session, contact.duplicate_of_id, request.channel)
            note = (
                f"Contact #{number} repeats contact #{contact.duplicate_of_id}: acting on #{contact.duplicate_of_id}."
            )
    if alert is None:
        raise arguments.ArgumentError(
            f"contact #{number} has no readiness alert in this channel: N is the contact number the alert shows "
            "(see /alerts pending)"
        )
    return alert, note


def _ack(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    words = text.split()
    if len(words) != 1:
        raise arguments.ArgumentError("say which contact: /alerts ack N (the number the alert shows, contact #N)")
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        alert, note = _alert_here(session, request, words[0])
        if alert.acked_at is not None:
            return Reply(
                title=f"Already acknowledged (contact #{alert.contact_id})",
                text=" ".join(
                    filter(None, [note, f"{alert.acked_by} acknowledged it at {show_time(alert.acked_at, zone)}."])
                ),
            )
        alert_posts.acknowledge(session, alert, by=request.caller, at=now)
        stopped = alert_posts.cancel_open(
            session,
            contact_id=alert.contact_id,
            channel=alert.channel,
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
    lines = [note, f"Acknowledged by {request.user_name or request.caller} at {show_time(now, zone)}."]
    if stopped:
        lines.append("Escalation cancelled.")
    return Reply(
        title=f"Alert for contact #{alert.contact_id} acknowledged",
        text=" ".join(filter(None, lines)),
        visibility=Visibility.CHANNEL,
    )


def _snooze(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    words = text.split()
    if not 1 <= len(words) <= 2:
        raise arguments.ArgumentError("say which contact and for how long: /alerts snooze N 2h")
    try:
        seconds = parse_duration(words[1] if len(words) == 2 else SNOOZE_DEFAULT, default_unit="h")
    except ValueError as error:
        raise arguments.ArgumentError(f"snooze {words[1]}: {error}") from None
    if seconds < 60:
        raise arguments.ArgumentError("snooze for at least 1m")
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        alert, note = _alert_here(session, request, words[0])
        target = alert_posts.next_follow_up(session, alert.contact_id, alert.channel)
        if target is None:
            return Reply.error(
                f"Nothing is left to snooze for contact #{alert.contact_id} in this channel: no reminder or "
                "escalation is pending (the window's summary cannot be pushed back)."
            )
        close = alert_posts.window_close(session, alert.contact_id, alert.channel)
        before = as_utc(target.due_at)
        if close is not None and _after_close(before, seconds, close):
            return Reply.error(
                f"Snoozing the {_label(target)} due {show_time(before, zone)} by {format_duration(seconds)} would "
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
            details={"contact": alert.contact_id, "seconds": seconds},
        )
    moved = (
        f"Moved from {show_time(before, zone)} to {show_time(target.due_at, zone)} by "
        f"{request.user_name or request.caller}."
    )
    return Reply(
        title=f"Snoozed ({_label(target)}, contact #{target.contact_id})",
        text=" ".join(filter(None, [note, moved])),
        visibility=Visibility.CHANNEL,
    )


def _join(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    """Plan this channel's remaining steps of contacts whose windows were already open when it subscribed."""
    words = text.split()
    if len(words) > 1:
        raise arguments.ArgumentError("/alerts join takes one contact number at most: /alerts join or /alerts join N")
    wanted = _contact_number(words[0]) if words else None
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    default = ctx.settings.offsets_seconds
    with ctx.db.transaction() as session:
        subscription = subscriptions.find(session, request.channel)
        if subscription is None or not subscription.active:
            return Reply.error("This channel is not subscribed to readiness alerts: /alerts subscribe first.")
        windows = open_windows(session, subscription, default, now)
        if wanted is not None:
            windows = [window for window in windows if window.contact.id == wanted]
            if not windows:
                return Reply.error(_why_not_joinable(session, subscription, wanted, default, now, zone))
        if not windows:
            return Reply(title="Nothing to join", text="No contact has a window open that this channel is not in.")
        joined = []
        for window in windows:
            posts = join_window(session, window.contact, subscription, default, now)
            if posts:
                joined.append((window, posts))
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action="alerts.join",
            at=now,
            entity="subscription",
            entity_id=subscription.id,
            details={"contacts": [window.contact.id for window, _ in joined]},
        )
    lines = [
        f"Contact #{window.contact.id} ({window.contact.parties}): the alert now, "
        + (_steps(posts) + ", " if _steps(posts) else "")
        + f"the window closes {show_time(window.closes, zone)}."
        for window, posts in joined
    ]
    plural = "s" if len(joined) != 1 else ""
    return Reply(
        title=f"Joined {len(joined)} open window{plural}", text="\n".join(lines), visibility=Visibility.CHANNEL
    )


def _steps(posts: list[AlertPost]) -> str:
    reminders = [post for post in posts if post.kind == PostKind.REMINDER]
    if not reminders:
        return ""
    return "reminders at " + ", ".join(f"+{format_offset(post.offset_seconds)}" for post in reminders)


def _why_not_joinable(
    session: Session,
    subscription: ChannelSubscription,
    number: int,
    default: tuple[int, ...],
    now: datetime,
    zone: tzinfo,
) -> str:
    contact = records.get(session, ContactReport, number)
    if contact is None:
        return f"There is no contact #{number}."
    if contact.retracted_at is not None:
        return f"Contact #{number} was retracted: there is nothing to join."
    if contact.duplicate_of_id is not None:
        return f"Contact #{number} repeats contact #{contact.duplicate_of_id}: /alerts join {contact.duplicate_of_id}."
    if alert_posts.planned_in_channel(session, number, subscription.channel):
        return f"This channel already gets contact #{number}'s readiness posts (see /alerts pending)."
    closes = as_utc(contact.occurred_at) + timedelta(seconds=channel_offsets(subscription, default)[-1])
    return f"Contact #{number}'s window closed {show_time(closes, zone)}: there is nothing left to join."


def _snoozable(post: AlertPost) -> bool:
    return post.state == PostState.PENDING and post.kind in {PostKind.REMINDER, PostKind.ESCALATION}


def _after_close(due: datetime, seconds: int, close: AlertPost) -> bool:
    return due + timedelta(seconds=seconds) >= as_utc(close.due_at)


def _doing(word: str) -> ActionHandler:
    """The action `word`, run through `handle` (the router has already chosen it and checked its role)."""
    return lambda request, ctx: handle(dataclasses.replace(request, text=f"{word} {request.text}".strip()), ctx)


# Subscribing decides who is told (and mentioned) about every contact: admins. Acknowledging and snoozing act on an
# alert: reporters. Reading: viewers.
COMMAND = Command(
    name="alerts",
    summary="subscribe this channel to readiness alerts; see, acknowledge and snooze what is due",
    usage=USAGE,
    actions=(
        Action("subscribe", Role.ADMIN, _doing("subscribe"), word="subscribe", writes=True),
        Action("unsubscribe", Role.ADMIN, _doing("unsubscribe"), word="unsubscribe", writes=True),
        # Joining an open window decides what this channel is told, as subscribing does: admins.
        Action("join", Role.ADMIN, _doing("join"), word="join", writes=True),
        Action("status", Role.VIEWER, _doing("status"), word="status"),
        Action("pending", Role.VIEWER, _doing("pending"), word="pending"),
        Action("ack", Role.REPORTER, _doing("ack"), word="ack", writes=True),
        Action("snooze", Role.REPORTER, _doing("snooze"), word="snooze", writes=True),
        Action("help", Role.VIEWER, _doing("help"), word="help", bare=True),
    ),
)
