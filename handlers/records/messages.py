"""How stored reports read in chat, in the active language. Plain text only: adapters escape it for their platform.

What a person typed (parties, region, source, notes, weapon models) is shown as typed; the words around it, a
contact's kind and confidence, and the counts with their plural forms are the reader's language.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from handlers.i18n import N_, _, ngettext
from handlers.text.durations import show_duration
from handlers.text.times import show_time
from storage.models import ContactReport, StrikeReport

# A contact's kind and confidence as stored (and typed: `kind=call`) → as read in prose ("дзвінок").
KIND_NAMES = {"call": N_("call"), "meeting": N_("meeting"), "message": N_("message"), "envoy": N_("envoy")}
CONFIDENCE_NAMES = {"confirmed": N_("confirmed"), "reported": N_("reported"), "unverified": N_("unverified")}


def kind_name(kind: str) -> str:
    """A contact's kind for reading ("call" → "дзвінок" in Ukrainian); an unknown value is shown as stored."""
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind


def confidence_name(confidence: str) -> str:
    """A contact's confidence for reading ("reported" → "повідомлено"); an unknown value is shown as stored."""
    return _(CONFIDENCE_NAMES[confidence]) if confidence in CONFIDENCE_NAMES else confidence


def contact_headline(contact: ContactReport) -> str:
    return _("Contact #{id} · {kind} · {parties}").format(
        id=contact.id, kind=kind_name(contact.kind), parties=contact.parties
    )


def when(value: datetime, zone: tzinfo, time_known: bool) -> str:
    """A report's time, UTC and the channel's zone, saying so when only its day was reported."""
    shown = show_time(value, zone)
    return shown if time_known else _("{time} (hour not reported)").format(time=shown)


def contact_details(contact: ContactReport, zone: tzinfo) -> str:
    lines = [
        _("When: {time}").format(time=when(contact.occurred_at, zone, contact.time_known)),
        _("Confidence: {confidence} · Source: {source}").format(
            confidence=confidence_name(contact.confidence), source=contact.source or _("not given")
        ),
    ]
    if contact.duration_seconds:
        lines.append(_("Duration: {duration}").format(duration=show_duration(contact.duration_seconds)))
    if contact.notes:
        lines.append(_("Notes: {notes}").format(notes=contact.notes))
    if contact.duplicate_of_id:
        same = _("Same contact as #{id} (same parties, reported within two hours or on the same day)")
        lines.append(same.format(id=contact.duplicate_of_id))
    lines.append(_provenance(contact, zone))
    return "\n".join(lines)


def strike_headline(strike: StrikeReport) -> str:
    headline = _("Strike #{id} · {counts}").format(id=strike.id, counts=strike_counts(strike))
    return headline + (f" · {strike.region}" if strike.region else "")


def drones(n: int) -> str:
    return ngettext("{n} drone", "{n} drones", n).format(n=n)


def missiles(n: int) -> str:
    return ngettext("{n} missile", "{n} missiles", n).format(n=n)


def strike_counts(strike: StrikeReport) -> str:
    return f"{drones(strike.drones)}, {missiles(strike.missiles)}"


def strike_details(strike: StrikeReport, zone: tzinfo) -> str:
    lines = [_("When: {time}").format(time=when(strike.started_at, zone, strike.time_known))]
    if strike.weapons:
        listed = ", ".join(f"{model} ×{count}" for model, count in strike.weapons.items())
        lines.append(_("Weapons: {weapons}").format(weapons=listed))
    casualties = []
    if strike.killed is not None:
        casualties.append(ngettext("{n} killed", "{n} killed", strike.killed).format(n=strike.killed))
    if strike.injured is not None:
        casualties.append(ngettext("{n} injured", "{n} injured", strike.injured).format(n=strike.injured))
    if casualties:
        lines.append(_("Casualties: {casualties}").format(casualties=", ".join(casualties)))
    lines.append(_("Source: {source}").format(source=strike.source or _("not given")))
    if strike.notes:
        lines.append(_("Notes: {notes}").format(notes=strike.notes))
    lines.append(_provenance(strike, zone))
    return "\n".join(lines)


def who(user: str, name: str | None = None) -> str:
    """`platform:id`, the form every other line uses, with a display name before it only when the name says more
    than the id: "Ann (slack:U123)", but "console:root" rather than "root" beside "console:root"."""
    _platform, _colon, user_id = user.partition(":")
    if not name or name in (user, user_id):
        return user
    return f"{name} ({user})"


def _provenance(report: ContactReport | StrikeReport, zone: tzinfo) -> str:
    line = _("Logged by {who} at {time}").format(
        who=who(report.reported_by, report.reporter_name), time=show_time(report.created_at, zone)
    )
    if report.retracted_at:
        retracted = _("RETRACTED at {time} by {who}: {reason}").format(
            time=show_time(report.retracted_at, zone),
            who=who(report.retracted_by) if report.retracted_by else _("unknown"),
            reason=report.retract_reason,
        )
        line += "\n" + retracted
    return line
