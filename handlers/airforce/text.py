"""One spelling for the many ways a report is typed: apostrophes, quotes, dashes, Latin look-alikes, sentences.

Pasted reports come through Telegram, Facebook and news sites, each with its own apostrophe (’ ʼ '), quotes
(« » “ ”), dashes and invisible spaces; the parser's patterns are written once, against this normal form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'", "′": "'"})
_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"'})
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2009\u200a\t]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HYPHENS = re.compile(r"[\u2010\u2011\u2012]")
_SPACED_DASH = re.compile(r"\s+[\u2013\u2014\u2015-]+\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # "1,270" (English) is one number


def normalize(text: str) -> str:
    """NFC, one apostrophe and quote, hyphens in words kept, spaced dashes as " – ", no invisible characters."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text).translate(_APOSTROPHES).translate(_QUOTES)
    text = _SPACES.sub(" ", text)
    text = _HYPHENS.sub("-", text)
    text = text.replace("\u2013", " – ").replace("\u2014", " – ")
    text = _SPACED_DASH.sub(" – ", text)
    text = re.sub(r"\bпів\s+сотн", "півсотн", text, flags=re.IGNORECASE)
    text = re.sub(r"\bas\s+well\s+as\b", "and", text, flags=re.IGNORECASE)
    return _THOUSANDS.sub("", text)


# A sentence ends at a line break, or at . ! ? … followed by a space and something that can start a sentence.
# A semicolon does not end one: the Air Force lists weapons as "атакував …: 539 БпЛА; 6 ракетами …".
_SENTENCE_END = re.compile(r"\n+|(?<=[.!?…])[\"')]*\s+(?=[\"'(]*[A-ZА-ЯІЇЄҐ0-9▪•\-–])|…")


MAX_SENTENCE = 1000  # real sentences are a few hundred characters; longer runs are cut so work stays linear


def sentences(text: str) -> list[str]:
    out: list[str] = []
    for part in _SENTENCE_END.split(text):
        part = part.strip() if part else ""
        while len(part) > MAX_SENTENCE:
            cut = part.rfind(" ", 0, MAX_SENTENCE)
            cut = cut if cut > MAX_SENTENCE // 2 else MAX_SENTENCE
            out.append(part[:cut])
            part = part[cut:].strip()
        if part:
            out.append(part)
    return out


@dataclass(frozen=True)
class Token:
    text: str  # casefolded
    start: int
    end: int


_TOKEN = re.compile(r"\w+(?:['-]\w+)*|[^\w\s]")


def tokens(sentence: str) -> list[Token]:
    folded = sentence.casefold()
    return [Token(match.group(), match.start(), match.end()) for match in _TOKEN.finditer(folded)]
