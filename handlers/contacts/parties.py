"""Contact parties as typed ("Trump,Putin", "Witkoff, Putin") and the key that finds the same contact again.

Names pass the shared cleaning rule, then are compared folded (`cleaning.fold`): `Put\u00adin`, `\u200bPutin`,
`ＰＵＴＩＮ` and `putin` are one party, so the same-contact rule cannot be sidestepped by an invisible or
full-width character. A word mixing Latin, Cyrillic and Greek letters (`Рutin` with a Cyrillic Р) is refused
rather than guessed at: such a word is a typo or a spoof, and no normalisation maps one script onto another.
"""

from __future__ import annotations

from handlers.text import cleaning

MAX_PARTIES = 10
MAX_NAME = 60


def parse_parties(raw: str) -> list[str]:
    try:
        text = cleaning.clean_line(raw, "parties=")
    except cleaning.UnsafeTextError as error:
        raise ValueError(f"contains {error.detail}") from None
    names = [" ".join(name.split()) for name in text.replace(";", ",").split(",")]
    names = [name for name in names if name]
    if len(names) < 2:
        raise ValueError("name at least two parties, separated by commas: parties=Trump,Putin")
    if len(names) > MAX_PARTIES:
        raise ValueError(f"at most {MAX_PARTIES} parties")
    for name in names:
        _check_name(name)
    if len({cleaning.fold(name) for name in names}) != len(names):
        raise ValueError("a party is named twice")
    return names


def _check_name(name: str) -> None:
    if len(name) > MAX_NAME:
        raise ValueError(f"party name {name[:20]!r}… is longer than {MAX_NAME} characters")
    if not any(char.isalnum() for char in name):
        raise ValueError(f"party name {name!r} has no letters")
    for word in name.split():
        mixed = cleaning.scripts(word)
        if len(mixed) > 1:
            raise ValueError(
                f"party name {name!r} mixes {' and '.join(sorted(mixed))} letters in one word; "
                "type each name in one alphabet"
            )


def parties_key(names: list[str]) -> str:
    """Order-, case- and look-alike-blind: "Putin, Trump", "trump,putin" and "ＴＲＵＭＰ,Putin" are one pair."""
    return ",".join(sorted(cleaning.fold(name) for name in names))
