"""Contact parties as typed ("Trump,Putin", "Witkoff, Putin") and the key that finds the same contact again.

Names pass the shared cleaning rule, then are compared folded (`cleaning.fold`): `Put\u00adin`, `\u200bPutin`,
`ＰＵＴＩＮ` and `putin` are one party, so the same-contact rule cannot be sidestepped by an invisible or
full-width character. A word mixing Latin, Cyrillic and Greek letters (`Рutin` with a Cyrillic Р) is refused
rather than guessed at: such a word is a typo or a spoof, and no normalisation maps one script onto another.
"""

from __future__ import annotations

from handlers.i18n import N_, _, ngettext
from handlers.text import cleaning

MAX_PARTIES = 10
MAX_NAME = 60
# The look-alike scripts (`cleaning.scripts`) as an error names the letters of each: "Cyrillic and Latin letters".
SCRIPT_NAMES = {"Latin": N_("Latin"), "Cyrillic": N_("Cyrillic"), "Greek": N_("Greek")}


def parse_parties(raw: str) -> list[str]:
    try:
        text = cleaning.clean_line(raw, "parties=")
    except cleaning.UnsafeTextError as error:
        raise ValueError(_("contains {detail}").format(detail=error.detail)) from None
    names = [" ".join(name.split()) for name in text.replace(";", ",").split(",")]
    names = [name for name in names if name]
    if len(names) < 2:
        raise ValueError(_("name at least two parties, separated by commas: parties=Trump,Putin"))
    if len(names) > MAX_PARTIES:
        raise ValueError(ngettext("at most {n} party", "at most {n} parties", MAX_PARTIES).format(n=MAX_PARTIES))
    for name in names:
        _check_name(name)
    if len({cleaning.fold(name) for name in names}) != len(names):
        raise ValueError(_("a party is named twice"))
    return names


def _check_name(name: str) -> None:
    if len(name) > MAX_NAME:
        raise ValueError(
            ngettext(
                "party name {name}… is longer than {n} character",
                "party name {name}… is longer than {n} characters",
                MAX_NAME,
            ).format(name=repr(name[:20]), n=MAX_NAME)
        )
    if not any(char.isalnum() for char in name):
        raise ValueError(_("party name {name} has no letters").format(name=repr(name)))
    for word in name.split():
        mixed = sorted(cleaning.scripts(word))
        if len(mixed) > 1:
            *most, last = [_(SCRIPT_NAMES.get(script, script)) for script in mixed]
            raise ValueError(
                _("party name {name} mixes {scripts} letters in one word; type each name in one alphabet").format(
                    name=repr(name), scripts=_("{some} and {last}").format(some=", ".join(most), last=last)
                )
            )


def parties_key(names: list[str]) -> str:
    """Order-, case- and look-alike-blind: "Putin, Trump", "trump,putin" and "ＴＲＵＭＰ,Putin" are one pair."""
    return ",".join(sorted(cleaning.fold(name) for name in names))
