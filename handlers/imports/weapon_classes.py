"""Whether a weapon model counts as a drone or a missile, decided by the data set's own model table.

The Ukrainian Air Force data set (`missiles_and_uavs.csv`, see shared/data/attacks/SOURCE.md) gives every model
it uses a category. We copy that table here (a test keeps the copy equal to the file) so the bot classifies
without the data directory, and apply one stated rule for names the table lacks:

1. **table** — the name (case and spacing ignored) is in the table: category `UAV` is a drone; every other
   category (cruise, ballistic and surface-to-air missiles, guided bombs) counts as a missile, because the
   reports have only those two totals and a guided bomb is a guided munition launched from outside, like a
   missile, not an unmanned aircraft.
2. **combined** — names joined with " and " (`Iskander-M and Iskander-K`) are classed part by part; when the
   parts agree that is the class, when they disagree the row counts as missiles (one count cannot be split,
   and under-counting missiles would hide the rarer, heavier weapon).
3. **keyword** — missile words (missile, bomb, KAB, Iskander, Kalibr, Kinzhal, X-/Kh- and S-300/S-400
   designations, ракета, бомба…) mean missile; drone words (UAV, drone, БПЛА, Shahed, Geran, Lancet, Orlan…)
   mean drone. Missile words are checked first, so "anti-drone missile" is a missile.
4. **default** — anything else is a drone: missiles are reported by designation, which rule 3 covers, while
   new drone types appear under proper names (the data set's unlisted `Картограф`, `Привет-82`, `Фенікс` are
   all reconnaissance or strike drones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["drone", "missile"]
Rule = Literal["table", "combined", "keyword", "default"]

# model → category, verbatim from missiles_and_uavs.csv (commit c41e4c35 of lukef533/Ukraine-Missle-Strikes-Data).
MODEL_CATEGORIES: dict[str, str] = {
    "Eleron": "UAV",
    "Forpost": "UAV",
    "Granat-4": "UAV",
    "Kub": "UAV",
    "Lancet": "UAV",
    "Merlin-VR": "UAV",
    "Mohajer-6": "UAV",
    "Orion": "UAV",
    "Orlan-10": "UAV",
    "Orlan-10 and Orlan-30 and ZALA and Supercam": "UAV",
    "Orlan-10 and Supercam": "UAV",
    "Orlan-10 and ZALA": "UAV",
    "Orlan-10 and ZALA and Supercam": "UAV",
    "Orlan-30": "UAV",
    "Reconnaissance UAV": "UAV",
    "Shahed-136/131": "UAV",
    "Shahed-136/131 and Lancet": "UAV",
    "Supercam": "UAV",
    "Unknown UAV": "UAV",
    "ZALA": "UAV",
    "Молнія": "UAV",
    "Молнія and Lancet": "UAV",
    "Ballistic Missile": "ballistic missile",
    "Intercontinental Ballistic Missile": "ballistic missile",
    "Iskander-M": "ballistic missile",
    "Iskander-M/KN-23": "ballistic missile",
    "KN-23": "ballistic missile",
    "X-47 Kinzhal": "ballistic missile",
    "X-47 Kinzhal and Iskander-M": "ballistic missile",
    "3M22 Zircon": "cruise missile",
    "Banderol": "cruise missile",
    "Iskander-K": "cruise missile",
    "Iskander-K and Kalibr": "cruise missile",
    "Kalibr": "cruise missile",
    "P-800 Oniks": "cruise missile",
    "Unknown Missile": "cruise missile",
    "X-101/X-555": "cruise missile",
    "X-101/X-555 and Iskander-K": "cruise missile",
    "X-101/X-555 and Kalibr": "cruise missile",
    "X-101/X-555 and Kalibr and Iskander-K": "cruise missile",
    "X-101/X-555 and Kalibr and Iskander-K and X-59": "cruise missile",
    "X-101/X-555 and Kalibr and X-22": "cruise missile",
    "X-101/X-555 and Kalibr and X-59/X-69": "cruise missile",
    "X-22": "cruise missile",
    "X-22 and X-31P": "cruise missile",
    "X-22 and X-32": "cruise missile",
    "X-31": "cruise missile",
    "X-31P": "cruise missile",
    "X-31PD": "cruise missile",
    "X-32": "cruise missile",
    "X-35": "cruise missile",
    "X-47 Kinzhal and Iskander-M/KN-23": "cruise missile",
    "X-59": "cruise missile",
    "X-59 and X-35": "cruise missile",
    "X-59/X-69": "cruise missile",
    "X-59MK2": "cruise missile",
    "X-69": "cruise missile",
    "GBU": "guided bomb",
    "C-300 and Iskander-M": "surface-to-air and ballistic",
    "C-300/C-400 and Iskander-M": "surface-to-air and ballistic",
    "C-400 and Iskander-M": "surface-to-air and ballistic",
    "C-300": "surface-to-air missile",
    "C-300/C-400": "surface-to-air missile",
    "C-400": "surface-to-air missile",
}

DRONE_CATEGORY = "UAV"

_MISSILE_WORDS = re.compile(
    r"missile|ракет|bomb|бомб|\bkab\b|\bкаб\b|\bgbu\b|iskander|іскандер|искандер|kalibr|калібр|калибр|kinzhal|"
    r"кинжал|кінжал|zircon|циркон|oniks|oreshnik|орешник|\bkn-23\b|\b3m\d|"
    r"(?:^|[\s(/])(?:x|х|kh|х)-\d|(?:^|[\s(/])(?:c|s|с)-[34]00",
    re.IGNORECASE,
)
_DRONE_WORDS = re.compile(
    r"\buav\b|drone|бпла|дрон|shahed|шахед|geran|герань|gerbera|lancet|ланцет|orlan|орлан|zala|supercam|"
    r"molniya|молнія|молния",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WeaponClass:
    kind: Kind
    rule: Rule  # which of the module's four rules decided it, for import reports


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()


_TABLE: dict[str, Kind] = {
    _normal(model): ("drone" if category == DRONE_CATEGORY else "missile")
    for model, category in MODEL_CATEGORIES.items()
}


@lru_cache(maxsize=4096)
def classify(name: str) -> WeaponClass:
    """The class of one model name and the rule that decided it (see the module docstring)."""
    key = _normal(name)
    if key in _TABLE:
        return WeaponClass(_TABLE[key], "table")
    parts = [part for part in re.split(r"\s+and\s+", key) if part]
    if len(parts) > 1:
        kinds = {classify(part).kind for part in parts}
        return WeaponClass(kinds.pop() if len(kinds) == 1 else "missile", "combined")
    if _MISSILE_WORDS.search(key):
        return WeaponClass("missile", "keyword")
    if _DRONE_WORDS.search(key):
        return WeaponClass("drone", "keyword")
    return WeaponClass("drone", "default")


def kind_of(name: str) -> str:
    """`classify(name).kind` with the `handlers.strikes.weapons.Classifier` signature, for the chat `weapons=` path."""
    return classify(name).kind
