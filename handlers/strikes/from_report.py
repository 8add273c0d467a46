"""A forwarded or pasted Air Force report becomes a strike report after a confirmed preview.

`/strike preview` (or `/strike` with a pasted report and no `key=value`) reads the report with the Air Force
parser and stores nothing but a short-lived draft, shown as a preview with Confirm / Edit / Cancel. The buttons are
the actions `/strike confirm N`, `/strike edit N` and `/strike cancel N`, declared with the role each needs, so a
forged press meets the same router check as typing it. A draft belongs to whoever asked for the preview: only they
may act on it, for an hour.

Confirm stores the strike exactly once: the draft is locked while it is read, the strike's `source_key` is the
origin and the night (the same night from the same source twice is one report, whoever forwards it), and its
`request_key` names the draft, so a double press is answered "already logged as strike #N".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from handlers.chat.command import Action, explained
from handlers.chat.context import HandlerContext
from handlers.chat.forms import Form, Moment
from handlers.chat.reply import Reply, Visibility
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import N_, _
from handlers.records.messages import strike_details, strike_headline, who
from handlers.strikes import pasted, report_draft
from handlers.strikes.logged import record_logged
from handlers.strikes.preview import CANCEL, CONFIRM, EDIT, preview_reply
from handlers.text import arguments
from handlers.text.times import show_time
from storage import drafts
from storage.models import DraftState, StrikeDraft, StrikeReport

if TYPE_CHECKING:
    from handlers.airforce import Refusal

DRAFT_LIFETIME = timedelta(hours=1)
EDIT_TITLE, EDIT_SUBMIT = N_("Edit strike preview"), N_("Update preview")  # the Edit form's, translated with it
KEEP_EXPIRED = timedelta(days=1)  # an expired draft is still recognised (and said to be expired) for a day

# The strike's fields from typed arguments (`at=… drones=…`), as /strike reads them: the Edit form's submit.
FieldsReader = Callable[[str, ChatRequest, HandlerContext], dict[str, Any]]
STRIKE_FIELDS = ("started_at", "time_known", "drones", "missiles", "weapons", "region", "killed", "injured", "source")


def actions(*, form: Form, read_fields: FieldsReader, usage: str) -> tuple[Action, ...]:
    """/strike's preview, confirm, edit and cancel. Each leads to a write (a draft, or the strike), so each needs
    the reporter role; a viewer's or a stranger's press is refused by the router before it gets here."""

    def preview(request: ChatRequest, ctx: HandlerContext) -> Reply:
        origin, text = pasted.split_header(request.text)
        return show_preview(request, ctx, text, origin)

    def confirm_draft(request: ChatRequest, ctx: HandlerContext) -> Reply:
        return confirm(request, ctx)

    def edit_draft(request: ChatRequest, ctx: HandlerContext) -> Reply:
        return edit(request, ctx, form, read_fields)

    def cancel_draft(request: ChatRequest, ctx: HandlerContext) -> Reply:
        return cancel(request, ctx)

    return (
        Action("preview", Role.REPORTER, explained(preview, usage), word=pasted.PREVIEW, writes=True),
        Action("confirm", Role.REPORTER, explained(confirm_draft, usage), word=CONFIRM, writes=True),
        Action("edit", Role.REPORTER, explained(edit_draft, usage), word=EDIT, writes=True),
        Action("cancel", Role.REPORTER, explained(cancel_draft, usage), word=CANCEL, writes=True),
    )


# --- the preview ------------------------------------------------------------------------------------------------
def show_preview(
    request: ChatRequest,
    ctx: HandlerContext,
    text: str,
    origin: report_draft.Origin,
    *,
    refused: Callable[[Refusal], Reply] | None = None,
) -> Reply:
    """Read `text`; store it as a draft of `request`'s caller and answer with its preview. A text the parser
    refuses stores nothing and is answered by `refused` (default: the parser's reason)."""
    now = ctx.now()
    read = report_draft.read(text, origin, now)
    if not isinstance(read, report_draft.Draft):  # the parser's refusal
        return refused(read) if refused else Reply.error(not_a_report(read.reason))
    draft = StrikeDraft(
        author=request.caller,
        author_name=request.user_name,
        channel=request.channel,
        created_at=now,
        expires_at=now + DRAFT_LIFETIME,
        request_key=f"preview:{request.idempotency_key}" if request.idempotency_key else None,
        source_key=read.source_key,
        strike=read.strike,
        reading=read.reading,
    )
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        drafts.purge_expired(session, now - KEEP_EXPIRED)
        stored, _inserted = drafts.add_once(session, draft)
        return _preview(session, stored, zone)


def typed_or_pasted(request: ChatRequest, ctx: HandlerContext, typed: Callable[[], Reply]) -> Reply:
    """`/strike …` with text: typed arguments as always (`typed`); text with no `key=value` that the parser reads
    is a pasted report, previewed; text it refuses gets the typed command's own error with the parser's reason."""
    if pasted.has_arguments(request.text):
        return typed()

    def refused(refusal: Refusal) -> Reply:
        try:
            return typed()
        except arguments.ArgumentError as error:
            also = _("Read as a pasted Air Force report, it was refused too: {reason}.").format(reason=refusal.reason)
            raise arguments.ArgumentError(f"{error}\n{also}", field=error.field) from None

    return show_preview(request, ctx, request.text, report_draft.Origin(), refused=refused)


def not_a_report(reason: str) -> str:
    return _(
        "I could not read that as an Air Force report: {reason}. Nothing was stored.\n"
        "To log a strike by hand: /strike at=TIME drones=N missiles=N (see /help strike)."
    ).format(reason=reason)


def _preview(session: Session, draft: StrikeDraft, zone: tzinfo) -> Reply:
    """The preview, with what is already stored for the same night (from this source, and from any other)."""
    values = report_draft.Draft(draft.strike, draft.reading)
    same_source = drafts.strike_by_source_key(session, draft.source_key) if draft.source_key else None
    same_night: list[StrikeReport] = []
    if values.started_at is not None:
        night = report_draft.night_of(values.started_at, bool(draft.strike.get("time_known", True)))
        same_night = drafts.live_strikes_between(session, *report_draft.night_window(night))
    return preview_reply(draft, zone, same_source=same_source, same_night=same_night)


# --- confirm, edit, cancel ------------------------------------------------------------------------------------
def confirm(request: ChatRequest, ctx: HandlerContext) -> Reply:
    draft_id = _draft_id(request.text, CONFIRM)
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        draft = _usable(drafts.get_for_update(session, draft_id), draft_id, request, now, CONFIRM, zone)
        if isinstance(draft, Reply):
            return draft
        if draft.state == DraftState.CONFIRMED:
            stored = session.get(StrikeReport, draft.strike_id) if draft.strike_id else None
            return _already(stored, zone)
        reasons = report_draft.blockers(draft.strike)
        if reasons:
            return Reply.error(
                _("Preview #{id} cannot be stored yet: {reasons}. Press Edit to complete it.").format(
                    id=draft_id, reasons="; ".join(reasons)
                )
            )
        stored, inserted = drafts.store_strike_once(session, _strike(draft, request, now))
        drafts.close(session, draft, DraftState.CONFIRMED, at=now, strike_id=stored.id)
        if inserted:
            record_logged(session, request, stored, now, draft=draft_id, source_key=stored.source_key)
    if not inserted:
        return _already(stored, zone)
    return Reply(
        title=_("Logged {title}").format(title=strike_headline(stored)),
        text=strike_details(stored, zone),
        visibility=Visibility.CHANNEL,
    )


def cancel(request: ChatRequest, ctx: HandlerContext) -> Reply:
    draft_id = _draft_id(request.text, CANCEL)
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        draft = _usable(drafts.get_for_update(session, draft_id), draft_id, request, now, CANCEL, zone)
        if isinstance(draft, Reply):
            return draft
        drafts.close(session, draft, DraftState.CANCELLED, at=now)
    return Reply(title=_("Preview #{id} cancelled").format(id=draft_id), text=_("Nothing was stored."))


def edit(request: ChatRequest, ctx: HandlerContext, form: Form, read_fields: FieldsReader) -> Reply:
    """`edit N` alone: the strike form, filled in with the draft. `edit N at=… drones=…` (the form's submit): the
    draft takes those values, which /strike checks exactly as if typed, and is previewed again."""
    words = request.text.split(maxsplit=1)
    draft_id = _draft_id(words[0] if words else "", EDIT)
    given = words[1] if len(words) > 1 else ""
    now = ctx.now()
    zone = ctx.channel_zone(request.channel)
    if not given.strip():
        with ctx.db.reader() as session:
            draft = _usable(drafts.get(session, draft_id), draft_id, request, now, EDIT, zone)
        if isinstance(draft, Reply):
            return draft
        filled = edit_form(form, draft)
        typed = f"/strike {filled.command_text(filled.initial)}"
        return Reply(
            title=_("Edit preview #{id}").format(id=draft_id),
            text=_("Change what is wrong and send it back:\n{command}").format(command=typed),
            form=filled.translated(),  # in the caller's language, as every form; what it submits is unchanged
        )
    fields = read_fields(given, request, ctx)
    with ctx.db.transaction() as session:
        draft = _usable(drafts.get_for_update(session, draft_id), draft_id, request, now, EDIT, zone)
        if isinstance(draft, Reply):
            return draft
        started: datetime = fields["started_at"]
        draft.strike = {
            **{name: fields.get(name) for name in STRIKE_FIELDS},
            "started_at": started.astimezone(UTC).isoformat(),
            "notes": fields.get("notes"),
        }
        draft.reading = {**draft.reading, "edited": True}
        draft.source_key = report_draft.Draft(draft.strike, draft.reading).source_key
        draft.expires_at = now + DRAFT_LIFETIME
        drafts.update(session, draft)
        return _preview(session, draft, zone)


def edit_form(form: Form, draft: StrikeDraft) -> Form:
    """The strike form filled in with the draft's values, its submit sending them back to this draft."""
    strike = draft.strike
    initial: dict[str, str | Moment] = {}
    started = report_draft.Draft(strike, draft.reading).started_at
    if started is not None:
        local = started.astimezone(report_draft.KYIV)
        clock = local.strftime("%H:%M") if strike.get("time_known", True) else ""
        initial["at"] = Moment(local.date().isoformat(), clock, "Kyiv")
    for name in ("drones", "missiles", "killed", "injured"):
        if strike.get(name) is not None:
            initial[name] = str(strike[name])
    if strike.get("weapons"):
        initial["weapons"] = ", ".join(f"{model}:{count}" for model, count in strike["weapons"].items())
    for name in ("region", "source", "notes"):
        if strike.get(name):
            initial[name] = str(strike[name])
    known = {item.name for item in form.fields}
    return dataclasses.replace(
        form,
        title=EDIT_TITLE,
        submit_label=EDIT_SUBMIT,
        initial={name: value for name, value in initial.items() if name in known},
        action=f"{EDIT} {draft.id}",
    )


def _strike(draft: StrikeDraft, request: ChatRequest, now: datetime) -> StrikeReport:
    strike = draft.strike
    values = report_draft.Draft(strike, draft.reading)
    assert values.started_at is not None
    return StrikeReport(
        started_at=values.started_at,
        time_known=bool(strike.get("time_known", True)),
        drones=int(strike["drones"]),
        missiles=int(strike["missiles"]),
        weapons=dict(strike.get("weapons") or {}),
        region=strike.get("region"),
        killed=strike.get("killed"),
        injured=strike.get("injured"),
        source=strike.get("source"),
        notes=strike.get("notes"),
        reported_by=request.caller,
        reporter_name=request.user_name,
        channel=request.channel,
        created_at=now,
        request_key=f"draft:{draft.id}",
        source_key=draft.source_key,
    )


def _already(stored: StrikeReport | None, zone: tzinfo) -> Reply:
    if stored is None:  # cannot happen: a confirmed draft names its strike
        return Reply.error(_("This preview was already confirmed."))
    note = ""
    if stored.retracted_at is not None:
        note = "\n" + _("It was retracted; to log a corrected report, type it: /strike at=… drones=…")
    return Reply(
        title=_("Already logged as strike #{id}").format(id=stored.id), text=strike_details(stored, zone) + note
    )


# Who may act on a preview, said for each action (a verb does not slot into another language's sentence).
_ONLY_THE_AUTHOR = {
    CONFIRM: N_(
        "Preview #{id} belongs to {owner}: only they can confirm it. To log this report yourself, forward or paste "
        "it to me."
    ),
    EDIT: N_(
        "Preview #{id} belongs to {owner}: only they can edit it. To log this report yourself, forward or paste it "
        "to me."
    ),
    CANCEL: N_(
        "Preview #{id} belongs to {owner}: only they can cancel it. To log this report yourself, forward or paste "
        "it to me."
    ),
}
_SAY_WHICH = {
    CONFIRM: N_("say which preview to confirm: /strike confirm N (N is the preview's number)"),
    EDIT: N_("say which preview to edit: /strike edit N (N is the preview's number)"),
    CANCEL: N_("say which preview to cancel: /strike cancel N (N is the preview's number)"),
}


def _usable(
    draft: StrikeDraft | None, draft_id: int, request: ChatRequest, now: datetime, doing: str, zone: tzinfo
) -> StrikeDraft | Reply:
    """The draft, if `request`'s caller may `doing` it now; else the refusal that says why (its author, its state,
    its age). A confirmed draft is left to the caller: a second Confirm is answered with the strike, not refused."""
    if draft is None:
        return Reply.error(
            _(
                "There is no strike preview #{id} (previews are deleted a day after they expire). Forward or paste "
                "the report again to get a new preview."
            ).format(id=draft_id)
        )
    if draft.author != request.caller:
        return Reply.error(_(_ONLY_THE_AUTHOR[doing]).format(id=draft_id, owner=who(draft.author, draft.author_name)))
    if draft.state == DraftState.CONFIRMED:
        if doing == CONFIRM:
            return draft
        logged = _(
            'Preview #{id} is already logged as strike #{strike}; to withdraw it: /strike retract {strike} reason="…"'
        )
        return Reply.error(logged.format(id=draft_id, strike=draft.strike_id))
    if draft.state == DraftState.CANCELLED:
        return Reply.error(
            _(
                "Preview #{id} was cancelled; nothing was stored. Forward or paste the report again to get a new "
                "preview."
            ).format(id=draft_id)
        )
    if draft.expires_at <= now:
        return Reply.error(
            _(
                "Preview #{id} expired at {time} (previews are kept for an hour); nothing was stored. Forward or "
                "paste the report again to get a new preview."
            ).format(id=draft_id, time=show_time(draft.expires_at, zone))
        )
    return draft


def _draft_id(text: str, doing: str) -> int:
    words = text.split()
    if len(words) != 1:
        raise arguments.ArgumentError(_(_SAY_WHICH[doing]))
    return arguments.record_id(words[0], what="preview")
