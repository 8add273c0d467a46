"""/strike — log a strike report, show one, or retract one."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from handlers.chat import forms
from handlers.chat.command import Command
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply, Visibility
from handlers.chat.request import ChatRequest
from handlers.i18n import N_, _
from handlers.records import actions as report_actions
from handlers.records.messages import strike_details, strike_headline
from handlers.strikes import from_report
from handlers.strikes.logged import record_logged
from handlers.strikes.totals import contradiction, resolved_totals
from handlers.strikes.weapons import parse_weapons
from handlers.text import arguments
from handlers.text.times import parse_time
from storage import records
from storage.models import StrikeReport

USAGE = N_("""\
/strike at=TIME [drones=N] [missiles=N] [weapons="Shahed-136:400,Iskander-M:6"] [region=…] [killed=N] \
[injured=N] [source=…] [notes…|notes="…"]
/strike show ID
/strike retract ID reason="…"
/strike with no arguments opens a form.
Give drones=, missiles= or weapons=. drones= and missiles= are totals; weapons= may detail all of them or only the
models that were named, so each total must be at least what weapons= lists of its class (drones=10 with
weapons="Shahed-136:20" is refused). A total left out is the sum of its class in weapons=.
Example: /strike at="2025-07-04 01:00 Kyiv" drones=539 missiles=11 region=Kyiv source=kpszsu
Keys in Ukrainian too: коли= or час= (at=), дрони=, ракети=, зброя= (weapons=), регіон= or область=, загиблі=,
поранені=, джерело= (source=), нотатки= (notes=).
An Air Force report: forward it to the bot on Telegram, use "Log as strike report" on a Slack message, or paste it
after /strike (no key=value). The bot shows what it read with Confirm, Edit and Cancel and stores it on Confirm;
the same night from the same source is stored once. Typed: /strike preview [source=LINK] and the report on the
next line; /strike confirm N · /strike edit N · /strike cancel N act on preview N.""")

FORM = forms.Form(
    command="strike",
    title=N_("Log a strike"),
    fields=(
        forms.Field("at", N_("When"), forms.FieldKind.MOMENT, required=True, question=N_("When did the strike start?")),
        forms.Field(
            "drones", N_("Drones launched"), forms.FieldKind.COUNT, question=N_("How many drones?"), placeholder="0"
        ),
        forms.Field(
            "missiles",
            N_("Missiles launched"),
            forms.FieldKind.COUNT,
            question=N_("How many missiles?"),
            placeholder="0",
        ),
        forms.Field(
            "weapons",
            N_("Per model"),
            question=N_("Launched per model?"),
            hint=N_("Model:count, comma separated; totals are derived from it when not given."),
            placeholder="Shahed-136:400, Iskander-M:6",
            max_length=500,
        ),
        forms.Field("region", N_("Region"), question=N_("Which region?"), placeholder=N_("Kyiv"), max_length=120),
        forms.Field("killed", N_("Killed"), forms.FieldKind.COUNT, question=N_("How many killed?"), placeholder="0"),
        forms.Field("injured", N_("Injured"), forms.FieldKind.COUNT, question=N_("How many injured?"), placeholder="0"),
        forms.Field(
            "source",
            N_("Source"),
            question=N_("Source?"),
            placeholder=N_("Air Force of Ukraine, …"),
            max_length=200,
        ),
        forms.notes_field(arguments.MAX_TEXT),
    ),
)


def _log(request: ChatRequest, ctx: HandlerContext) -> Reply:
    """Typed arguments log a strike as always; a pasted Air Force report (no `key=value`) is previewed instead."""
    return from_report.typed_or_pasted(request, ctx, lambda: _log_typed(request, ctx))


def _fields(text: str, request: ChatRequest, ctx: HandlerContext) -> dict[str, Any]:
    """The strike's fields from typed arguments, checked; every complaint is an `ArgumentError` naming its field."""
    zone = ctx.channel_zone(request.channel)
    now = ctx.now()
    spec = {
        "at": lambda raw: parse_time(raw, now=now, zone=zone),
        "drones": arguments.count,
        "missiles": arguments.count,
        "weapons": parse_weapons,
        "region": arguments.text_value(120),
        "killed": arguments.count,
        "injured": arguments.count,
        "source": arguments.text_value(200),
        "notes": arguments.text_value(arguments.MAX_TEXT),
    }
    parsed = arguments.parse(text, spec, command="strike", joinable=frozenset({"at"}))
    if "at" not in parsed.values:
        raise arguments.ArgumentError(_("at= is required: when did the strike start?"), field="at")
    if not {"drones", "missiles", "weapons"} & parsed.values.keys():
        raise arguments.ArgumentError(
            _("say what was launched: drones=N, missiles=N or weapons=MODEL:N,…"), field="drones"
        )
    weapons: dict[str, int] = parsed.get("weapons", {})
    given = {"drones": parsed.get("drones"), "missiles": parsed.get("missiles")}
    problem = contradiction(weapons, **given)
    if problem:
        raise arguments.ArgumentError(problem[1], field=problem[0])
    drones, missiles = resolved_totals(weapons, **given)
    return {
        "started_at": parsed.values["at"].at,
        "time_known": parsed.values["at"].time_known,
        "drones": drones,
        "missiles": missiles,
        "weapons": weapons,
        "region": parsed.get("region"),
        "killed": parsed.get("killed"),
        "injured": parsed.get("injured"),
        "source": parsed.get("source"),
        "notes": parsed.notes,
    }


def _log_typed(request: ChatRequest, ctx: HandlerContext) -> Reply:
    zone = ctx.channel_zone(request.channel)
    now = ctx.now()
    strike = StrikeReport(**_fields(request.text, request, ctx), **report_actions.provenance(request, now))
    with ctx.db.transaction() as session:
        stored, inserted = records.insert_once(session, strike)
        if inserted:
            record_logged(session, request, stored, now)
    title, body = _format(stored, zone)
    if not inserted:
        return Reply(title=_("Already logged as strike #{id}").format(id=stored.id), text=body)
    return Reply(title=_("Logged {title}").format(title=title), text=body, visibility=Visibility.CHANNEL)


def _format(strike: StrikeReport, zone: tzinfo) -> tuple[str, str]:
    return strike_headline(strike), strike_details(strike, zone)


COMMAND = Command(
    name="strike",
    summary=N_("log a strike report (drones, missiles, weapons, region, casualties); show or retract one"),
    usage=USAGE,
    actions=(
        *report_actions.report_actions(model=StrikeReport, fmt=_format, usage=USAGE, form=FORM, log=_log),
        *from_report.actions(form=FORM, read_fields=_fields, usage=USAGE),
    ),
)
