"""The argument grammar shared by every command: `key=value` tokens, double-quoted values, free-text notes.

`/strike at="2025-07-03 22:00 Kyiv" drones=539 region=Kyiv big night` → at, drones, region and the notes
"big night". Every malformed token gets an error naming it; nothing here raises anything but `ArgumentError`.

All text passes the one cleaning rule (`cleaning.py`) here, on its way in: invisible characters are dropped
before the text is split (so a zero-width space cannot hide inside a key), every value and free word is
NFKC-normalised after it (so normalising can never turn a full-width quote into one that ends a value), and a
control character anywhere is refused with its field and position.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from handlers.i18n import N_, _, ngettext
from handlers.i18n.numbers import format_number
from handlers.text import cleaning

QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“"}
# A key is Latin or Cyrillic letters (`drones=`, `дрони=`): Ukrainian spellings are aliases of the English keys.
_KEY = re.compile(r"^([A-Za-z\u0400-\u04ff][A-Za-z0-9_\u0400-\u04ff-]*)=(.*)$", re.DOTALL)
# Ukrainian argument keys, each an alias of the English key it names: it applies wherever a command takes that key,
# and errors name the key as it was typed. Commands keep their English names.
ALIASES: Mapping[str, str] = {
    "коли": "at",
    "час": "at",
    "дрони": "drones",
    "ракети": "missiles",
    "зброя": "weapons",
    "регіон": "region",
    "область": "region",
    "загиблі": "killed",
    "поранені": "injured",
    "джерело": "source",
    "сторони": "parties",
    "вид": "kind",
    "тривалість": "duration",
    "причина": "reason",
    "нотатки": "notes",
}
MAX_TEXT = 2000
MAX_INPUT = 8000
MAX_COUNT = 1_000_000  # more of anything in one report is a typo
ECHO = 40  # characters of a bad value quoted back in its error message


class ArgumentError(ValueError):
    """A specific, user-facing complaint about one argument (`field` names it, for form fields)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Token:
    text: str
    key: str | None = None  # set for key=value tokens; `text` is then the value


Converter = Callable[[str], Any]


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    @property
    def notes(self) -> str | None:
        """A `notes=` value (forms send one) followed by the free words."""
        given = self.values.get("notes")
        return " ".join(([given] if given else []) + self.words) or None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def tokenize(text: str) -> list[Token]:
    """Split on whitespace outside quotes; `key="a b"` keeps its spaces; straight and curly quotes both work.

    Refused control characters are never separators (Python counts some as whitespace): they stay inside their
    token, so `parse` can name the field that holds one.
    """
    if len(text) > MAX_INPUT:
        raise ArgumentError(
            ngettext(
                "that is {n} character; the limit is {limit}", "that is {n} characters; the limit is {limit}", len(text)
            ).format(n=len(text), limit=MAX_INPUT)
        )
    text = cleaning.strip_invisible(text)
    tokens: list[Token] = []
    current: list[str] = []
    quoted = False  # whether the token held a quoted part (so `""` is an empty value, not nothing)
    opened_quoted = False  # the token began with a quote: it is text, even if it holds '='
    closing: str | None = None
    for char in text:
        if closing is not None:
            if char == closing or (closing == "”" and char == '"'):
                closing = None
            else:
                current.append(char)
        elif char in QUOTES:
            if not current and not quoted:
                opened_quoted = True
            closing, quoted = QUOTES[char], True
        elif char.isspace() and not cleaning.is_refused(char):
            if current or quoted:
                tokens.append(_token("".join(current), quoted, opened_quoted))
            current, quoted, opened_quoted = [], False, False
        else:
            current.append(char)
    if closing is not None:
        raise ArgumentError(_('a quote is not closed: put a " at the end of the quoted value'))
    if current or quoted:
        tokens.append(_token("".join(current), quoted, opened_quoted))
    return tokens


