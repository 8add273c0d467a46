"""/alerts — a channel subscribes to readiness posts, sees what is due, acknowledges and snoozes them.

`N` in `/alerts ack N` and `/alerts snooze N 2h` is the contact number every alert shows ("contact #12"), read in
this channel: the hidden row ids of the plan are never something a person has to type. The Acknowledge and
Snooze buttons on every alert carry the same number and arrive here as the same commands, so a press and typing
behave the same. Subscribing, unsubscribing and joining change who is told about every contact, so they need an
admin; acknowledging and snoozing need a reporter; reading needs a viewer.

Replies are in the language of the person asking (the router makes it active); `lang=` on subscribe chooses the
language of the channel's own posts, which the alert worker writes them in.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta, tzinfo

from sqlmodel import Session

from handlers.alerts.delivery import wake_after_commit
from handlers.alerts.messages import SNOOZE_DEFAULT, post_kind_name
from handlers.alerts.plan import OpenWindow, channel_offsets, join_window, open_windows, window_opens
from handlers.alerts.spans import format_offset, show_duration, show_offset
from handlers.chat.command import Action, ActionHandler, Command, with_usage
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply, Table, Visibility
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import DEFAULT_LANGUAGE, N_, _, ngettext, supported
from handlers.text import arguments
from handlers.text.durations import format_duration, parse_duration, parse_offsets
from handlers.text.times import as_utc, show_time
from handlers.text.zones import resolve_zone, zone_label, zone_name
from storage import alert_posts, audit, records, subscriptions
from storage.models import AlertPost, ChannelSubscription, ContactReport, PlannedPost, PostKind, PostState

USAGE = N_("""\
/alerts subscribe [tz=Kyiv] [offsets=0h,24h,48h,72h] [escalate=1h|off] [mention=USER,USER|none] [lang=uk|en]
/alerts unsubscribe
/alerts status
/alerts pending
/alerts ack N
/alerts snooze N [2h]
/alerts join [N]
N is the contact number the alert shows (contact #N).
Offsets count from the contact's time: the first is the alert, the last closes the window with a summary.
escalate: how long an alert may go unacknowledged before the people named in mention= are called.
lang: the language of this channel's posts (uk or en; at first, the language of the admin who subscribes it).
ack acknowledges the alert (stops its escalation); snooze pushes back its next pending reminder (or escalation).
join brings the remaining reminders of contacts whose windows were already open when this channel subscribed.
subscribe, unsubscribe and join need an admin; ack and snooze a reporter.""")
# Languages by name, in the reader's language (the same words /lang shows).
LANGUAGE_NAMES = {"en": N_("English"), "uk": N_("Ukrainian")}

_MENTION = re.compile(r"^<@([A-Za-z0-9]+)(?:\|[^>]*)?>$")
_USER = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_CONTACT_NUMBER = re.compile(r"(?:#|№|no\.?)?([0-9]{1,12})", re.IGNORECASE)
LATE_GRACE_SECONDS = 60
MIN_WINDOW_SECONDS = 60  # a window closing sooner than this closes before anyone could act on its alert


def handle(request: ChatRequest, ctx: HandlerContext) -> Reply:
    first, _space, rest = request.text.strip().partition(" ")
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
                return Reply(title="/alerts", text=_(USAGE))
        raise arguments.ArgumentError(
            _("unknown /alerts action {word}: use subscribe, unsubscribe, status, pending, ack, snooze or join").format(
                word=repr(first)
            )
        )
    except arguments.ArgumentError as error:
        field_errors = {error.field: str(error)} if error.field else {}
        return Reply.error(with_usage(str(error), USAGE), field_errors=field_errors)


def _no_arguments(action: str, rest: str) -> None:
    if rest.strip():
        raise arguments.ArgumentError(_("/alerts {action} takes no arguments").format(action=action))


# --- subscribe / unsubscribe --------------------------------------------------------------------------------
def _escalation(raw: str) -> int:
    """Seconds an alert may stay unacknowledged; 0 is off (NULL would be replaced by the column's default)."""
    if raw.strip().lower() in {"off", "none", "never", "0"}:
        return 0
    seconds = parse_duration(raw, default_unit="m")
    if seconds < 60:
        raise ValueError(_("must be at least 1m (or off)"))
    return seconds


def _mentions(raw: str) -> str | None:
    if raw.strip().lower() in {"none", "nobody", "off"}:
        return None
    users = []
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        match = _MENTION.match(part)
        user = match.group(1) if match else part.lstrip("@")
        if not _USER.match(user):
            raise ValueError(
                _("{user} is not a user id: give the platform's id (Slack U123…, Telegram's number)").format(
                    user=repr(part)
                )
            )
        users.append(user)
    if not users:
        raise ValueError(_("name at least one user, or none"))
    return ",".join(dict.fromkeys(users))


def _offsets(raw: str) -> str:
    """Validated offsets: at least the alert and the close, and a window long enough to act in."""
    offsets = parse_offsets(raw)
    if len(offsets) < 2:
        raise ValueError(
            _(
                "{offsets} has one time only: give the alert and the window's close at least, like 0h,72h "
                "(the first is the alert, the last closes the window)"
            ).format(offsets=repr(raw))
        )
    if offsets[-1] < MIN_WINDOW_SECONDS:
        raise ValueError(
            _(
                "the window would close {after} after the contact, before anyone could act: "
                "make the last offset at least {least}"
            ).format(after=show_duration(offsets[-1]), least=format_duration(MIN_WINDOW_SECONDS))
        )
    return ",".join(format_offset(offset) for offset in offsets)


def _language(raw: str) -> str:
    """One of our languages, from `uk`, `en` or a code `supported` reads (`uk-UA`, `ua`)."""
    chosen = supported(raw)
    if chosen is None:
        raise ValueError(
            _("{language} is not a language I post in: use lang=uk (Ukrainian) or lang=en (English)").format(
                language=repr(raw.strip())
            )
        )
    return chosen


def _subscribe(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    spec = {
        "tz": lambda raw: zone_name(resolve_zone(raw)),
        "offsets": _offsets,
        "escalate": _escalation,
        "mention": _mentions,
        "lang": _language,
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
            # A new channel's posts start in the language its subscribing admin is answered in.
            lang=given.get("lang"),
            default_lang=supported(request.language) or DEFAULT_LANGUAGE,
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
    title = _("This channel now receives readiness alerts") if created else _("Readiness alert settings updated")
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
        return _(
            "Note: the window closes {window} after the contact, before an escalation after {after} could come; "
            "set a shorter escalate= to have one."
        ).format(window=show_duration(window), after=show_duration(row.escalate_after_seconds))
    return None


def _joinable_line(windows: list[OpenWindow], zone: tzinfo) -> str:
    shown = ", ".join(
        _("{number} closes {when}").format(
            number=contact_number(window.contact.id), when=show_time(window.closes, zone)
        )
        for window in windows[:3]
    )
    if len(windows) > 3:
        hidden = len(windows) - 3
        shown = ngettext("{listed} and {n} more", "{listed} and {n} more", hidden).format(listed=shown, n=hidden)
    return ngettext(
        "{n} contact has a window open now ({listed}): /alerts join to get its remaining reminders here.",
        "{n} contacts have a window open now ({listed}): /alerts join to get their remaining reminders here.",
        len(windows),
    ).format(n=len(windows), listed=shown)


def contact_number(contact_id: int | None) -> str:
    """'#12' as a contact's number is written in the reader's language ('№12' in Ukrainian)."""
    return _("#{id}").format(id=contact_id)


def _settings(row: ChannelSubscription) -> str:
    if not row.escalate_after_seconds:
        escalation = _("Escalation: off")
    elif row.escalate_mentions:
        escalation = _("Escalation: after {after} unacknowledged, mentioning {users}").format(
            after=show_duration(row.escalate_after_seconds), users=row.escalate_mentions.replace(",", ", ")
        )
    else:
        escalation = _("Escalation: after {after} unacknowledged, mentioning nobody yet (mention=USER,USER)").format(
            after=show_duration(row.escalate_after_seconds)
        )
    language = supported(row.lang) or DEFAULT_LANGUAGE
    return "\n".join(
        [
            _("Time zone: {zone}").format(zone=zone_label(resolve_zone(row.tz))),
            _(
                "Posts: alert and reminders at {offsets} from the contact (the last closes the window with a summary)"
            ).format(offsets=_shown_offsets(row.offsets)),
            escalation,
            _("Language of posts: {language}").format(language=_(LANGUAGE_NAMES[language])),
        ]
    )


def _shown_offsets(stored: str) -> str:
    """'+0h, +24h, +72h' (in Ukrainian '+0 год, +24 год, +72 год'); a row written by hand is shown as stored."""
    try:
        return ", ".join("+" + show_offset(offset) for offset in parse_offsets(stored))
    except ValueError:
        return ", ".join("+" + part for part in stored.split(","))


def _unsubscribe(request: ChatRequest, ctx: HandlerContext) -> Reply:
    now = ctx.now()
    with ctx.db.transaction() as session:
        row = subscriptions.find(session, request.channel)
        if row is None or not row.active:
            return Reply.error(_("This channel is not subscribed to readiness alerts."))
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
        title=_("This channel no longer receives readiness alerts"),
        text=ngettext(
            "{n} pending post cancelled. /alerts subscribe brings it back.",
            "{n} pending posts cancelled. /alerts subscribe brings it back.",
            count,
        ).format(n=count),
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
        lines = [_("This channel is not subscribed: /alerts subscribe starts readiness alerts here.")]
    elif not row.active:
        # The reason is a record (who unsubscribed, what the platform said), shown as it was stored.
        lines = [
            _("This channel is not receiving alerts ({reason}).").format(reason=row.inactive_reason)
            if row.inactive_reason
            else _("This channel is not receiving alerts."),
            _settings(row),
        ]
    else:
        lines = [_("This channel receives readiness alerts."), _settings(row)]
    channels = ", ".join(
        [
            ngettext("{n} subscribed", "{n} subscribed", active).format(n=active),
            ngettext("{n} inactive", "{n} inactive", len(inactive)).format(n=len(inactive)),
        ]
    )
    lines += [
        "",
        _("Here: {tally}.").format(tally=_tally(here)),
        _("All channels ({channels}): {tally}.").format(channels=channels, tally=_tally(everywhere)),
    ]
    for post in failed:
        lines.append(
            _("Failed: {what} of contact {number}, due {when}: {error}").format(
                what=_label(post),
                number=contact_number(post.contact_id),
                when=show_time(post.due_at, zone),
                error=post.last_error,
            )
        )
    for gone in inactive[:5]:
        lines.append(
            _("Inactive: {channel} — {reason}").format(channel=gone.channel, reason=gone.inactive_reason)
            if gone.inactive_reason
            else _("Inactive: {channel} — no reason recorded").format(channel=gone.channel)
        )
    return Reply(title=_("Readiness alerts"), text="\n".join(lines))


def _tally(counts: alert_posts.PlanCounts) -> str:
    return _(
        "{pending} pending ({late} late), {claimed} sending, {sent} sent ({sent_late} late), {failed} failed, "
        "{cancelled} cancelled"
    ).format(
        pending=counts.pending,
        late=counts.late,
        claimed=counts.claimed,
        sent=counts.sent,
        sent_late=counts.sent_late,
        failed=counts.failed,
        cancelled=counts.cancelled,
    )


def _pending(request: ChatRequest, ctx: HandlerContext) -> Reply:
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.reader() as session:
        posts = alert_posts.open_in_channel(session, request.channel)
    if not posts:
        return Reply(title=_("Readiness alerts due here"), text=_("Nothing is pending in this channel."))
    rows = tuple(
        (contact_number(post.contact_id), _label(post), show_time(post.due_at, zone), _note(post, now))
        for post in posts
    )
    return Reply(
        title=_("Readiness alerts due here"),
        text=ngettext(
            "{n} pending, soonest first. /alerts ack N and /alerts snooze N take the contact number.",
            "{n} pending, soonest first. /alerts ack N and /alerts snooze N take the contact number.",
            len(posts),
        ).format(n=len(posts)),
        table=Table(columns=tuple(_(column) for column in PENDING_COLUMNS), rows=rows),
    )


PENDING_COLUMNS = (N_("contact"), N_("what"), N_("due"), N_("state"))
STATE_NAMES = {
    PostState.PENDING: N_("pending"),
    PostState.CLAIMED: N_("sending"),
    PostState.SENT: N_("sent"),
    PostState.FAILED: N_("failed"),
    PostState.CANCELLED: N_("cancelled"),
}


def _label(post: AlertPost) -> str:
    """'reminder +24h': what a planned post is, and for the ladder's steps, when."""
    if post.kind in {PostKind.REMINDER, PostKind.SUMMARY}:
        return f"{post_kind_name(post.kind)} +{show_offset(post.offset_seconds)}"
    return post_kind_name(post.kind)


def _note(post: AlertPost, now: datetime) -> str:
    state = PostState(post.state) if post.state in set(PostState) else None
    parts = [_(STATE_NAMES[state]) if state is not None else str(post.state)]
    if post.state == PostState.PENDING and as_utc(post.due_at) < now - timedelta(seconds=LATE_GRACE_SECONDS):
        parts.append(_("late"))
    if post.snoozed_seconds:
        parts.append(_("snoozed {duration}").format(duration=show_duration(post.snoozed_seconds)))
    if post.last_error:
        parts.append(
            ngettext("retrying ({n} try): {error}", "retrying ({n} tries): {error}", post.attempts).format(
                n=post.attempts, error=post.last_error[:60]
            )
        )
    return ", ".join(parts)


# --- ack / snooze / join: by the contact number the alert shows ------------------------------------------------
def _contact_number(raw: str) -> int:
    """The contact number a person types: `12`, `#12`, or `№12` as the Ukrainian posts write it (`No12` once a
    keyboard or a copy has folded the sign)."""
    match = _CONTACT_NUMBER.fullmatch(raw.strip())
    if match is None or int(match.group(1)) == 0:
        raise arguments.ArgumentError(
            _("{value} is not a contact number: give the number the alert shows (contact #12 → 12)").format(
                value=repr(raw)
            )
        )
    return int(match.group(1))


def _alert_here(session: Session, request: ChatRequest, raw: str) -> tuple[AlertPost, str | None]:
    """The alert of contact `raw` in this channel; a repeat report's number leads to the contact it repeats."""
    number = _contact_number(raw)
    note = None
    alert = alert_posts.alert_of(session, number, request.channel)
    if alert is None:
        contact = records.get(session, ContactReport, number)
        if contact is not None and contact.duplicate_of_id is not None:
            alert = alert_posts.alert_of(session, contact.duplicate_of_id, request.channel)
            note = _("Contact #{id} repeats contact #{original}: acting on #{original}.").format(
                id=number, original=contact.duplicate_of_id
            )
    if alert is None:
        raise arguments.ArgumentError(
            _(
                "contact #{id} has no readiness alert in this channel: N is the contact number the alert shows "
                "(see /alerts pending)"
            ).format(id=number)
        )
    return alert, note


def _ack(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    words = text.split()
    if len(words) != 1:
        raise arguments.ArgumentError(_("say which contact: /alerts ack N (the number the alert shows, contact #N)"))
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        alert, note = _alert_here(session, request, words[0])
        if alert.acked_at is not None:
            acked = _("{user} acknowledged it at {when}.").format(
                user=alert.acked_by, when=show_time(alert.acked_at, zone)
            )
            return Reply(
                title=_("Already acknowledged (contact #{id})").format(id=alert.contact_id),
                text=" ".join(filter(None, [note, acked])),
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
    lines = [
        note,
        _("Acknowledged by {user} at {when}.").format(
            user=request.user_name or request.caller, when=show_time(now, zone)
        ),
    ]
    if stopped:
        lines.append(_("Escalation cancelled."))
    return Reply(
        title=_("Alert for contact #{id} acknowledged").format(id=alert.contact_id),
        text=" ".join(filter(None, lines)),
        visibility=Visibility.CHANNEL,
    )


def _snooze(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    words = text.split()
    if not 1 <= len(words) <= 2:
        raise arguments.ArgumentError(_("say which contact and for how long: /alerts snooze N 2h"))
    try:
        seconds = parse_duration(words[1] if len(words) == 2 else SNOOZE_DEFAULT, default_unit="h")
    except ValueError as error:
        raise arguments.ArgumentError(f"snooze {words[1]}: {error}") from None  # the command as typed, its error
    if seconds < 60:
        raise arguments.ArgumentError(_("snooze for at least 1m"))
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        alert, note = _alert_here(session, request, words[0])
        target = alert_posts.next_follow_up(session, alert.contact_id, alert.channel)
        if target is None:
            return Reply.error(
                _(
                    "Nothing is left to snooze for contact #{id} in this channel: no reminder or escalation is "
                    "pending (the window's summary cannot be pushed back)."
                ).format(id=alert.contact_id)
            )
        close = alert_posts.window_close(session, alert.contact_id, alert.channel)
        before = as_utc(target.due_at)
        if close is not None and _after_close(before, seconds, close):
            return Reply.error(
                _(
                    "Snoozing the {what} due {due} by {by} would pass the window's close at {close}; "
                    "snooze it for less."
                ).format(
                    what=_label(target),
                    due=show_time(before, zone),
                    by=show_duration(seconds),
                    close=show_time(close.due_at, zone),
                )
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
    moved = _("Moved from {before} to {after} by {user}.").format(
        before=show_time(before, zone), after=show_time(target.due_at, zone), user=request.user_name or request.caller
    )
    return Reply(
        title=_("Snoozed ({what}, contact #{id})").format(what=_label(target), id=target.contact_id),
        text=" ".join(filter(None, [note, moved])),
        visibility=Visibility.CHANNEL,
    )


def _join(request: ChatRequest, ctx: HandlerContext, text: str) -> Reply:
    """Plan this channel's remaining steps of contacts whose windows were already open when it subscribed."""
    words = text.split()
    if len(words) > 1:
        raise arguments.ArgumentError(
            _("/alerts join takes one contact number at most: /alerts join or /alerts join N")
        )
    wanted = _contact_number(words[0]) if words else None
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    default = ctx.settings.offsets_seconds
    with ctx.db.transaction() as session:
        subscription = subscriptions.find(session, request.channel)
        if subscription is None or not subscription.active:
            return Reply.error(_("This channel is not subscribed to readiness alerts: /alerts subscribe first."))
        windows = open_windows(session, subscription, default, now)
        if wanted is not None:
            windows = [window for window in windows if window.contact.id == wanted]
            if not windows:
                return Reply.error(_why_not_joinable(session, subscription, wanted, default, now, zone))
        if not windows:
            return Reply(
                title=_("Nothing to join"), text=_("No contact has a window open that this channel is not in.")
            )
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
            details={"contacts": [window.contact.id for window, _posts in joined]},
        )
    lines = [_joined_line(window, posts, zone) for window, posts in joined]
    return Reply(
        title=ngettext("Joined {n} open window", "Joined {n} open windows", len(joined)).format(n=len(joined)),
        text="\n".join(lines),
        visibility=Visibility.CHANNEL,
    )


def _joined_line(window: OpenWindow, posts: list[PlannedPost], zone: tzinfo) -> str:
    closes = show_time(window.closes, zone)
    reminders = [post for post in posts if post.kind == PostKind.REMINDER]
    if not reminders:
        return _("Contact #{id} ({parties}): the alert now, the window closes {when}.").format(
            id=window.contact.id, parties=window.contact.parties, when=closes
        )
    return _("Contact #{id} ({parties}): the alert now, reminders at {offsets}, the window closes {when}.").format(
        id=window.contact.id,
        parties=window.contact.parties,
        offsets=", ".join(f"+{show_offset(post.offset_seconds)}" for post in reminders),
        when=closes,
    )


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
        return _("There is no contact #{id}.").format(id=number)
    if contact.retracted_at is not None:
        return _("Contact #{id} was retracted: there is nothing to join.").format(id=number)
    if contact.duplicate_of_id is not None:
        return _("Contact #{id} repeats contact #{original}: /alerts join {original}.").format(
            id=number, original=contact.duplicate_of_id
        )
    if alert_posts.planned_in_channel(session, number, subscription.channel):
        return _("This channel already gets contact #{id}'s readiness posts (see /alerts pending).").format(id=number)
    closes = window_opens(contact) + timedelta(seconds=channel_offsets(subscription, default)[-1])
    return _("Contact #{id}'s window closed {when}: there is nothing left to join.").format(
        id=number, when=show_time(closes, zone)
    )


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
    summary=N_("subscribe this channel to readiness alerts; see, acknowledge and snooze what is due"),
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
