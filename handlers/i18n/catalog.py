"""Catalogues read from the `.po` files under `locale/`, one merged catalogue per language, on first use.

Babel reads the files (it is imported only here, only when a language other than English is first asked for).
A message missing from a catalogue falls back to its English text: the tests refuse to ship one, but a running bot
must never fail a reply over a missing translation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path


@dataclass(frozen=True)
class Catalogue:
    language: str
    singles: dict[str, str] = field(default_factory=dict)
    plurals: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def gettext(self, message: str) -> str:
        return self.singles.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.plurals.get((singular, plural))
        if not forms:
            return singular if n == 1 else plural
        return forms[min(plural_index(self.language, n), len(forms) - 1)] or (singular if n == 1 else plural)


def plural_index(language: str, n: int) -> int:
    """Which plural form `n` takes: gettext's rule for the language (Ukrainian: 1, 21 · 2–4, 22–24 · 0, 5–20, 25 …)."""
    n = abs(int(n))
    if language == "uk":
        if n % 10 == 1 and n % 100 != 11:
            return 0
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return 1
        return 2
    return 0 if n == 1 else 1


def locale_folder(language: str) -> Path:
    return Path(str(files("handlers.i18n") / "locale" / language))


@cache
def catalogue(language: str) -> Catalogue:
    from babel.messages.pofile import read_po

    merged = Catalogue(language)
    for path in sorted(locale_folder(language).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if not message.id or message.fuzzy:
                    continue
                if isinstance(message.id, tuple):
                    forms = tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)
                    if any(forms):
                        merged.plurals[(message.id[0], message.id[1])] = forms
                elif message.string:
                    merged.singles[message.id] = message.string
    return merged
