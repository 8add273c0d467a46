"""How a strike draft reads in chat: what the Air Force report says, what would be stored, and the buttons that act
on it. Plain text only (adapters escape it); every count the report does not state reads "unknown"."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from handlers.chat.reply import Button, Reply, Table
from handlers.records.messages import strike_counts, who
from handlers.strikes import report_draft
from handlers.text.times import show_time
from handlers.text.zones import zone_label
from storage.models import StrikeDraft, StrikeReport

UNKNOWN = "unknown"
CONFIRM, EDIT, CANCEL = "confirm", "edit", "cancel"  # the /strike action words behind the buttons


def preview_reply(
    draft: StrikeDraft,
    zone: tzinfo,
    *,
    same_source: StrikeReport | None = None,
    same_night: list[StrikeReport] | None = None,
) -> Reply:
    """The preview of `draft` with Confirm (only when it can be stored), Edit and Cancel."""
    strike, reading = draft.strike, draft.reading
    values = report_draft.Draft(strike, reading)
    lines = [_when(values, zone)]
    if reading.get("issuer"):
        region = f" ({reading['region']})" if reading.get("region") else ""
        lines.append(f"Issued by: {reading['issuer']}{region}")
    lines.append(f"Source: {strike.get('source') or 'not given'}")
    lines.append(
        _class_line("Drones", strike.get("drones"), reading.get("drones_destroyed"), reading.get("drones_lost"))
    )
    lines.append(_class_line("Missiles", strike.get("missiles"), reading.get("missiles_destroyed"), None))
    hits = report_draft.hits_line(reading.get("hits") or {})
    if hits:
        lines.append(hits[0].upper() + hits[1:])
    lines.append(_stored_as(strike))
    if strike.get("notes"):
        lines.append(f"Notes: {strike['notes']}")
    reasons = report_draft.blockers(strike)
    if reasons:
        lines.append(f"Not ready to store: {'; '.join(reasons)}. Press Edit to complete it.")
    if same_source is not None:
        lines.append(
            f"Already logged from this source for this night as strike #{same_source.id}: "
            "Confirm will not store it twice."
        )
    for other in same_night or []:
        if same_source is None or other.id != same_source.id:
            source = other.source or "not given"
            lines.append(f"Also on this night: strike #{other.id} · {strike_counts(other)} (source: {source})")
    edited = " (edited)" if reading.get("edited") else ""
    buttons = [] if reasons else [Button("Confirm", f"strike {CONFIRM}", str(draft.id), style="primary")]
    buttons += [
        Button("Edit", f"strike {EDIT}", str(draft.id)),
        Button("Cancel", f"strike {CANCEL}", str(draft.id), style="danger"),
    ]
    expires = show_time(draft.expires_at, zone)
    owner = who(draft.author, draft.author_name)
    return Reply(
        title=f"Strike report preview #{draft.id}{edited}: not stored yet",
        text="\n".join(lines),
        table=_weapons_table(reading.get("weapons") or []),
        buttons=tuple(buttons),
        footer=f"Confirm stores it, Edit changes it first, Cancel discards it. Only {owner} can act on it; "
        f"it expires at {expires}.",
    )


def _when(values: report_draft.Draft, zone: tzinfo) -> str:
    started = values.started_at
    if started is None:
        return "Night: unknown (the report names no date; press Edit and set When)"
    night = report_draft.night_of(started, bool(values.strike.get("time_known", True)))
    shown_in = report_draft.KYIV if zone_label(zone) == "UTC" else zone  # nights are Kyiv's: show its clock too
    return f"Night of {report_draft.night_label(night)}, counted from {show_time(started, shown_in)}"


def _class_line(label: str, launched: int | None, destroyed: int | None, lost: int | None) -> str:
    parts = [f"{UNKNOWN} launched (the report does not say)" if launched is None else f"{launched} launched"]
    if destroyed is not None and (destroyed or launched):
        parts.append(f"{destroyed} shot down or suppressed")
    if lost is not None:
        parts.append(f"{lost} lost from radar")
    return f"{label}: {', '.join(parts)}"


def _stored_as(strike: dict[str, Any]) -> str:
    drones = strike.get("drones")
    missiles = strike.get("missiles")
    counts = f"{UNKNOWN if drones is None else drones} drones, {UNKNOWN if missiles is None else missiles} missiles"
    weapons = strike.get("weapons") or {}
    detail = f" ({', '.join(f'{model} ×{count}' for model, count in weapons.items())})" if weapons else ""
    extra = []
    if strike.get("region"):
        extra.append(f"region {strike['region']}")
    for key in ("killed", "injured"):
        if strike.get(key) is not None:
            extra.append(f"{strike[key]} {key}")
    more = f" · {', '.join(extra)}" if extra else ""
    return f"Will be stored as: {counts}{detail}{more}"


def _weapons_table(weapons: list[dict[str, Any]]) -> Table | None:
    if not weapons:
        return None
    rows = []
    for weapon in weapons:
        mark = "~" if weapon.get("approximate") else ""
        rows.append(
            (
                str(weapon["name"]),
                str(weapon.get("kind") or ""),
                _count(weapon.get("launched"), mark),
                _count(weapon.get("destroyed"), mark),
            )
        )
    return Table(("weapon", "kind", "launched", "destroyed"), tuple(rows))


def _count(value: int | None, mark: str) -> str:
    return UNKNOWN if value is None else f"{mark}{value}"
