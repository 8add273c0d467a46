"""The actions /contact and /strike share: no arguments opens a form, `show ID`, `retract ID reason=…`, else log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from handlers.chat.command import Action, ActionHandler, explained
from handlers.chat.context import HandlerContext
from handlers.chat.forms import Form
from handlers.chat.reply import Reply, Visibility
from handlers.chat.request import ChatRequest, Role
from handlers.i18n import N_, _
from handlers.text import arguments
from storage import audit, records
from storage.models import ContactReport, StrikeReport

Report = ContactReport | StrikeReport
Formatter = Callable[[Report, tzinfo], tuple[str, str]]  # → (title, body)

# What the two commands say, one whole sentence per noun: Ukrainian (and English) word order and agreement
# follow the noun, so a sentence is never glued around it.
TEXTS: dict[str, dict[str, str]] = {
    "contact": {
        "form": N_("Log a contact"),
        "which_show": N_("say which contact to show: /contact show ID"),
        "which_retract": N_("say which contact to retract: /contact retract ID reason=…"),
        "missing": N_("There is no contact #{id}."),
        "already": N_("Contact #{id} was already retracted ({reason})."),
        "not_yours": N_("Only an admin or its reporter may retract contact #{id}."),
        "retracted": N_("Contact #{id} retracted"),
    },
    "strike": {
        "form": N_("Log a strike"),
        "which_show": N_("say which strike to show: /strike show ID"),
        "which_retract": N_("say which strike to retract: /strike retract ID reason=…"),
        "missing": N_("There is no strike #{id}."),
        "already": N_("Strike #{id} was already retracted ({reason})."),
        "not_yours": N_("Only an admin or its reporter may retract strike #{id}."),
        "retracted": N_("Strike #{id} retracted"),
    },
}


def provenance(request: ChatRequest, now: datetime) -> dict[str, Any]:
    """Who logged a report, from where, when, and its redelivery key: the same columns on every report."""
    return {
        "reported_by": request.caller,
        "reporter_name": request.user_name,
        "channel": request.channel,
        "created_at": now,
        "request_key": request.idempotency_key,
    }


def report_actions(
    *,
    model: type[Report],
    fmt: Formatter,
    usage: str,
    form: Form,
    log: ActionHandler,
    on_retract: Callable[..., list[str]] | None = None,
) -> tuple[Action, ...]:
    """The actions /contact and /strike share, each with the role it needs.

    `/contact` alone opens the form (for those who may log); `show ID` reads; `retract ID reason=…` withdraws; any
    other text is a report to log, whatever its first word is.
    """
    noun = _noun(model)

    def open_form(_request: ChatRequest, _ctx: HandlerContext) -> Reply:
        return Reply(title=_said(noun, "form"), text=_(usage), form=form.translated())

    def show_one(request: ChatRequest, ctx: HandlerContext) -> Reply:
        return show(request.text, ctx, request, model, fmt)

    def retract_one(request: ChatRequest, ctx: HandlerContext) -> Reply:
        return retract(request.text, ctx, request, model, fmt, request.role, on_retract)

    def usage_only(_request: ChatRequest, _ctx: HandlerContext) -> Reply:
        return Reply(title=f"/{noun}", text=_(usage))

    return (
        Action("form", Role.REPORTER, open_form, bare=True),
        Action("show", Role.VIEWER, explained(show_one, usage), word="show"),
        Action("retract", Role.REPORTER, explained(retract_one, usage), word="retract", writes=True),
        Action("help", Role.VIEWER, usage_only, word="help"),
        Action("log", Role.REPORTER, explained(log, usage), default=True, writes=True),
    )


def show(rest: str, ctx: HandlerContext, request: ChatRequest, model: type[Report], fmt: Formatter) -> Reply:
    noun = _noun(model)
    words = rest.split()
    if len(words) != 1:
        raise arguments.ArgumentError(_said(noun, "which_show"))
    report_id = arguments.record_id(words[0], what=noun)
    with ctx.db.reader() as session:
        report = records.get(session, model, report_id)
    if report is None:
        return Reply.error(_said(noun, "missing").format(id=report_id))
    title, body = fmt(report, ctx.channel_zone(request.channel))
    return Reply(title=title, text=body)


def retract(
    rest: str,
    ctx: HandlerContext,
    request: ChatRequest,
    model: type[Report],
    fmt: Formatter,
    role: Role,
    on_retract: Callable[..., list[str]] | None = None,
) -> Reply:
    """Mark a report withdrawn (never deleted). Reporters may retract their own reports; admins any."""
    noun = _noun(model)
    words = rest.split(maxsplit=1)
    if not words:
        raise arguments.ArgumentError(_said(noun, "which_retract"))
    report_id = arguments.record_id(words[0], what=noun)
    parsed = arguments.parse(
        words[1] if len(words) > 1 else "", {"reason": arguments.text_value(500)}, command=noun, notes=False
    )
    reason = parsed.get("reason")
    if not reason:
        raise arguments.ArgumentError(
            _('say why: /{command} retract {id} reason="…"').format(command=noun, id=report_id), field="reason"
        )
    zone = ctx.channel_zone(request.channel)
    with ctx.db.transaction() as session:
        report = records.get(session, model, report_id)
        if report is None:
            return Reply.error(_said(noun, "missing").format(id=report_id))
        if report.retracted_at is not None:
            return Reply.error(_said(noun, "already").format(id=report_id, reason=report.retract_reason))
        if report.reported_by != request.caller and not role.allows(Role.ADMIN):
            return Reply.error(_said(noun, "not_yours").format(id=report_id))
        now = ctx.now()
        records.retract(session, report, by=request.caller, reason=reason, at=now)
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action=f"{noun}.retract",
            at=now,
            entity=noun,
            entity_id=report_id,
            details={"reason": reason},
        )
        extra = on_retract(session, report, ctx) if on_retract else []
    _title, body = fmt(report, zone)
    lines = [body, *extra]
    return Reply(
        title=_said(noun, "retracted").format(id=report_id), text="\n".join(lines), visibility=Visibility.CHANNEL
    )


def _said(noun: str, what: str) -> str:
    """One of `TEXTS` in the active language."""
    return _(TEXTS[noun][what])


def _noun(model: type[Report]) -> str:
    return "contact" if model is ContactReport else "strike"
