"""How a strike draft reads in chat: what the Air Force report says, what would be stored, and the buttons that act
on it. Plain text only (adapters escape it); every count the report does not state reads "unknown".

Every line is a whole message in the active language (the caller's, made active by the router): counts through
`ngettext`, one sentence per case rather than phrases glued together.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from handlers.chat.reply import Button, Reply, Table
from handlers.i18n import N_, _, ngettext
from handlers.records.messages import drones, missiles, strike_counts, who
from handlers.strikes import report_draft
from handlers.text.times import show_time
from handlers.text.zones import zone_label
from storage.models import StrikeDraft, StrikeReport

UNKNOWN = N_("unknown")
CONFIRM, EDIT, CANCEL = "confirm", "edit", "cancel"  # the /strike action words behind the buttons
# The parser's weapon kinds, as the table shows them.
KIND_NAMES = {"drone": N_("drone"), "missile": N_("missile"), "total": N_("total")}
# Who issued the report, as the parser names them (handlers/airforce/screening.py), and their regions.
ISSUER_NAMES = {
    "Air Force of Ukraine": N_("Air Force of Ukraine"),
    "Air Command East": N_("Air Command East"),
    "Air Command West": N_("Air Command West"),
    "Air Command Centre": N_("Air Command Centre"),
    "Air Command South": N_("Air Command South"),
    "Defence Forces of the South": N_("Defence Forces of the South"),
}
REGION_NAMES = {"east": N_("east"), "west": N_("west"), "centre": N_("centre"), "south": N_("south")}


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
    issuer, region = reading.get("issuer"), reading.get("region")
    if issuer:
        issuer = _(ISSUER_NAMES[issuer]) if issuer in ISSUER_NAMES else issuer
    if issuer and region:
        region = _(REGION_NAMES[region]) if region in REGION_NAMES else region
        lines.append(_("Issued by: {issuer} ({region})").format(issuer=issuer, region=region))
    elif issuer:
        lines.append(_("Issued by: {issuer}").format(issuer=issuer))
    lines.append(_("Source: {source}").format(source=strike.get("source") or _("not given")))
    drone_parts = _class_parts(strike.get("drones"), reading.get("drones_destroyed"), reading.get("drones_lost"))
    lines.append(_("Drones: {counts}").format(counts=", ".join(drone_parts)))
    missile_parts = _class_parts(strike.get("missiles"), reading.get("missiles_destroyed"), None)
    lines.append(_("Missiles: {counts}").format(counts=", ".join(missile_parts)))
    hits = report_draft.hits_line(reading.get("hits") or {})
    if hits:
        lines.append(hits[0].upper() + hits[1:])
    lines.append(_stored_as(strike))
    if strike.get("notes"):
        lines.append(_("Notes: {notes}").format(notes=strike["notes"]))
    reasons = report_draft.blockers(strike)
    if reasons:
        lines.append(_("Not ready to store: {reasons}. Press Edit to complete it.").format(reasons="; ".join(reasons)))
    if same_source is not None:
        lines.append(
            _(
                "Already logged from this source for this night as strike #{id}: Confirm will not store it twice."
            ).format(id=same_source.id)
        )
    for other in same_night or []:
        if same_source is None or other.id != same_source.id:
            lines.append(
                _("Also on this night: strike #{id} · {counts} (source: {source})").format(
                    id=other.id, counts=strike_counts(other), source=other.source or _("not given")
                )
            )
    buttons = [] if reasons else [Button(_("Confirm"), f"strike {CONFIRM}", str(draft.id), style="primary")]
    buttons += [
        Button(_("Edit"), f"strike {EDIT}", str(draft.id)),
        Button(_("Cancel"), f"strike {CANCEL}", str(draft.id), style="danger"),
    ]
    expires = show_time(draft.expires_at, zone)
    owner = who(draft.author, draft.author_name)
    if reading.get("edited"):
        title = _("Strike report preview #{id} (edited): not stored yet").format(id=draft.id)
    else:
        title = _("Strike report preview #{id}: not stored yet").format(id=draft.id)
    return Reply(
        title=title,
        text="\n".join(lines),
        table=_weapons_table(reading.get("weapons") or []),
        buttons=tuple(buttons),
        footer=_(
            "Confirm stores it, Edit changes it first, Cancel discards it. Only {owner} can act on it; "
            "it expires at {time}."
        ).format(owner=owner, time=expires),
    )


def _when(values: report_draft.Draft, zone: tzinfo) -> str:
    started = values.started_at
    if started is None:
        return _("Night: unknown (the report names no date; press Edit and set When)")
    night = report_draft.night_of(started, bool(values.strike.get("time_known", True)))
    shown_in = report_draft.KYIV if zone_label(zone) == "UTC" else zone  # nights are Kyiv's: show its clock too
    return _("Night of {night}, counted from {time}").format(
        night=report_draft.night_label(night), time=show_time(started, shown_in)
    )


def _class_parts(launched: int | None, destroyed: int | None, lost: int | None) -> list[str]:
    """What the report says of one class (drones or missiles), each a phrase of its own."""
    if launched is None:
        parts = [_("unknown launched (the report does not say)")]
    else:
        parts = [ngettext("{n} launched", "{n} launched", launched).format(n=launched)]
    if destroyed is not None and (destroyed or launched):
        down = ngettext("{n} shot down or suppressed", "{n} shot down or suppressed", destroyed)
        parts.append(down.format(n=destroyed))
    if lost is not None:
        parts.append(ngettext("{n} lost from radar", "{n} lost from radar", lost).format(n=lost))
    return parts


def _stored_as(strike: dict[str, Any]) -> str:
    launched = strike.get("drones"), strike.get("missiles")
    counts = ", ".join(
        [
            _("unknown drones") if launched[0] is None else drones(launched[0]),
            _("unknown missiles") if launched[1] is None else missiles(launched[1]),
        ]
    )
    weapons = strike.get("weapons") or {}
    detail = f" ({', '.join(f'{model} ×{count}' for model, count in weapons.items())})" if weapons else ""
    extra = []
    if strike.get("region"):
        extra.append(_("region {region}").format(region=strike["region"]))
    if strike.get("killed") is not None:
        extra.append(ngettext("{n} killed", "{n} killed", strike["killed"]).format(n=strike["killed"]))
    if strike.get("injured") is not None:
        extra.append(ngettext("{n} injured", "{n} injured", strike["injured"]).format(n=strike["injured"]))
    more = f" · {', '.join(extra)}" if extra else ""
    return _("Will be stored as: {what}").format(what=f"{counts}{detail}{more}")


def _weapons_table(weapons: list[dict[str, Any]]) -> Table | None:
    if not weapons:
        return None
    rows = []
    for weapon in weapons:
        mark = "~" if weapon.get("approximate") else ""
        kind = str(weapon.get("kind") or "")
        rows.append(
            (
                str(weapon["name"]),
                _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind,
                _count(weapon.get("launched"), mark),
                _count(weapon.get("destroyed"), mark),
            )
        )
    return Table((_("weapon"), _("kind"), _("launched"), _("destroyed")), tuple(rows))


def _count(value: int | None, mark: str) -> str:
    return _(UNKNOWN) if value is None else f"{mark}{value}"
