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
_E = r"(?![\w])"
_D = r"(?!\d)"  # a designator ends where its digits end ("Х-59збили" is Х-59 and a verb)

# (pattern, canonical name) — tried in this order, longest and most specific first.
_MODELS: tuple[tuple[str, str], ...] = (
    (
        rf"(?:shahed|шахед|шахід|shahid|geran|герань)\w*(?:[-\s]?1[33][16](?:\s?/\s?1[33][16])?)?{_E}",
        "Shahed-136/131",
    ),
    (r"(?:gerbera|гербер)\w*", "Gerbera"),
    (r"(?:italmas|італмас|италмас)\w*", "Italmas"),
    (
        r"реактивн\w*(?:\s+ударн\w*)?\s+(?:бпла|дрон\w*|безпілотн\w*)|jet(?:-powered)?\s+(?:attack\s+)?(?:drones?|uavs?)",
        "Jet UAV",
    ),
    (
        rf"\w*імітатор\w*|\w*імітаці\w*|decoys?{_E}|imitat\w*|дрон\w*-пастк\w*|(?:пароді|parody)\w*",
        "Decoy UAV",
    ),
    (
        r"розвідувальн\w*\s+(?:бпла|дрон\w*|безпілотн\w*)|reconnaissance\s+(?:drones?|uavs?)",
        "Reconnaissance UAV",
    ),
    (r"(?:lancet|ланцет)\w*", "Lancet"),
    (rf"(?:orlan|орлан)\w*[-\s]?30{_E}", "Orlan-30"),
    (rf"(?:orlan|орлан)\w*(?:[-\s]?10)?{_E}", "Orlan-10"),
    (rf"(?:zala|зала){_E}", "ZALA"),
    (r"(?:supercam|суперкам)\w*", "Supercam"),
    (r"(?:molniya|молні[яїю]|молни[яи])\w*", "Молнія"),
    (rf"(?:іскандер|искандер|iskander)\w*[-\s]?(?:к|k){_E}", "Iskander-K"),
    (
        rf"(?:(?:іскандер|искандер|iskander)\w*[-\s]?(?:е?м|e?m){_E}(?:\s*(?:/|або|or|чи)\s*kn-?2[34])?|kn-?2[34]{_E})",
        "Iskander-M/KN-23",
    ),
    (r"(?:іскандер|искандер|iskander)\w*", "Iskander"),
    (rf"{_X}-?\s?(?:101|555|55)(?:см|sm)?(?:\s?/\s?(?:{_X}-?)?(?:101|555|55)(?:см|sm)?)*{_E}", "X-101/X-555"),
    (rf"(?:калібр|калибр|kalibr|calibr|caliber)\w*|3м-?14{_E}", "Kalibr"),
    (rf"(?:кинджал|кінджал|кинжал|kinzhal|kindzhal|kinjal)\w*|{_X}-?47\w*", "X-47 Kinzhal"),
    (rf"{_X}-?59\s?/\s?(?:{_X}-?)?69{_E}", "X-59/X-69"),
    (rf"{_X}-?59\s?(?:мк|mk)-?2{_E}", "X-59MK2"),
    (rf"{_X}-?59{_D}", "X-59"),
    (rf"{_X}-?69{_D}", "X-69"),
    (rf"{_X}-?22{_D}", "X-22"),
    (rf"{_X}-?32{_D}", "X-32"),
    (rf"{_X}-?31\s?(?:пд|pd){_E}", "X-31PD"),
    (rf"{_X}-?31\s?(?:п|p){_E}", "X-31P"),
    (rf"{_X}-?31{_D}", "X-31"),
    (rf"{_X}-?35{_D}", "X-35"),
    (rf"(?:с|c|s)-?300\s?/\s?(?:(?:с|c|s)-?)?400{_E}", "C-300/C-400"),
    (rf"(?:с|c|s)-?300{_E}", "C-300"),
    (rf"(?:с|c|s)-?400{_E}", "C-400"),
    (r"(?:циркон|zircon|tsirkon)\w*", "3M22 Zircon"),
    (r"(?:онікс|оникс|oniks|onyx)\w*", "P-800 Oniks"),
    (r"(?:орєшник|орешник|oreshnik)\w*", "Oreshnik"),
    (
        rf"міжконтинентальн\w*\s+балістичн\w*\s+ракет\w*|intercontinental\s+ballistic\s+missiles?|icbms?{_E}",
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
        r"(?:бпла|бпла\w*|бпл|безпілотник\w*|безпілотн\w*\s+(?:літальн\w*\s+)?апарат\w*|безпілотн\w*+(?!\s+систем)|"
        r"дрон\w*+(?!-перехоплювач)|ударн\w*\s+апарат\w*|баражуюч\w*\s+(?:снаряд|боєприпас)\w*|камікадзе|"
        r"drones?+(?!\s+(?:attacks?|strikes?|intercept\w*|debris|fragments?|operators?|production|units?|systems?|"
        r"pilots?|threat|danger|hits?|waves?|warfare|industry))|uavs?|unmanned\s+aerial\s+vehicles?|kamikaze)(?![\w-])",
        "drone_noun",
    ),
    (
        r"(?:ракет(?!н)\w*|авіаракет\w*|missiles?+(?!\s+(?:units?|troops|systems?|defen[cs]e|strikes?|attacks?|"
        r"danger|threat|fragments?|impacts?))|rockets?)(?![\w-])",
        "missile_noun",
    ),
    (r"крилат\w*|cruise", "cruise"),
    (r"балістичн\w*|ballistic", "ballistic"),
    (r"керован\w*\s+авіаційн\w*|guided(?:\s+air)?", "guided"),
    (r"аеробалістичн\w*|гіперзвуков\w*|aero-?ballistic|hypersonic", "aeroballistic"),
)

# One pass over the sentence per table: the alternatives keep the tables' order, so at any position the more
# specific name wins ("Іскандер-К" before "Іскандер"), and a weapon word never overlaps a model name.
_MODEL_SCAN = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<m{index}>{pattern})" for index, (pattern, _name) in enumerate(_MODELS)) + ")"
)
_WORD_SCAN = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<w{index}>{pattern})" for index, (pattern, _role) in enumerate(_WORDS)) + ")"
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    role: Role
    name: str | None = None  # canonical model name when role == "model"


def mentions(folded: str) -> list[Mention]:
    """Every weapon name and weapon word in a casefolded sentence, in order, none overlapping."""
    found = [
        Mention(match.start(), match.end(), "model", _MODELS[int(match.lastgroup[1:])][1])
        for match in _MODEL_SCAN.finditer(folded)
        if match.lastgroup
    ]
    taken = [(mention.start, mention.end) for mention in found]
    for match in _WORD_SCAN.finditer(folded):
        if match.lastgroup and all(match.end() <= a or match.start() >= b for a, b in taken):
            found.append(Mention(match.start(), match.end(), _WORDS[int(match.lastgroup[1:])][1]))
    return sorted(found, key=lambda mention: mention.start)


# The fixed order of members in a group's name, so one group is always spelled the same way.
DRONE_ORDER = ("Shahed-136/131", "Gerbera", "Italmas", "Jet UAV", "Decoy UAV", "Reconnaissance UAV", "Lancet",
               "Orlan-10", "Orlan-30", "ZALA", "Supercam", "Молнія", "Unknown UAV")  # fmt: skip


def group_name(members: set[str]) -> str:
    """One name for the drone types a report counts together: "Shahed-136/131 and Gerbera and Unknown UAV"."""
    ordered = [name for name in DRONE_ORDER if name in members]
    ordered += sorted(members - set(DRONE_ORDER))
    return " and ".join(ordered)
