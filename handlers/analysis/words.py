"""Small wording helpers the analysis replies share: counts with the right noun, ratios written one way."""

from __future__ import annotations

IRREGULAR = {"episode": "episodes", "day": "days", "strike report": "strike reports", "contact": "contacts"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """'1 contact', '2 contacts', '1,200 days' — never 'contact(s)'."""
    word = noun if count == 1 else (many or IRREGULAR.get(noun, noun + "s"))
    return f"{count:,} {word}"


def ratio_text(value: float | None) -> str:
    """×1.25; '—' when there is nothing to divide by; '×∞' never appears."""
    if value is None:
        return "—"
    return f"×{value:.2f}"
