"""Contact parties as typed ("Trump,Putin", "Witkoff, Putin") and the key that finds the same contact again."""

from __future__ import annotations

MAX_PARTIES = 10
MAX_NAME = 60


def parse_parties(raw: str) -> list[str]:
    names = [" ".join(name.split()) for name in raw.replace(";", ",").split(",")]
    names = [name for name in names if name]
    if len(names) < 2:
        raise ValueError("name at least two parties, separated by commas: parties=Trump,Putin")
    if len(names) > MAX_PARTIES:
        raise ValueError(f"at most {MAX_PARTIES} parties")
    for name in names:
        if len(name) > MAX_NAME:
            raise ValueError(f"party name {name[:20]!r}… is longer than {MAX_NAME} characters")
        if any(ord(char) < 32 for char in name):
            raise ValueError("party names cannot contain control characters")
    if len({name.casefold() for name in names}) != len(names):
        raise ValueError("a party is named twice")
    return names


def parties_key(names: list[str]) -> str:
    """Order- and case-blind: "Putin, Trump" and "trump,putin" are the same pair."""
    return ",".join(sorted(name.casefold() for name in names))
