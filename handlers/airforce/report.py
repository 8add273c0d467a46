"""What the parser read from one Air Force report: a frozen value object, or a refusal with a human reason.

Every count is `None` when the text does not state it: the preview shows "unknown" rather than a guess. A count
the report gives with "близько", "понад", "about", "over"… keeps its number and is named in `approximate`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from handlers.imports.weapon_classes import classify


@dataclass(frozen=True)
class WeaponCount:
    """One weapon model (or one group of drone types the report counts together) and what became of it."""

    name: str
    launched: int | None = None
    destroyed: int | None = None
    lost: int | None = None  # "локаційно втрачено", "disappeared from radar": neither shot down nor a hit
    approximate: bool = False  # one of its counts was given as "близько/понад/about/over N"

    @property
    def kind(self) -> str:
        """ "drone" or "missile", decided by the import's model table so a preview and an import agree."""
        return classify(self.name).kind

    def as_json(self) -> dict[str, int | bool | None]:
        out: dict[str, int | bool | None] = {"launched": self.launched, "destroyed": self.destroyed}
        if self.lost is not None:
            out["lost"] = self.lost
        if self.approximate:
            out["approximate"] = True
        return out


@dataclass(frozen=True)
class Hits:
    """The report's own tally of what got through: weapons that hit, at how many locations, debris elsewhere."""

    weapons: int | None = None
    locations: int | None = None
    debris_locations: int | None = None

    def as_json(self) -> dict[str, int]:
        pairs = {"weapons": self.weapons, "locations": self.locations, "debris_locations": self.debris_locations}
        return {key: value for key, value in pairs.items() if value is not None}


@dataclass(frozen=True)
class ParsedReport:
    night: dt.date | None
    drones_launched: int | None
    missiles_launched: int | None
    drones_destroyed: int | None
    missiles_destroyed: int | None
    weapons: tuple[WeaponCount, ...] = ()
    issuer: str | None = None  # "Air Force of Ukraine" or a regional command
    region: str | None = None  # for a regional command: "south", "east"…
    hits: Hits = field(default_factory=Hits)
    drones_lost: int | None = None
    approximate: frozenset[str] = frozenset()  # names of the fields read from "about/over N"
    composition: tuple[tuple[str, int], ...] = ()  # "близько 90 із них – Шахеди": (model, about how many)

    @property
    def by_weapon(self) -> dict[str, WeaponCount]:
        return {weapon.name: weapon for weapon in self.weapons}

    def as_json(self) -> dict[str, Any]:
        """The `callwatch parse` document: the contract's keys first, then what else the report stated."""
        out: dict[str, Any] = {
            "night": self.night.isoformat() if self.night else None,
            "drones_launched": self.drones_launched,
            "missiles_launched": self.missiles_launched,
            "drones_destroyed": self.drones_destroyed,
            "missiles_destroyed": self.missiles_destroyed,
            "by_weapon": {weapon.name: weapon.as_json() for weapon in self.weapons},
            "approximate": sorted(self.approximate),
            "issuer": self.issuer,
        }
        if self.region:
            out["region"] = self.region
        if self.drones_lost is not None:
            out["drones_lost"] = self.drones_lost
        if self.hits.as_json():
            out["hits"] = self.hits.as_json()
        if self.composition:
            out["composition"] = {name: {"about": amount} for name, amount in self.composition}
        return out


@dataclass(frozen=True)
class Refusal:
    """Text the parser will not read as an overnight report, and why, in words a duty officer can act on."""

    reason: str

    def as_json(self) -> dict[str, str]:
        return {"refused": self.reason}
