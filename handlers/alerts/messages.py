"""What each readiness post says. Composed when it is sent, not when it is planned, so a reminder counts the
strikes logged up to that moment and an alert shows who has acknowledged it.

Two steps, so formatting never runs inside a transaction: `load_post` reads everything one post needs into a
small immutable `PostBundle` (inside the worker's claim transaction), and `compose` turns a bundle into a `Reply`
with no session at all. Plain text only (adapters escape it); people are notified through `Reply.mentions`, never
through text. Every alert, reminder and escalation shows its contact number and the commands that take it.

A post has no requester: it is written in the language of the channel it goes to (`/alerts subscribe lang=uk`),
which the bundle carries and `compose` makes active, so every message, plural and number below, and the buttons,
come out in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache

from sqlmodel import Session

from handlers.alerts.spans import format_span, show_duration, show_offset
from handlers.chat.reply import Button, Reply, Visibility
from handlers.i18n import DEFAULT_LANGUAGE, N_, _, activate, ngettext, supported
from handlers.i18n.numbers import format_number
from handlers.records.window import strikes_after, strikes_between, window_start
from handlers.text.times import as_utc, show_time
from handlers.text.zones import UnknownZoneError, resolve_zone
from storage import alert_posts, records, subscriptions
from storage.alert_posts import StrikeTotals
from storage.models import AlertPost, ContactReport, PostKind, PostRow
from storage.subscriptions import PostSettings

CHECKLIST = (
    N_("Raise air-defence readiness"),
    N_("Activate civil defence"),
    N_("Watch military logistics"),
    N_("Coordinate with partners"),
)
# What people read for the stored words (commands, arguments and the database keep the English word).
KIND_NAMES = {"call": N_("call"), "meeting": N_("meeting"), "message": N_("message"), "envoy": N_("envoy")}
CONFIDENCE_NAMES = {"confirmed": N_("confirmed"), "reported": N_("reported"), "unverified": N_("unverified")}
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

    @property
    def window_opens(self) -> datetime:
        """When its readiness window opens (the end of its day when only the date was reported)."""
        return window_start(self.occurred_at, self.time_known)

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
    def of(cls, post: AlertPost | PostRow) -> PostFacts:
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
    language: str = DEFAULT_LANGUAGE  # the channel's: the post is written in it
    alert: PostFacts | None = None  # the channel's alert for the contact: acknowledged? where to edit it?
    mentions: tuple[str, ...] = ()
    so_far: StrikeTotals | None = None  # reminders: strikes since the contact
    summary: SummaryTotals | None = None
    skip_reason: str | None = None


def load_posts(
    session: Session, posts: Sequence[AlertPost | PostRow], *, now: datetime, default_tz: str = "UTC"
) -> list[PostBundle]:
    """`load_post` for a whole claim: the channels' settings are read in one query, each contact once."""
    found = subscriptions.post_settings(session, [post.channel for post in posts])
    # Held here: the session's identity map keeps rows only while something refers to them, so without this
    # each post of a fan-out would read its contact again.
    contacts = {key: records.get(session, ContactReport, key) for key in {post.contact_id for post in posts}}
    facts = {key: ContactFacts.of(contact) for key, contact in contacts.items() if contact is not None}
    return [
        _load(session, post, found.get(post.channel), facts.get(post.contact_id), now=now, default_tz=default_tz)
        for post in posts
    ]


def load_post(session: Session, post: AlertPost, *, now: datetime, default_tz: str = "UTC") -> PostBundle:
    """Read what `post` needs to be composed (the only step here that touches the database)."""
    settings = subscriptions.post_settings(session, [post.channel]).get(post.channel)
    contact = records.get(session, ContactReport, post.contact_id)
    facts = ContactFacts.of(contact) if contact is not None else None
    return _load(session, post, settings, facts, now=now, default_tz=default_tz)


