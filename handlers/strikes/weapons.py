"""The `weapons=` argument ("Shahed-136:400,Iskander-M:6") and drone/missile totals derived from it."""

from __future__ import annotations

from collections.abc import Callable

from handlers.imports.weapon_classes import kind_of
from handlers.text.arguments import count

Classifier = Callable[[str], str]  # model name → "drone" | "missile"


def parse_weapons(raw: str) -> dict[str, int]:
    weapons: dict[str, int] = {}
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        model, separator, amount = part.rpartition(":")
        model = " ".join(model.split())
        if not separator or not model:
            raise ValueError(f"{part!r} should be MODEL:COUNT, like Shahed-136:400")
        if len(model) > 60:
            raise ValueError(f"model name {model[:20]!r}… is longer than 60 characters")
        if model in weapons:
            raise ValueError(f"{model} is listed twice")
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
