"""The key=value grammar: quoting, notes, and a specific error for every malformed token."""

from __future__ import annotations

import pytest

from handlers.text.arguments import ArgumentError, choice, count, parse, record_id, text_value, tokenize

SPEC = {"drones": count, "kind": choice("call", "meeting"), "region": text_value(20)}


def test_values_with_spaces_in_quotes_and_free_words_become_notes() -> None:
    parsed = parse('drones=5 region="Kyiv oblast" a long night', SPEC, command="strike")
    assert parsed.values == {"drones": 5, "region": "Kyiv oblast"}
    assert parsed.notes == "a long night"


def test_curly_quotes_from_phone_keyboards_work() -> None:
    assert tokenize("region=“Kyiv oblast”")[0].text == "Kyiv oblast"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour=red", "has no argument colour="),
        ("drones=many", "must be a whole number"),
        ("drones=-3", "cannot be negative"),
        ("drones=1 drones=2", "given twice"),
        ("drones=", "needs a value"),
        ('region="unclosed', "quote is not closed"),
        ("=5", "no name before '='"),
        ("kind=lunch", "must be one of call, meeting"),
        ("region=" + "x" * 30, "limit is 20"),
        ("drones=99999999", "implausibly large"),
    ],
)
def test_each_malformed_token_gets_its_own_message(text: str, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        parse(text, SPEC, command="strike")


def test_free_text_is_refused_where_a_command_takes_none() -> None:
    with pytest.raises(ArgumentError, match="does not take free text"):
        parse("drones=1 stray", SPEC, command="timeline", notes=False)


def test_error_names_the_field_for_forms() -> None:
    with pytest.raises(ArgumentError) as raised:
        parse("drones=x", SPEC, command="strike")
    assert raised.value.field == "drones"


def test_record_ids() -> None:
    assert record_id("#12") == 12
    for bad in ("0", "abc", "-1", "1.5", "9" * 20):
        with pytest.raises(ArgumentError, match="not a record id"):
            record_id(bad)