def _load(
    session: Session,
    post: AlertPost | PostRow,
    subscription: PostSettings | None,
    contact: ContactFacts | None,
    *,
    now: datetime,
    default_tz: str,
) -> PostBundle:
    """One post's bundle; `subscription` is its channel's (zone, language, who is mentioned), or None."""
    facts = PostFacts.of(post)
    zone = _zone_of(subscription.tz if subscription else None, default_tz)
    language = supported(subscription.lang if subscription else None) or DEFAULT_LANGUAGE
    if contact is None:
        return PostBundle(facts, zone, language=language, skip_reason="the contact no longer exists")
    alert_row = post if post.kind == PostKind.ALERT else alert_posts.alert_of(session, post.contact_id, post.channel)
    alert = PostFacts.of(alert_row) if alert_row is not None else None
    bundle = PostBundle(facts, zone, contact=contact, alert=alert, language=language)
    match post.kind:
        case PostKind.REFRESH if alert is None or alert.message_ref is None:
            return _skipped(bundle, "the alert was never posted, so there is nothing to update")
        case PostKind.ESCALATION if alert is None or alert.acked_at is not None:
            return _skipped(bundle, "acknowledged before escalation")
        case PostKind.ESCALATION:
            return _with(bundle, mentions=_mentions(subscription.escalate_mentions if subscription else None))
        case PostKind.REMINDER:
            opens = contact.window_opens
            found = strikes_between(session, opens, max(opens, now))
            return _with(bundle, so_far=StrikeTotals(found.strikes, found.drones, found.missiles))
        case PostKind.SUMMARY:
            totals = summary_totals(session, contact.occurred_at, post.window_seconds, time_known=contact.time_known)
            return _with(bundle, summary=totals)
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


@lru_cache(maxsize=256)
def _zone_of(name: str | None, default_tz: str) -> tzinfo:
    """The channel's zone (its setting, else the default; one a later tz database no longer knows, the default).
    Cached: a fan-out asks for the same few zones a thousand times."""
    try:
        return resolve_zone(name or default_tz)
    except UnknownZoneError:
        return resolve_zone(default_tz)


def _mentions(raw: str | None) -> tuple[str, ...]:
    return tuple(user.strip() for user in (raw or "").split(",") if user.strip())


# --- what a post says (no database from here on) ------------------------------------------------------------
POST_KIND_NAMES = {
    PostKind.ALERT: N_("alert"),
    PostKind.REMINDER: N_("reminder"),
    PostKind.ESCALATION: N_("escalation"),
    PostKind.SUMMARY: N_("summary"),
    PostKind.RETRACTION: N_("retraction notice"),
    PostKind.REFRESH: N_("alert update"),
}
SNOOZE_DEFAULT_SECONDS = 7200  # SNOOZE_DEFAULT, for showing


@dataclass(frozen=True)
class Composed:
    """A post ready to send, or the reason there is nothing to send any more (an escalation already acked)."""

    reply: Reply | None
    skip_reason: str | None = None
    update_of: str | None = None  # for a refresh: the message_ref of the alert to edit


def compose(bundle: PostBundle, *, now: datetime, late: bool) -> Composed:
    """The message for a loaded post, in its channel's language: text, plurals, numbers and buttons alike (the
    buttons are part of the post; what a press answers is the presser's, in theirs)."""
    with activate(bundle.language) as language:
        composed = _compose(bundle, now=now, late=late)
    if composed.reply is None:
        return composed
    return replace(composed, reply=replace(composed.reply, language=language))


def _compose(bundle: PostBundle, *, now: datetime, late: bool) -> Composed:
    contact, post, alert, zone = bundle.contact, bundle.post, bundle.alert, bundle.zone
    if bundle.skip_reason is not None or contact is None:
        return Composed(None, bundle.skip_reason or "the contact no longer exists")
    late_note = _("Posted late: this was due {when}.").format(when=show_time(post.due_at, zone)) if late else None
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


def kind_name(kind: str) -> str:
    """A contact's kind as people read it ('call' → 'дзвінок'); a kind we do not know is shown as stored."""
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def confidence_name(confidence: str) -> str:
    return _(CONFIDENCE_NAMES[confidence]) if confidence in CONFIDENCE_NAMES else confidence


