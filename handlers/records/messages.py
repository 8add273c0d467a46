"""How stored reports read in chat. Plain text only: adapters escape it for their platform."""

from __future__ import annotations

from datetime import tzinfo

from handlers.text.durations import format_duration
from handlers.text.times import show_time
from storage.models import ContactReport, StrikeReport


def contact_headline(contact: ContactReport) -> str:
    return f"Contact #{contact.id} · {contact.kind} · {contact.parties}"


def contact_details(contact: ContactReport, zone: tzinfo) -> str:
    when = show_time(contact.occurred_at, zone) + ("" if contact.time_known else " (hour not reported)")
    lines = [f"When: {when}", f"Confidence: {contact.confidence} · Source: {contact.source or 'not given'}"]
    if contact.duration_seconds:
        lines.append(f"Duration: {format_duration(contact.duration_seconds)}")
    if contact.notes:
        lines.append(f"Notes: {contact.notes}")
    if contact.duplicate_of_id:
        lines.append(f"Same contact as #{contact.duplicate_of_id} (same parties within two hours)")
    lines.append(_provenance(contact, zone))
    return "\n".join(lines)


def strike_headline(strike: StrikeReport) -> str:
    return f"Strike #{strike.id} · {strike_counts(strike)}" + (f" · {strike.region}" if strike.region else "")


def strike_counts(strike: StrikeReport) -> str:
    return f"{strike.drones} drones, {strike.missiles} missiles"


def strike_details(strike: StrikeReport, zone: tzinfo) -> str:
    when = show_time(strike.started_at, zone) + ("" if strike.time_known else " (hour not reported)")
    lines = [f"When: {when}"]
    if strike.weapons:
        lines.append("Weapons: " + ", ".join(f"{model} ×{count}" for model, count in strike.weapons.items()))
    casualties = [
        f"{value} {label}"
        for value, label in ((strike.killed, "killed"), (strike.injured, "injured"))
        if value is not None
    ]
    if casualties:
        lines.append("Casualties: " + ", ".join(casualties))
    lines.append(f"Source: {strike.source or 'not given'}")
    if strike.notes:
        lines.append(f"Notes: {strike.notes}")
    lines.append(_provenance(strike, zone))
    return "\n".join(lines)


def who(user: str, name: str | None = None) -> str:
    """`platform:id`, the form every other line uses, with a display name before it only when the name says more
    than the id: "Ann (slack:U123)", but "console:root" rather than "root" beside "console:root"."""
    _platform, _, user_id = user.partition(":")
    if not name or name in (user, user_id):
        return user
    return f"{name} ({user})"


def _provenance(report: ContactReport | StrikeReport, zone: tzinfo) -> str:
    line = f"Logged by {who(report.reported_by, report.reporter_name)} at {show_time(report.created_at, zone)}"
    if report.retracted_at:
        by = who(report.retracted_by or "unknown")
        line += f"\nRETRACTED at {show_time(report.retracted_at, zone)} by {by}: {report.retract_reason}"
    return line