def _token(raw: str, quoted: bool, opened_quoted: bool) -> Token:
    """Keys are found in the text as typed; values and words are normalised only after that."""
    if opened_quoted:
        return Token(text=_normalized(raw))
    match = _KEY.match(raw)
    if match:
        return Token(text=_normalized(match.group(2)), key=match.group(1).lower())
    if raw.startswith("=") and not quoted:
        raise ArgumentError(_("{value} has no name before '=': write it like key=value").format(value=_echo(raw)))
    return Token(text=_normalized(raw))


def _normalized(raw: str) -> str:
    """NFKC (invisible characters are already gone); control characters pass, for `parse` to refuse by field."""
    return raw if raw.isascii() else unicodedata.normalize("NFKC", raw)


def _shown(raw: str) -> str:
    """A value shown back in an error: short, and any control character written as an escape, not sent."""
    shown = raw if len(raw) <= ECHO else raw[: ECHO - 1] + "…"
    if cleaning.first_refused(shown) is None:
        return shown
    return "".join(repr(char)[1:-1] if cleaning.is_refused(char) else char for char in shown)


def _echo(raw: str) -> str:
    return f"'{_shown(raw)}'"


def parse(
    text: str,
    spec: Mapping[str, Converter],
    *,
    command: str,
    notes: bool = True,
    joinable: frozenset[str] = frozenset(),
) -> Parsed:
    """Parse `text` against `spec` (argument name → converter raising ValueError on bad input).

    Keys in `joinable` (times) may run on over the next bare words, so `at=2025-07-03 14:00 Kyiv` works unquoted.
    """
    tokens = tokenize(text)
    parsed = Parsed()
    words: list[str] = []
    typed: dict[str, str] = {}  # argument → the key as it was typed (`drones` → `дрони`)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.key is None:
            if not token.text:
                continue
            if not notes:
                raise ArgumentError(
                    _("/{command} does not take free text ({text}); see /help {command}").format(
                        command=command, text=_echo(token.text)
                    )
                )
            words.append(token.text)
            continue
        spelled = token.key
        key = ALIASES.get(spelled, spelled) if ALIASES.get(spelled) in spec else spelled
        if key not in spec:
            known = ", ".join(f"{name}=" for name in spec)
            raise ArgumentError(
                _("/{command} has no argument {key}= (it takes {known})").format(
                    command=command, key=spelled, known=known
                ),
                field=key,
            )
        if key in parsed.values:
            if typed[key] != spelled:
                twice = _("{key}= is given twice (as {first}= and {key}=)").format(key=spelled, first=typed[key])
            else:
                twice = _("{key}= is given twice").format(key=spelled)
            raise ArgumentError(twice, field=key)
        typed[key] = spelled
        _refuse_controls(token.text, f"{spelled}=", field=key)
        if not token.text.strip():
            raise ArgumentError(_("{key}= needs a value").format(key=spelled), field=key)
        converter = spec[key]
        if key in joinable:
            value, used = _convert_joined(spelled, converter, token.text, tokens[index:], field=key)
            index += used
        else:
            value = _convert(spelled, converter, token.text, field=key)
        parsed.values[key] = value
    parsed.words = _clean_words(words, given=parsed.values.get("notes"))
    if parsed.notes and len(parsed.notes) > MAX_TEXT:
        length = len(parsed.notes)
        raise ArgumentError(
            ngettext(
                "the notes are {n} character; the limit is {limit}",
                "the notes are {n} characters; the limit is {limit}",
                length,
            ).format(n=length, limit=MAX_TEXT),
            field="notes",
        )
    return parsed


def _refuse_controls(text: str, subject: str, *, field: str, offset: int = 0) -> None:
    try:
        cleaning.refuse_controls(text, subject, offset=offset)
    except cleaning.UnsafeTextError as error:
        raise ArgumentError(str(error), field=field) from None


