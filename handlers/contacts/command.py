"""/contact — log a leader-to-leader contact report, show one, or retract one."""

from __future__ import annotations

from datetime import tzinfo

from handlers.chat import forms
from handlers.chat.command import Command
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply, Visibility
from handlers.chat.request import ChatRequest
from handlers.contacts.parties import parse_parties, parties_key
from handlers.contacts.same_contact import first_report_of
from handlers.i18n import N_, _
from handlers.records import actions as report_actions
from handlers.records.messages import contact_details, contact_headline
from handlers.text import arguments
from handlers.text.durations import parse_duration
from handlers.text.times import parse_time
from storage import audit, records
from storage.models import ContactReport

KINDS = ("call", "meeting", "message", "envoy")
CONFIDENCES = ("confirmed", "reported", "unverified")
# How the form's choices read (the values stay what `kind=` and `confidence=` take).
KIND_LABELS = {"call": N_("Call"), "meeting": N_("Meeting"), "message": N_("Message"), "envoy": N_("Envoy")}
CONFIDENCE_LABELS = {"confirmed": N_("Confirmed"), "reported": N_("Reported"), "unverified": N_("Unverified")}

USAGE = N_("""\
/contact at=TIME parties=A,B [kind=call|meeting|message|envoy] [source=…] \
[confidence=confirmed|reported|unverified] [duration=45m] [notes…|notes="…"]
/contact show ID
/contact retract ID reason="…"
/contact with no arguments opens a form.
TIME: 2025-07-03 14:00, 14:00 or 2pm (today), "yesterday 23:30", "3 July 14:00", yesterday, now, 2h ago;
a zone may end it: "today 2pm Kyiv", Europe/Kyiv, UTC, +03:00.
Without a zone, the channel's zone is used. kind defaults to call, confidence to reported.
Example: /contact at="2025-07-03 14:00 UTC" parties=Trump,Putin kind=call source=Reuters confidence=confirmed""")

FORM = forms.Form(
    command="contact",
    title=N_("Log a contact"),
    fields=(
        forms.Field("at", N_("When"), forms.FieldKind.MOMENT, required=True, question=N_("When did it happen?")),
        forms.Field(
            "parties",
            N_("Parties"),
            required=True,
            question=N_("Who took part?"),
            hint=N_("Comma separated, e.g. Trump, Putin."),
            placeholder="Trump, Putin",
            max_length=200,
        ),
        forms.Field(
            "kind",
            N_("Kind"),
            forms.FieldKind.CHOICE,
            required=True,
            question=N_("What kind of contact?"),
            choices=forms.choices(KINDS, KIND_LABELS),
            default="call",
        ),
        forms.Field(
            "confidence",
            N_("Confidence"),
            forms.FieldKind.CHOICE,
            required=True,
            question=N_("How sure is the report?"),
            choices=forms.choices(CONFIDENCES, CONFIDENCE_LABELS),
            default="reported",
        ),
        forms.Field(
            "source",
            N_("Source"),
            question=N_("Source?"),
            placeholder=N_("Reuters, Kremlin readout, …"),
            max_length=200,
        ),
        forms.Field(
            "duration",
            N_("Duration"),
            forms.FieldKind.DURATION,
            question=N_("How long did it last?"),
            placeholder="45m, 1h30m",
            max_length=20,
        ),
        forms.notes_field(arguments.MAX_TEXT),
    ),
)


def _log(request: ChatRequest, ctx: HandlerContext) -> Reply:
    zone = ctx.channel_zone(request.channel)
    now = ctx.now()
    spec = {
        "at": lambda raw: parse_time(raw, now=now, zone=zone),
        "parties": parse_parties,
        "kind": arguments.choice(*KINDS),
        "source": arguments.text_value(200),
        "notes": arguments.text_value(arguments.MAX_TEXT),
        "confidence": arguments.choice(*CONFIDENCES),
        "duration": parse_duration,
    }
    parsed = arguments.parse(request.text, spec, command="contact", joinable=frozenset({"at"}))
    missing = [name for name in ("at", "parties") if name not in parsed.values]
    if len(missing) == 1:
        raise arguments.ArgumentError(_("{key}= is required").format(key=missing[0]), field=missing[0])
    if missing:
        raise arguments.ArgumentError(
            _("{first}= and {second}= are required").format(first=missing[0], second=missing[1]), field=missing[0]
        )
    when, parties = parsed.values["at"], parsed.values["parties"]
    contact = ContactReport(
        occurred_at=when.at,
        time_known=when.time_known,
        parties=", ".join(parties),
        parties_key=parties_key(parties),
        kind=parsed.get("kind", "call"),
        confidence=parsed.get("confidence", "reported"),
        source=parsed.get("source"),
        duration_seconds=parsed.get("duration"),
        notes=parsed.notes,
        **report_actions.provenance(request, now),
    )
    with ctx.db.transaction() as session:
        root = first_report_of(session, contact)
        contact.duplicate_of_id = root.id if root else None
        stored, inserted = records.insert_once(session, contact)
        if not inserted:
            title, body = _format(stored, zone)
            return Reply(title=_("Already logged as contact #{id}").format(id=stored.id), text=body)
        audit.record(
            session,
            actor=request.caller,
            channel=request.channel,
            action="contact.log",
            at=now,
            entity="contact",
            entity_id=stored.id,
            details={"parties": stored.parties, "kind": stored.kind, "occurred_at": stored.occurred_at.isoformat()},
        )
        extra = _run_hooks("logged", session, stored, ctx)
    title, body = _format(stored, zone)
    if root is not None:
        extra.insert(0, _("This matches contact #{id}: it opens no new readiness window.").format(id=root.id))
    return Reply(
        title=_("Logged {title}").format(title=title), text="\n".join([body, *extra]), visibility=Visibility.CHANNEL
    )


def _run_hooks(event: str, session: object, contact: ContactReport, ctx: HandlerContext) -> list[str]:
    lines: list[str] = []
    for hook in ctx.contact_hooks:
        lines += getattr(hook, event)(session, contact, ctx)
    return lines


def _format(contact: ContactReport, zone: tzinfo) -> tuple[str, str]:
    return contact_headline(contact), contact_details(contact, zone)


COMMAND = Command(
    name="contact",
    summary=N_("log a leader-to-leader contact report (starts its readiness window); show or retract one"),
    usage=USAGE,
    actions=report_actions.report_actions(
        model=ContactReport,
        fmt=_format,
        usage=USAGE,
        form=FORM,
        log=_log,
        on_retract=lambda session, contact, ctx: _run_hooks("retracted", session, contact, ctx),
    ),
)