def post_kind_name(kind: str) -> str:
    """What a planned post is, for /alerts pending and status ('reminder', 'нагадування')."""
    return _(POST_KIND_NAMES[PostKind(kind)]) if kind in set(PostKind) else kind


def _head(contact: ContactFacts) -> dict[str, object]:
    """The placeholders every post's headline takes: contact #{id} · {kind} · {parties}."""
    return {"id": contact.id, "kind": kind_name(contact.kind), "parties": contact.parties}


def _actions(post: AlertPost | PostFacts, *, acknowledged: bool) -> tuple[Button, ...]:
    """The buttons carry the contact number, so a press is exactly `/alerts ack N` or `/alerts snooze N 2h`."""
    label = _("Snooze {duration}").format(duration=show_duration(SNOOZE_DEFAULT_SECONDS))
    snooze = Button(label, "alerts snooze", f"{post.contact_id} {SNOOZE_DEFAULT}")
    if acknowledged:
        return (snooze,)
    return (Button(_("Acknowledge"), "alerts ack", str(post.contact_id), style="primary"), snooze)


def _how_to_act(contact_id: int, *, acknowledged: bool) -> str:
    if acknowledged:
        return _("/alerts snooze {id} {snooze} pushes back the next reminder.").format(
            id=contact_id, snooze=SNOOZE_DEFAULT
        )
    return _("/alerts ack {id} acknowledges; /alerts snooze {id} {snooze} pushes back the next reminder.").format(
        id=contact_id, snooze=SNOOZE_DEFAULT
    )


def _window_line(contact: ContactFacts, window_seconds: int, zone: tzinfo) -> str:
    closes = contact.window_opens + timedelta(seconds=window_seconds)
    return _("Risk window: {length}, closes {when}").format(
        length=show_offset(window_seconds), when=show_time(closes, zone)
    )


def _checklist_inline() -> str:
    """The checklist as one sentence: 'Raise air-defence readiness; activate civil defence; …'."""
    items = [_(item) for item in CHECKLIST]
    return "; ".join([items[0], *(item[:1].lower() + item[1:] for item in items[1:])])


