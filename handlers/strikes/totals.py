"""The rule tying a strike's totals to its per-weapon detail, shared by /strike and the importer.

`drones=` and `missiles=` are totals. `weapons=` may detail all of them or only the models that were named (the
Air Force often names the missiles and not every drone), so a total may exceed its class's detail — the rest were
of models not named — but never fall short of it: `drones=10 weapons="Shahed-136:20"` cannot both be true.
A total left out is the sum of its class in `weapons=`.
"""

from __future__ import annotations

from handlers.i18n import ngettext
from handlers.imports.weapon_classes import kind_of
from handlers.strikes.weapons import totals


def contradiction(weapons: dict[str, int], *, drones: int | None, missiles: int | None) -> tuple[str, str] | None:
    """(argument, message) when a given total is below what `weapons` lists of its class, else None."""
    listed_drones, listed_missiles = totals(weapons)
    for name, given, listed, kind in (
        ("drones", drones, listed_drones, "drone"),
        ("missiles", missiles, listed_missiles, "missile"),
    ):
        if given is not None and given < listed:
            detail = ", ".join(f"{model}:{n}" for model, n in weapons.items() if kind_of(model) == kind)
            return name, _too_few(name, listed).format(given=given, n=listed, detail=detail)
    return None


def _too_few(name: str, listed: int) -> str:
    """The complaint for a total below its detail, one whole sentence per class, in the active language."""
    if name == "drones":
        return ngettext(
            "drones={given} but weapons= lists {n} drone ({detail}); drones= is the total, so it must be at least "
            "{n}: correct one of them, or leave drones= out to take the sum",
            "drones={given} but weapons= lists {n} drones ({detail}); drones= is the total, so it must be at least "
            "{n}: correct one of them, or leave drones= out to take the sum",
            listed,
        )
    return ngettext(
        "missiles={given} but weapons= lists {n} missile ({detail}); missiles= is the total, so it must be at least "
        "{n}: correct one of them, or leave missiles= out to take the sum",
        "missiles={given} but weapons= lists {n} missiles ({detail}); missiles= is the total, so it must be at least "
        "{n}: correct one of them, or leave missiles= out to take the sum",
        listed,
    )


def resolved_totals(weapons: dict[str, int], *, drones: int | None, missiles: int | None) -> tuple[int, int]:
    """(drones, missiles): the given totals, or the sums of `weapons=` where a total was left out."""
    derived_drones, derived_missiles = totals(weapons)
    return (derived_drones if drones is None else drones, derived_missiles if missiles is None else missiles)
