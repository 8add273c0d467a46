"""The `weapons=` argument ("Shahed-136:400,Iskander-M:6") and drone/missile totals derived from it.

Model names pass the shared cleaning rule (`cleaning.py`), and one model listed twice is caught however it is
cased or spelled with full-width or invisible characters.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.imports.weapon_classes import kind_of
from handlers.text import cleaning
from handlers.text.arguments import count

Classifier = Callable[[str], str]  # model name → "drone" | "missile"
MAX_MODEL = 60


def parse_weapons(raw: str) -> dict[str, int]:
    try:
        text = cleaning.clean_line(raw, "weapons=")
    except cleaning.UnsafeTextError as error:
        raise ValueError(f"contains {error.detail}") from None
    weapons: dict[str, int] = {}
    seen: set[str] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        model, separator, amount = part.rpartition(":")
        model = " ".join(model.split())
        if not separator or not model:
            raise ValueError(f"{part[:40]!r} should be MODEL:COUNT, like Shahed-136:400")
        if len(model) > MAX_MODEL:
            raise ValueError(f"model name {model[:20]!r}… is longer than {MAX_MODEL} characters")
        if cleaning.fold(model) in seen:
            raise ValueError(f"{model} is listed twice")
        seen.add(cleaning.fold(model))
        try:
            weapons[model] = count(amount)
        except ValueError as error:
            raise ValueError(f"{model}: {error}") from None
    if not weapons:
        raise ValueError("list weapons as MODEL:COUNT pairs, like Shahed-136:400,Iskander-M:6")
    return weapons


def totals(weapons: dict[str, int], classify: Classifier = kind_of) -> tuple[int, int]:
    """(drones, missiles) in a weapons mapping, classed by the data set's model table (`weapon_classes`)."""
    drones = sum(amount for model, amount in weapons.items() if classify(model) == "drone")
    return drones, sum(weapons.values()) - drones
