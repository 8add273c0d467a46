"""Weapon names as the Air Force and the press write them (Ukrainian and English), mapped to model names.

Names go to the canonical model names of the import's table (`handlers.imports.weapon_classes.MODEL_CATEGORIES`)
so a parsed report and an imported data-set row name the same weapon alike; drone-or-missile always comes from
that module's `classify()`. Decoys, Gerbera, jet drones and unnamed types, which the table lacks, get stable
names of our own (`Gerbera`, `Decoy UAV`, `Jet UAV`, `Cruise Missile`, `Guided Air Missile`, `Iskander`),
each of which `classify()` puts in the right class by its keywords.

Patterns run on casefolded text from `text.normalize`; `X` covers the Cyrillic "х", the Latin "x" and "kh".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Role = Literal["model", "drone_noun", "missile_noun", "total_noun", "other_types", "cruise", "ballistic", "guided",
               "aeroballistic"]  # fmt: skip

_X = r"(?:x|х|kh)"
_B = r"(?<![\w-])"  # a name starts a word (so "с-300" is not read inside "ус-300")
_E = r"(?![\w])"
_D = r"(?!\d)"  # a designator ends where its digits end ("Х-59збили" is Х-59 and a verb)

# (pattern, canonical name) — tried in this order, longest and most specific first.
_MODELS: tuple[tuple[str, str], ...] = (
    (
        rf"{_B}(?:shahed|шахед|шахід|shahid|geran|герань)\w*(?:[-\s]?1[33][16](?:\s?/\s?1[33][16])?)?{_E}",
        "Shahed-136/131",
    ),
    (rf"{_B}(?:gerbera|гербер)\w*", "Gerbera"),
    (
        rf"{_B}реактивн\w*(?:\s+ударн\w*)?\s+(?:бпла|дрон\w*|безпілотн\w*)|{_B}jet(?:-powered)?\s+(?:attack\s+)?(?:drones?|uavs?)",
        "Jet UAV",
    ),
    (
        rf"\w*імітатор\w*|\w*імітаці\w*|{_B}decoys?{_E}|{_B}imitat\w*|дрон\w*-пастк\w*|{_B}(?:пароді|parody)\w*",
        "Decoy UAV",
    ),
    (
        rf"{_B}розвідувальн\w*\s+(?:бпла|дрон\w*|безпілотн\w*)|{_B}reconnaissance\s+(?:drones?|uavs?)",
        "Reconnaissance UAV",
    ),
    (rf"{_B}(?:lancet|ланцет)\w*", "Lancet"),
    (rf"{_B}(?:orlan|орлан)\w*[-\s]?30{_E}", "Orlan-30"),
    (rf"{_B}(?:orlan|орлан)\w*(?:[-\s]?10)?{_E}", "Orlan-10"),
    (rf"{_B}(?:zala|зала){_E}", "ZALA"),
    (rf"{_B}(?:supercam|суперкам)\w*", "Supercam"),
    (rf"{_B}(?:molniya|молні[яїю]|молни[яи])\w*", "Молнія"),
    (rf"{_B}(?:іскандер|искандер|iskander)\w*[-\s]?(?:к|k){_E}", "Iskander-K"),
    (
        rf"{_B}(?:(?:іскандер|искандер|iskander)\w*[-\s]?(?:е?м|e?m){_E}(?:\s*(?:/|або|or|чи)\s*kn-?2[34])?|kn-?2[34]{_E})",
        "Iskander-M/KN-23",
    ),
    (rf"{_B}(?:іскандер|искандер|iskander)\w*", "Iskander"),
    (rf"{_B}{_X}-?\s?(?:101|555|55)(?:см|sm)?(?:\s?/\s?(?:{_X}-?)?(?:101|555|55)(?:см|sm)?)*{_E}", "X-101/X-555"),
    (rf"{_B}(?:калібр|калибр|kalibr|calibr|caliber)\w*|{_B}3м-?14{_E}", "Kalibr"),
    (rf"{_B}(?:кинджал|кінджал|кинжал|kinzhal|kindzhal|kinjal)\w*|{_B}{_X}-?47\w*", "X-47 Kinzhal"),
    (rf"{_B}{_X}-?59\s?/\s?(?:{_X}-?)?69{_E}", "X-59/X-69"),
    (rf"{_B}{_X}-?59\s?(?:мк|mk)-?2{_E}", "X-59MK2"),
    (rf"{_B}{_X}-?59{_D}", "X-59"),
    (rf"{_B}{_X}-?69{_D}", "X-69"),
    (rf"{_B}{_X}-?22{_D}", "X-22"),
    (rf"{_B}{_X}-?32{_D}", "X-32"),
    (rf"{_B}{_X}-?31\s?(?:пд|pd){_E}", "X-31PD"),
    (rf"{_B}{_X}-?31\s?(?:п|p){_E}", "X-31P"),
    (rf"{_B}{_X}-?31{_D}", "X-31"),
    (rf"{_B}{_X}-?35{_D}", "X-35"),
    (rf"{_B}(?:с|c|s)-?300\s?/\s?(?:(?:с|c|s)-?)?400{_E}", "C-300/C-400"),
    (rf"{_B}(?:с|c|s)-?300{_E}", "C-300"),
    (rf"{_B}(?:с|c|s)-?400{_E}", "C-400"),
    (rf"{_B}(?:циркон|zircon|tsirkon)\w*", "3M22 Zircon"),
    (rf"{_B}(?:онікс|оникс|oniks|onyx)\w*", "P-800 Oniks"),
    (rf"{_B}(?:орєшник|орешник|oreshnik)\w*", "Oreshnik"),
    (
        rf"{_B}міжконтинентальн\w*\s+балістичн\w*\s+ракет\w*|{_B}intercontinental\s+ballistic\s+missiles?|{_B}icbms?{_E}",
        "Intercontinental Ballistic Missile",
    ),
)

# Words that name a drone or a missile without saying which, qualifiers that add a member to a group, and the
# missile type words that name an unnamed missile ("three cruise missiles" → Cruise Missile).
_WORDS: tuple[tuple[str, Role], ...] = (
    (
        r"повітрян\w*\s+(?:об'?єкт\w*|ціл\w*)|засоб\w*\s+повітряного\s+нападу|means\s+of\s+(?:enemy\s+)?air\s+attack|"
        r"air\s+attack\s+(?:vehicles|assets|weapons|means)|(?:air|aerial)\s+targets|повітряних\s+цілей",
        "total_noun",
    ),
    (
        r"інш\w*\s+(?:тип|модел|модифікац|безпілотн|дрон|бпла)\w*|різних\s+(?:тип|модел)\w*|невстановлен\w*|"
        r"невідом\w*\s+тип\w*|(?:of\s+)?other\s+types?|unidentified|unknown\s+type|and\s+others",
        "other_types",
    ),
    (
        rf"{_B}(?:бпла|бпла\w*|бпл|безпілотник\w*|безпілотн\w*\s+(?:літальн\w*\s+)?апарат\w*|безпілотн\w*+(?!\s+систем)|"
        r"дрон\w*+(?!-перехоплювач)|ударн\w*\s+апарат\w*|баражуюч\w*\s+(?:снаряд|боєприпас)\w*|камікадзе|"
        r"drones?|uavs?|unmanned\s+aerial\s+vehicles?|kamikaze)(?![\w-])",
        "drone_noun",
    ),
    (
        rf"{_B}(?:ракет(?!н)\w*|авіаракет\w*|missiles?+(?!\s+(?:units?|troops|systems?|defen[cs]e|strikes?|attacks?|"
        r"danger|threat|fragments?|impacts?))|rockets?)(?![\w-])",
        "missile_noun",
    ),
    (r"крилат\w*|cruise", "cruise"),
    (r"балістичн\w*|ballistic", "ballistic"),
    (r"керован\w*\s+авіаційн\w*|guided(?:\s+air)?", "guided"),
    (r"аеробалістичн\w*|гіперзвуков\w*|aero-?ballistic|hypersonic", "aeroballistic"),
)

_COMPILED_MODELS = tuple((re.compile(pattern), name) for pattern, name in _MODELS)
_COMPILED_WORDS = tuple((re.compile(pattern), role) for pattern, role in _WORDS)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    role: Role
    name: str | None = None  # canonical model name when role == "model"


def mentions(folded: str) -> list[Mention]:
    """Every weapon name and weapon word in a casefolded sentence, in order, none overlapping."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for pattern, name in _COMPILED_MODELS:
        for match in pattern.finditer(folded):
            if free(match.start(), match.end()):
                found.append(Mention(match.start(), match.end(), "model", name))
                taken.append((match.start(), match.end()))
    for pattern, role in _COMPILED_WORDS:
        for match in pattern.finditer(folded):
            if free(match.start(), match.end()):
                found.append(Mention(match.start(), match.end(), role))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda mention: mention.start)


# The fixed order of members in a group's name, so one group is always spelled the same way.
DRONE_ORDER = ("Shahed-136/131", "Gerbera", "Jet UAV", "Decoy UAV", "Reconnaissance UAV", "Lancet", "Orlan-10",
               "Orlan-30", "ZALA", "Supercam", "Молнія", "Unknown UAV")  # fmt: skip


def group_name(members: set[str]) -> str:
    """One name for the drone types a report counts together: "Shahed-136/131 and Gerbera and Unknown UAV"."""
    ordered = [name for name in DRONE_ORDER if name in members]
    ordered += sorted(members - set(DRONE_ORDER))
    return " and ".join(ordered)
