"""The `weapons=` argument ("Shahed-136:400,Iskander-M:6") and drone/missile totals derived from it.

Model names pass the shared cleaning rule (`cleaning.py`), and one model listed twice is caught however it is
cased or spelled with full-width or invisible characters.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.i18n import _, ngettext
from handlers.imports.weapon_classes import kind_of
from handlers.text import cleaning
from handlers.text.arguments import count

Classifier = Callable[[str], str]  # model name → "drone" | "missile"
MAX_MODEL = 60


def parse_weapons(raw: str) -> dict[str, int]:
    try:
        text = cleaning.clean_line(raw, "weapons=")
    except cleaning.UnsafeTextError as error:
        raise ValueError(_("contains {detail}").format(detail=error.detail)) from None
    weapons: dict[str, int] = {}
    seen: set[str] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        model, separator, amount = part.rpartition(":")
        model = " ".join(model.split())
        if not separator or not model:
            raise ValueError(_("{part} should be MODEL:COUNT, like Shahed-136:400").format(part=repr(part[:40])))
        if len(model) > MAX_MODEL:
            raise ValueError(
                ngettext(
                    "model name {model}… is longer than {n} character",
                    "model name {model}… is longer than {n} characters",
                    MAX_MODEL,
                ).format(model=repr(model[:20]), n=MAX_MODEL)
            )
        if cleaning.fold(model) in seen:
            raise ValueError(_("{model} is listed twice").format(model=model))
        seen.add(cleaning.fold(model))
        try:
            weapons[model] = count(amount)
        except ValueError as error:
            raise ValueError(f"{model}: {error}") from None
    if not weapons:
        raise ValueError(_("list weapons as MODEL:COUNT pairs, like Shahed-136:400,Iskander-M:6"))
    return weapons


def totals(weapons: dict[str, int], classify: Classifier = kind_of) -> tuple[int, int]:
    """(drones, missiles) in a weapons mapping, classed by the data set's model table (`weapon_classes`)."""
    drones = sum(amount for model, amount in weapons.items() if classify(model) == "drone")
    return drones, sum(weapons.values()) - drones
