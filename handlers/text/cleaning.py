"""The one rule for text a person types, wherever it enters: command words, `notes=`, `weapons=`, form fields,
dialog answers, imported cells.

1. Invisible characters are dropped: Unicode format characters (category Cf: zero-width space and joiners, the
   soft hyphen, bidirectional overrides and isolates, the byte-order mark, tag characters) and the other
   default-ignorable code points (variation selectors, Hangul fillers). They change nothing a reader sees, so
   keeping them would let `Put\u00adin` or `\u200bPutin` pass for a new name, and a right-to-left override
   would reorder what the next reader sees.
2. Control characters are refused, never silently dropped: a NUL, a bell or an ANSI escape sequence in a report
   is a mistake or an attack, and the sender should hear which character and where. Tab, line feed and
   carriage return are whitespace, not controls. Unpaired surrogates (possible in JSON, not storable as
   UTF-8) are refused the same way.
3. NFKC normalisation: full-width `Ｐｕｔｉｎ`, ligatures and other compatibility forms become their plain
   letters, so what looks the same is stored the same.
4. Whitespace: a single-line value has every run of whitespace (tabs and line breaks included) made one space;
   a multi-line value (a form's notes) keeps its line breaks, one space between words within a line.

Names are compared by `fold`: the cleaned text, case-folded and normalised again (Unicode's NFKC_Casefold
recipe), so `Putin`, `PUTIN` and `Ｐｕｔｉｎ` are one party.
"""

from __future__ import annotations

import re
import unicodedata

from handlers.i18n import N_, _

WHITESPACE_CONTROLS = frozenset("\t\n\r")
LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties) beyond category Cf, which is checked by category.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong/jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors
    (0x2065, 0x2065),
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)
_CONTROL_NAMES = {0x00: "NUL", 0x07: N_("bell"), 0x08: N_("backspace"), 0x1B: N_("escape"), 0x7F: N_("delete")}


class UnsafeTextError(ValueError):
    """A character the rule refuses; `detail` says which and where ("a control character (U+0007, bell) at
    position 12", 1-based, in the text as the person typed it), for messages that name the field themselves."""

    def __init__(self, message: str, detail: str, position: int) -> None:
        super().__init__(message)
        self.detail = detail
        self.position = position


def is_invisible(char: str) -> bool:
    if unicodedata.category(char) == "Cf":
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def strip_invisible(text: str) -> str:
    """Drop format and other default-ignorable characters (cheap when there are none, the usual case)."""
    if text.isascii():
        return text
    return "".join(char for char in text if not is_invisible(char))


def is_refused(char: str) -> bool:
    """A control character other than tab/LF/CR, or half of a surrogate pair."""
    category = unicodedata.category(char)
    return (category == "Cc" and char not in WHITESPACE_CONTROLS) or category == "Cs"


def first_refused(text: str) -> int | None:
    """The index of the first refused character, or None."""
    if text.isascii() and text.isprintable():
        return None
    return next((index for index, char in enumerate(text) if is_refused(char)), None)


def describe(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # how Python keeps a byte that did not decode (console input, headers)
        return _("a byte that is not UTF-8 text ({byte})").format(byte=f"0x{code - 0xDC00:02X}")
    if unicodedata.category(char) == "Cs":
        return _("an unpaired surrogate ({code}, half of a pair, not a character)").format(code=f"U+{code:04X}")
    name = _CONTROL_NAMES.get(code)
    if name:
        return _("a control character ({code}, {name})").format(code=f"U+{code:04X}", name=_(name))
    return _("a control character ({code})").format(code=f"U+{code:04X}")


def refuse_controls(text: str, subject: str, *, offset: int = 0) -> None:
    """Raise `UnsafeTextError` naming the first refused character: "notes contain a control character
    (U+0007, bell) at position 12". `subject` ends with its verb's number: pass "notes" or "source=";
    `offset` counts the characters that precede `text` where the person sees it."""
    index = first_refused(text)
    if index is None:
        return
    position = offset + index + 1
    detail = _("{character} at position {position}").format(character=describe(text[index]), position=position)
    if subject.split()[-1] == "notes":
        raise UnsafeTextError(_("notes contain {detail}").format(detail=detail), detail, position)
    raise UnsafeTextError(_("{subject} contains {detail}").format(subject=subject, detail=detail), detail, position)


def normalize(text: str) -> str:
    """Invisible characters dropped, then NFKC (no refusal, no whitespace change)."""
    stripped = strip_invisible(text)
    if stripped.isascii():
        return stripped
    return strip_invisible(unicodedata.normalize("NFKC", stripped))  # NFKC never creates one, but cheaply sure


def clean_line(text: str, subject: str) -> str:
    """A single-line value: refused characters raise; otherwise normalised, whitespace runs made one space."""
    text = strip_invisible(text)
    refuse_controls(text, subject)
    return " ".join(normalize(text).split())


def clean_block(text: str, subject: str, *, offset: int = 0) -> str:
    """A multi-line value (notes): like `clean_line`, but line breaks stay (as `\\n`), blank runs made one."""
    text = strip_invisible(text)
    refuse_controls(text, subject, offset=offset)
    lines = [" ".join(line.split()) for line in LINE_BREAKS.split(normalize(text))]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):  # at most one blank line in a row
            kept.append(line)
    return "\n".join(kept).strip("\n")


def fold(text: str) -> str:
    """The comparison form of a name: cleaned, case-folded, NFKC again (casefold can un-normalise: `ǰ`)."""
    folded = unicodedata.normalize("NFKC", normalize(text).casefold())
    return " ".join(folded.split())


_LOOKALIKE_SCRIPTS = {"LATIN": "Latin", "CYRILLIC": "Cyrillic", "GREEK": "Greek"}  # Unicode name prefix → script


def scripts(word: str) -> set[str]:
    """The look-alike scripts (Latin, Cyrillic, Greek) whose letters appear in `word`."""
    found = set()
    for char in word:
        if char.isascii():
            if char.isalpha():
                found.add("Latin")
            continue
        if not char.isalpha():
            continue
        script = unicodedata.name(char, "").split(" ", 1)[0]
        if script in _LOOKALIKE_SCRIPTS:
            found.add(_LOOKALIKE_SCRIPTS[script])
    return found


def platform_name(value: object, *, limit: int = 200) -> str | None:
    """A name a platform sent (a Slack user name, a Telegram full name), as we store and show it: the text rule
    applied, refused characters dropped rather than refused (nobody typed it here, so there is nobody to tell)."""
    if not isinstance(value, str):
        return None
    kept = "".join(char for char in normalize(value) if not is_refused(char))
    return " ".join(kept.split())[:limit] or None