def _clean_words(words: list[str], *, given: str | None) -> list[str]:
    """Free words as they will read in the notes; a refused character is placed by its position there."""
    cleaned: list[str] = []
    offset = len(given) + 1 if given else 0
    for word in words:
        try:
            kept = cleaning.clean_block(word, "notes", offset=offset)  # a quoted word may hold line breaks
        except cleaning.UnsafeTextError as error:
            raise ArgumentError(str(error), field="notes") from None
        offset += len(word) + 1
        if kept:
            cleaned.append(kept)
    return cleaned


def _convert(key: str, converter: Converter, raw: str, *, field: str | None = None) -> Any:
    """`key` is the argument as typed (named in the error); `field` the argument it fills, when that differs."""
    try:
        return converter(raw)
    except ArgumentError:
        raise
    except (ValueError, ArithmeticError) as error:
        raise ArgumentError(f"{key}={_shown(raw)}: {error}", field=field or key) from None


def _convert_joined(
    key: str, converter: Converter, first: str, rest: list[Token], *, field: str | None = None
) -> tuple[Any, int]:
    """Try the longest run of following bare words (up to three) that still converts; fall back to one."""
    bare: list[str] = []
    for token in rest[:3]:
        if token.key is not None or cleaning.first_refused(token.text) is not None:
            break  # a word holding a control character stays a word, to be refused as part of the notes
        bare.append(token.text)
    for used in range(len(bare), 0, -1):
        try:
            return converter(" ".join([first, *bare[:used]])), used
        except (ValueError, ArithmeticError):
            continue
    return _convert(key, converter, first, field=field), 0


# --- converters ---------------------------------------------------------------------------------------------
def count(raw: str) -> int:
    """A non-negative whole number; `1,200` and `1 200` style separators are accepted."""
    cleaned = raw.replace(",", "").replace("_", "").strip()
    if cleaned.startswith("-"):
        raise ValueError(_("a count cannot be negative"))
    if not cleaned.isdigit() or not cleaned.isascii():
        raise ValueError(_("must be a whole number like 12"))
    value = int(cleaned)
    if value > MAX_COUNT:
        raise ValueError(_("is implausibly large (over {limit})").format(limit=format_number(MAX_COUNT)))
    return value


def text_value(limit: int = 200) -> Converter:
    """A single-line text value under the cleaning rule (tabs and line breaks become spaces)."""

    def convert(raw: str) -> str:
        try:
            value = cleaning.clean_line(raw, "the value")
        except cleaning.UnsafeTextError as error:
            raise ValueError(_("contains {detail}").format(detail=error.detail)) from None
        if len(value) > limit:
            raise ValueError(
                ngettext(
                    "is {n} character; the limit is {limit}", "is {n} characters; the limit is {limit}", len(value)
                ).format(n=len(value), limit=limit)
            )
        return value

    return convert


def choice(*options: str) -> Converter:
    def convert(raw: str) -> str:
        value = raw.strip().lower()
        if value not in options:
            raise ValueError(_("must be one of {choices}").format(choices=", ".join(options)))
        return value

    return convert


# What a bad id is said to be not, one sentence per kind of record (Ukrainian words change with the noun).
_NOT_AN_ID = {
    "record": N_("{value} is not a record id: ids are whole numbers like 12"),
    "contact": N_("{value} is not a contact id: ids are whole numbers like 12"),
    "strike": N_("{value} is not a strike id: ids are whole numbers like 12"),
    "preview": N_("{value} is not a preview id: ids are whole numbers like 12"),
}


def record_id(raw: str, *, what: str = "record") -> int:
    cleaned = raw.strip().lstrip("#")
    if not cleaned.isdigit() or not cleaned.isascii() or int(cleaned) == 0 or len(cleaned) > 12:
        message = _NOT_AN_ID.get(what) or _NOT_AN_ID["record"]
        raise ArgumentError(_(message).format(value=repr(raw)))
    return int(cleaned)
