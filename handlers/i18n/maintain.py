"""For translators: which marked messages the catalogues lack, as `.po` entries ready to fill in.

    python -m handlers.i18n.maintain            # every missing message, Ukrainian, grouped by file
    python -m handlers.i18n.maintain uk bot/slack

The tests (`tests/i18n/`) run the same extraction and fail while anything is missing.
"""

from __future__ import annotations

import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from handlers.i18n.catalog import catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("handlers", "bot")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


@dataclass(frozen=True)
class Marked:
    path: str
    line: int
    message: str | tuple[str, str]


def marked_messages(under: tuple[str, ...] = SOURCES) -> Iterator[Marked]:
    """Every message marked with `_`, `N_` or `ngettext` in our code, where it is."""
    from babel.messages.extract import extract_from_file

    for folder in under:
        place = ROOT / folder
        for path in [place] if place.is_file() else sorted(place.rglob("*.py")):
            for line, message, _comments, _context in extract_from_file("python", path, keywords=KEYWORDS):
                if message:
                    text = message if isinstance(message, str) else (message[0], message[1])
                    yield Marked(str(path.relative_to(ROOT)), line, text)


def placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conv in string.Formatter().parse(text) if field is not None}


def missing(language: str, under: tuple[str, ...] = SOURCES) -> list[Marked]:
    found = catalogue(language)
    absent = []
    for marked in marked_messages(under):
        if isinstance(marked.message, tuple):
            if not found.plurals.get(marked.message):
                absent.append(marked)
        elif marked.message not in found.singles:
            absent.append(marked)
    return absent


def _po(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{lines[0]}"'
    return '""\n' + "\n".join(f'"{line}\\n"' for line in lines[:-1]) + (f'\n"{lines[-1]}"' if lines[-1] else "")


def main(argv: list[str]) -> int:
    language = argv[0] if argv else "uk"
    under = tuple(argv[1:]) or SOURCES
    seen: set[object] = set()
    for marked in missing(language, under):
        if marked.message in seen:
            continue
        seen.add(marked.message)
        print(f"#: {marked.path}:{marked.line}")
        if isinstance(marked.message, tuple):
            print(f"msgid {_po(marked.message[0])}\nmsgid_plural {_po(marked.message[1])}")
            print('msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n')
        else:
            print(f'msgid {_po(marked.message)}\nmsgstr ""\n')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