def alert_message(contact: ContactFacts, alert: PostFacts, zone: tzinfo, *, late_note: str | None) -> Reply:
    when = show_time(contact.occurred_at, zone)
    confidence = confidence_name(contact.confidence)
    lines = [
        _("Reported: {kind} between {parties}").format(kind=kind_name(contact.kind), parties=contact.parties),
        (_("When: {when}") if contact.time_known else _("When: {when} (hour not reported)")).format(when=when),
        _("Source: {source} · Confidence: {confidence}").format(source=contact.source, confidence=confidence)
        if contact.source
        else _("Source: not given · Confidence: {confidence}").format(confidence=confidence),
        _window_line(contact, alert.window_seconds, zone),
        "",
        _("Readiness checklist:"),
        *(f"[ ] {_(item)}" for item in CHECKLIST),
    ]
    if contact.notes:
        lines.insert(3, _("Notes: {notes}").format(notes=contact.notes))
    acknowledged = alert.acked_at is not None
    status = (
        _("Acknowledged by {user} at {when}").format(
            user=alert.acked_by,
            when=show_time(alert.acked_at, zone),  # type: ignore[arg-type]
        )
        if acknowledged
        else _("Not yet acknowledged")
    )
    footer = "\n".join(filter(None, [status, _how_to_act(contact.id, acknowledged=acknowledged), late_note]))
    return Reply(
        title=_("READINESS ALERT · contact #{id} · {kind} · {parties}").format(**_head(contact)),
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
    closes = contact.window_opens + timedelta(seconds=post.window_seconds)
    left = round(max(0.0, (closes - now).total_seconds() / 3600))
    lines = [
        ngettext(
            "{n}h left in the readiness window (+{offset} of {window}; it closes {when}).",
            "{n}h left in the readiness window (+{offset} of {window}; it closes {when}).",
            left,
        ).format(
            n=left,
            offset=show_offset(post.offset_seconds),
            window=show_offset(post.window_seconds),
            when=show_time(closes, zone),
        ),
        _("Strikes logged since the contact: {totals}.").format(totals=_totals(so_far)),
        _("Checklist: {items}.").format(items=_checklist_inline()),
    ]
    acknowledged = alert is not None and alert.acked_at is not None
    footer = "\n".join(filter(None, [_how_to_act(contact.id, acknowledged=acknowledged), late_note]))
    return Reply(
        title=_("Reminder · contact #{id} · {kind} · {parties}").format(**_head(contact)),
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
    waited = show_duration(max(0, int((now - posted).total_seconds())) // 60 * 60)
    lines = [
        _(
            "Nobody has acknowledged the readiness alert for contact #{id} · {kind} · {parties}, "
            "posted {when} ({waited} ago)."
        ).format(**_head(contact), when=show_time(posted, zone), waited=waited),
        _("Check the readiness checklist and acknowledge."),
    ]
    if not mentions:
        lines.append(_("Nobody is named to escalate to: /alerts subscribe mention=USER,USER names them."))
    return Reply(
        title=_("ESCALATION · contact #{id} · {kind} · {parties}").format(**_head(contact)),
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
    span = format_span(post.window_seconds)
    usual = ", ".join(
        [
            _("{value} strikes").format(value=format_number(before.strikes * scale, 1)),  # a rate: 0.4 strikes
            _drones(round(before.drones * scale)),
            _missiles(round(before.missiles * scale)),
        ]
    )
    lines = [
        _("The {length} readiness window after contact #{id} · {kind} · {parties} has closed.").format(
            length=show_offset(post.window_seconds), **_head(contact)
        ),
        _("In the window: {totals}.").format(totals=_totals(in_window)),
        ngettext(
            "Usual for {span}: {usual} (the daily rate over the {n} day before the contact).",
            "Usual for {span}: {usual} (the daily rate over the {n} days before the contact).",
            BASELINE_DAYS,
        ).format(span=span, usual=usual, n=BASELINE_DAYS),
    ]
    expected = before.weapons * scale
    if expected >= 1:
        lines.append(
            _("Drones and missiles: {ratio}× the usual level.").format(
                ratio=format_number(in_window.weapons / expected, 1)
            )
        )
    elif expected > 0:
        lines.append(_("Under one drone or missile is usual for {span}, too few to compare with.").format(span=span))
    elif in_window.weapons:
        lines.append(_("Nothing was logged in the days before, so there is no usual level to compare with."))
    return Reply(
        title=_("Window closed · contact #{id} · {kind} · {parties}").format(**_head(contact)),
        text="\n".join(lines),
        footer=late_note,
        visibility=Visibility.CHANNEL,
    )


def retraction_message(contact: ContactFacts, zone: tzinfo) -> Reply:
    head = _head(contact)
    reason = contact.retract_reason or _("no reason given")
    if contact.retracted_at is not None:
        retracted = _("Contact #{id} ({parties}) was retracted by {user} at {when}: {reason}.").format(
            **head, user=contact.retracted_by, when=show_time(contact.retracted_at, zone), reason=reason
        )
    else:
        retracted = _("Contact #{id} ({parties}) was retracted by {user} just now: {reason}.").format(
            **head, user=contact.retracted_by, reason=reason
        )
    lines = [retracted, _("Its remaining readiness posts in this channel are cancelled.")]
    return Reply(
        title=_("Retracted · contact #{id} · {kind} · {parties}").format(**head),
        text="\n".join(lines),
        visibility=Visibility.CHANNEL,
    )


def _totals(totals: StrikeTotals) -> str:
    """'1 strike (120 drones, 4 missiles)' — each noun in its plural form for its number."""
    return _("{strikes} ({drones}, {missiles})").format(
        strikes=ngettext("{n} strike", "{n} strikes", totals.strikes).format(n=format_number(totals.strikes)),
        drones=_drones(totals.drones),
        missiles=_missiles(totals.missiles),
    )


def _drones(n: int) -> str:
    return ngettext("{n} drone", "{n} drones", n).format(n=format_number(n))


def _missiles(n: int) -> str:
    return ngettext("{n} missile", "{n} missiles", n).format(n=format_number(n))
