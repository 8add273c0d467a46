"""The one text-input rule: invisible characters dropped, control characters refused by field and position,
NFKC, whitespace; and the same rule on every path into the grammar (free words, `notes=`, `weapons=`, names)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from handlers.chat.forms import quote
from handlers.contacts.parties import parse_parties, parties_key
from handlers.strikes.weapons import parse_weapons
from handlers.text import cleaning
from handlers.text.arguments import ArgumentError, parse, text_value, tokenize

SPEC = {
    "parties": parse_parties,
    "source": text_value(200),
    "notes": text_value(2000),
    "weapons": parse_weapons,
}

# Every character the rule has an opinion on, mixed into arbitrary text below.
TRICKY = [
    "\x00", "\x07", "\x08", "\x1b", "\x1b[31m", "\x7f", "\x85", "\x9b", "\x0b", "\x0c", "\x1c", "\x1f",
    "\t", "\n", "\r", "\r\n", "\u2028", "\u2029", "\u00a0", "\u3000",
    "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202e", "\u2066", "\u2069",
    "\u061c", "\u180e", "\u3164", "\uffa0", "\u115f", "\ufe0f", "\U000e0041",
    "Ｐ", "ｕ", "＂", "＝", "，", "ﬁ", "①", "²", "ǰ", "ẞ", "Ω", "Å", "e\u0301",
    '"', "“", "”", "„", "=", ",", ":", ";", " ",
]  # fmt: skip
ANY_CHAR = st.one_of(
    st.characters(),  # every code point but surrogates
    st.characters(categories=["Cs"]),  # unpaired surrogates: JSON can carry them
    st.sampled_from(TRICKY),
)
ANY_TEXT = st.lists(ANY_CHAR, max_size=40).map("".join)


def refused(text: str) -> bool:
    return any(cleaning.is_refused(char) for char in text)


def assert_clean(value: str, *, multiline: bool = False) -> None:
    """What the rule promises of anything it lets through."""
    allowed = {"\n"} if multiline else set()
    for char in value:
        category = unicodedata.category(char)
        assert category not in {"Cc", "Cs"} or char in allowed, (value, char)
        assert not cleaning.is_invisible(char), (value, char)
    assert unicodedata.is_normalized("NFKC", value), value
    assert value == value.strip()


# --- the rule itself ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    ["Put\u00adin", "\u200bPutin", "Ｐutin", "ＰＵＴＩＮ", "putin", "Pu\u200dtin\ufeff", "\u202ePutin", "P\u2060utin"],
)
def test_look_alike_names_fold_to_one_key(typed: str) -> None:
    assert cleaning.fold(typed) == "putin"
    assert parties_key(parse_parties(f"Trump,{typed}")) == parties_key(parse_parties("Putin, Trump"))


def test_stored_names_lose_invisible_and_full_width_forms() -> None:
    assert parse_parties("Put\u00adin,\u202eＴrump") == ["Putin", "Trump"]


def test_a_word_mixing_latin_and_cyrillic_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="mixes Cyrillic and Latin letters"):
        parse_parties("Trump,\u0420utin")  # Cyrillic Р
    assert parse_parties("Трамп,Путін") == ["Трамп", "Путін"]  # one alphabet per name is fine
    assert parse_parties("Putin (Путін),Trump")[0] == "Putin (Путін)"  # and per word


def test_names_are_compared_after_folding() -> None:
    with pytest.raises(ValueError, match="named twice"):
        parse_parties("Putin,ＰＵＴ\u00adIN")
    with pytest.raises(ValueError, match="has no letters"):
        parse_parties("\u2800,Trump")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("big night\x07", "notes contain a control character (U+0007, bell) at position 10"),
        ('notes="big night\x07"', "notes= contains a control character (U+0007, bell) at position 10"),
        ("source=ab\x1b[31mred", "source= contains a control character (U+001B, escape) at position 3"),
        ('weapons="Shahed-136\x1b[2J:4"', "weapons= contains a control character (U+001B, escape) at position 11"),
        ("parties=Trump,Pu\x00tin", "parties= contains a control character (U+0000, NUL) at position 9"),
        ("one two\x0bthree", "notes contain a control character (U+000B) at position 8"),
        ("fine \x1c", "notes contain a control character (U+001C) at position 6"),
        ("a \x85", "notes contain a control character (U+0085) at position 3"),
        ("x\ud800", "notes contain an unpaired surrogate (U+D800, half of a pair, not a character) at position 2"),
        ("caf\udce9", "notes contain a byte that is not UTF-8 text (0xE9) at position 4"),  # Latin-1 piped in
        ("source=Reuters tail\x9b", "notes contain a control character (U+009B) at position 5"),
    ],
)
def test_control_characters_are_refused_with_field_and_position(text: str, message: str) -> None:
    with pytest.raises(ArgumentError) as raised:
        parse(text, SPEC, command="contact")
    assert str(raised.value) == message or str(raised.value).startswith(message)
    assert raised.value.field in {"notes", "source", "weapons", "parties"}


def test_notes_and_free_words_agree() -> None:
    """Before the rule, `notes=` refused a bell and free words stored it: the two paths disagreed."""
    for text in ("ring\x07", 'notes="ring\x07"'):
        with pytest.raises(ArgumentError, match="control character"):
            parse(text, SPEC, command="contact")
    assert parse("ring\u200b bell", SPEC, command="contact").notes == "ring bell"
    assert parse('notes="ring\u200b bell"', SPEC, command="contact").notes == "ring bell"


def test_position_counts_from_the_start_of_the_stored_notes() -> None:
    with pytest.raises(ArgumentError, match="at position 13"):
        parse('second\x07 notes="first"', SPEC, command="contact")  # stored as "first second\x07"


def test_single_line_values_make_tabs_and_line_breaks_spaces() -> None:
    parsed = parse('source="Reuters\t\n  wire" weapons="Shahed-136:4,\r\nIskander-M:1"', SPEC, command="strike")
    assert parsed.values["source"] == "Reuters wire"
    assert parsed.values["weapons"] == {"Shahed-136": 4, "Iskander-M": 1}


def test_a_quoted_notes_word_keeps_its_line_breaks() -> None:
    """The Slack form sends its multi-line notes as one quoted word; Windows and Unicode breaks become \\n."""
    parsed = parse('"line one\r\nline  two\u2028\n\n\n\nline\tthree  "', SPEC, command="contact")
    assert parsed.notes == "line one\nline two\n\nline three"


def test_invisible_characters_cannot_hide_a_key_or_a_word() -> None:
    assert parse("par\u200bties=Trump,Putin", SPEC, command="contact").values["parties"] == ["Trump", "Putin"]
    assert parse("\u200b \ufeff", SPEC, command="contact").notes is None


def test_normalising_never_breaks_the_quoting() -> None:
    """NFKC turns a full-width quote into `"`; it happens after splitting, so the value stays whole."""
    assert tokenize('source="Trump＂s call"')[0].text == 'Trump"s call'
    assert tokenize("ｎｏｔｅｓ＝x")[0].key is None  # full-width `=` is text, not a key


def test_weapons_listed_twice_in_disguise() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        parse_weapons("Shahed-136:4,ＳＨＡＨＥＤ-136\u00ad:5")


def test_error_messages_never_echo_a_control_character() -> None:
    with pytest.raises(ArgumentError) as raised:
        parse("=\x1b[31m", SPEC, command="contact")
    assert "\x1b" not in str(raised.value)
    with pytest.raises(ArgumentError) as raised:
        parse("stray\x1b[2J", SPEC, command="timeline", notes=False)
    assert "\x1b" not in str(raised.value) and "\\x1b" in str(raised.value)


# --- properties ----------------------------------------------------------------------------------------------
@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=ANY_TEXT)
@example("\x1b[31mred")
@example("e\u200d\u0301")
@example("a\u2028\u0301")
def test_clean_text_is_clean_and_cleaning_twice_changes_nothing(text: str) -> None:
    for clean, multiline in ((cleaning.clean_line, False), (cleaning.clean_block, True)):
        try:
            value = clean(text, "notes")
        except cleaning.UnsafeTextError as error:
            assert refused(text)
            assert cleaning.is_refused(cleaning.strip_invisible(text)[error.position - 1])  # the one it names
            continue
        assert not refused(text)
        assert_clean(value, multiline=multiline)
        assert clean(value, "notes") == value


@settings(max_examples=400, derandomize=True, deadline=None)
@given(text=ANY_TEXT)
def test_fold_is_stable(text: str) -> None:
    folded = cleaning.fold(text)
    assert cleaning.fold(folded) == folded
    assert cleaning.fold(text.upper()) == cleaning.fold(text.lower()) or not text.isascii()


@settings(max_examples=500, derandomize=True, deadline=None)
@given(source=ANY_TEXT, weapon=ANY_TEXT, words=st.lists(ANY_TEXT, max_size=4))
def test_every_free_text_position_is_cleaned_or_refused(source: str, weapon: str, words: list[str]) -> None:
    """Arbitrary Unicode, quoted the way every form quotes it: a clean value, or an `ArgumentError`."""
    text = " ".join([f"source={quote(source)}", f"weapons={quote(weapon + ':3')}", *map(quote, words)])
    try:
        parsed = parse(text, SPEC, command="strike")
    except ArgumentError as error:
        assert str(error)
        assert refused(text) or error.field in {"source", "weapons", None}
        return
    assert not refused(text)
    for value in (parsed.values.get("source", ""), *parsed.values["weapons"]):
        assert_clean(value)
    if parsed.notes:
        assert_clean(parsed.notes, multiline=True)
