"""Time-zone names people type in chat, resolved to `tzinfo` objects.

People write "Kyiv" or "+03:00", not "Europe/Kyiv"; the short names here are the ones this team uses.
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from handlers.i18n import N_, _, ngettext

SHORT_NAMES: dict[str, str] = {
    "utc": "UTC",
    "z": "UTC",
    "gmt": "UTC",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "moscow": "Europe/Moscow",
    "msk": "Europe/Moscow",
    "eet": "Europe/Kyiv",
    "cet": "Europe/Berlin",
    "berlin": "Europe/Berlin",
    "brussels": "Europe/Brussels",
    "london": "Europe/London",
    "warsaw": "Europe/Warsaw",
    "washington": "America/New_York",
    "new york": "America/New_York",
    "et": "America/New_York",
    "київ": "Europe/Kyiv",
    "за києвом": "Europe/Kyiv",
    "за київським часом": "Europe/Kyiv",
    "москва": "Europe/Moscow",
    "за москвою": "Europe/Moscow",
}

# The labels of the zones this team names, as people read them in their language ("17:05 Київ"); any other zone
# shows its IANA city as tzdata spells it.
SHOWN_NAMES: dict[str, str] = {
    "Kyiv": N_("Kyiv"),
    "Kiev": N_("Kyiv"),
    "Moscow": N_("Moscow"),
    "Berlin": N_("Berlin"),
    "Brussels": N_("Brussels"),
    "London": N_("London"),
    "Warsaw": N_("Warsaw"),
    "New York": N_("New York"),
}

_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


class UnknownZoneError(ValueError):
    pass


def resolve_zone(name: str) -> tzinfo:
    """Return the zone for a short name, an IANA name or a `+HH:MM` offset; raise with a helpful message."""
    text = name.strip()
    if not text:
        raise UnknownZoneError(_("empty time zone"))
    alias = SHORT_NAMES.get(text.lower())
    if alias == "UTC":
        return UTC
    if alias:
        return ZoneInfo(alias)
    match = _OFFSET.match(text)
    if match:
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta > timedelta(hours=14):
            raise UnknownZoneError(_("offset {value} is beyond ±14:00").format(value=repr(text)))
        return timezone(-delta if sign == "-" else delta)
    if "/" in text and len(text) <= MAX_NAME:
        key = _iana_case(text)
        if key is not None:
            try:
                return ZoneInfo(key)
            except (ZoneInfoNotFoundError, ValueError, OSError):  # a tzdata install missing the file
                pass
        inside = _zones_under(text)
        if inside:
            examples = ", ".join(inside[:3])
            raise UnknownZoneError(
                ngettext(
                    "{value} is a region with {n} time zone, not one zone: name one, like {examples}",
                    "{value} is a region with {n} time zones, not one zone: name one, like {examples}",
                    len(inside),
                ).format(value=repr(text), n=len(inside), examples=examples)
            )
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise UnknownZoneError(
        _("unknown time zone {value}: use UTC, Kyiv, an IANA name like Europe/Kyiv, or an offset like +03:00").format(
            value=repr(shown)
        )
    )


def zone_label(zone: tzinfo) -> str:
    """Short, human name of a zone for display ("UTC", "Kyiv", "+03:00"), in the active language ("Київ")."""
    if zone is UTC:
        return "UTC"
    key = getattr(zone, "key", None)
    if key:
        city = key.rsplit("/", 1)[-1].replace("_", " ")
        return _(SHOWN_NAMES[city]) if city in SHOWN_NAMES else city
    offset = zone.utcoffset(None)
    if offset is None:
        return str(zone)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_name(zone: tzinfo) -> str:
    """The name to store for a zone: the IANA key, 'UTC', or the offset, all accepted by `resolve_zone`."""
    return getattr(zone, "key", None) or zone_label(zone)


_KNOWN: dict[str, str] = {}
MAX_NAME = 64  # the longest IANA name is about 30 characters


def _known() -> dict[str, str]:
    if not _KNOWN:
        _KNOWN.update({zone.lower(): zone for zone in available_timezones()})
    return _KNOWN


def _iana_case(text: str) -> str | None:
    """The IANA name `text` spells, matched case-insensitively (`europe/kyiv`); None when there is none.

    Only names in tzdata's list are opened, so a folder of it (`America/Argentina`) or a path never reaches
    the file system as a zone key.
    """
    return _known().get(text.lower())


def _zones_under(text: str) -> list[str]:
    """The zones inside a tzdata region such as `America/Argentina`, for the error that names some."""
    prefix = text.lower().rstrip("/") + "/"
    return sorted(name for lowered, name in _known().items() if lowered.startswith(prefix))
