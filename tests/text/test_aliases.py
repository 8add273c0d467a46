"""Ukrainian argument keys: aliases of the English ones wherever a command takes them, errors in the typed spelling,
commands unchanged — through the grammar and through the router on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.core import Core
from handlers.text import arguments
from storage.models import ContactReport, StrikeReport
from tests.conftest import RequestMaker
from tests.helpers import row_counts

SPEC = {"at": str, "drones": arguments.count, "missiles": arguments.count, "source": str}


def test_each_alias_names_an_english_key_some_command_takes() -> None:
    from handlers.registry import all_commands

    usage = "\n".join(command.usage for command in all_commands())
    for alias, key in arguments.ALIASES.items():
        assert f"{key}=" in usage, (alias, key)
        assert alias.isalpha() and not alias.isascii()


def test_aliases_fill_the_english_keys() -> None:
    parsed = arguments.parse("коли=now дрони=12 ракети=3 джерело=kpszsu", SPEC, command="strike")
    assert parsed.values == {"at": "now", "drones": 12, "missiles": 3, "source": "kpszsu"}
    upper = arguments.parse("ДРОНИ=1", SPEC, command="strike")  # keys are not case-sensitive, in either alphabet
    assert upper.values == {"drones": 1}


@pytest.mark.parametrize(
    ("text", "message", "field"),
    [
        ("дрони=п'ять", "дрони=п'ять: must be a whole number", "drones"),
        ("drones=1 дрони=2", "дрони= is given twice (as drones= and дрони=)", "drones"),
        ("дрони=1 дрони=2", "дрони= is given twice", "drones"),
        ("дрони=", "дрони= needs a value", "drones"),
        ("поранені=5", "/strike has no argument поранені=", "поранені"),  # not a key of this spec: named as typed
        ("шахеди=5", "/strike has no argument шахеди=", "шахеди"),
    ],
)
def test_errors_name_the_key_as_typed(text: str, message: str, field: str) -> None:
    with pytest.raises(arguments.ArgumentError) as raised:
        arguments.parse(text, SPEC, command="strike")
    assert str(raised.value).startswith(message) and raised.value.field == field


@settings(max_examples=100, derandomize=True, deadline=None)
@given(word=st.text(alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВ'-", min_size=1, max_size=12))
def test_a_cyrillic_word_before_equals_is_a_key_never_a_crash(word: str) -> None:
    """Any Cyrillic `word=` is read as a key: an alias, or an unknown argument named as typed."""
    try:
        parsed = arguments.parse(f"{word}=5", SPEC, command="strike")
    except arguments.ArgumentError as error:
        assert f"{word.lower()}=" in str(error) or not word[0].isalpha()
    else:
        assert arguments.ALIASES.get(word.lower()) in parsed.values or parsed.words


def test_ukrainian_keys_through_the_router(core: Core, make_request: RequestMaker) -> None:
    strike = core.router.handle(make_request("strike", 'коли="2025-07-04 01:00 Kyiv" дрони=539 ракети=11 область=Київ'))
    assert strike.ok, strike.text
    contact = core.router.handle(make_request("contact", "коли=now сторони=Trump,Putin вид=call джерело=WH"))
    assert contact.ok, contact.text
    with core.db.reader() as session:
        [stored] = session.exec(select(StrikeReport)).all()
        [call] = session.exec(select(ContactReport)).all()
    assert (stored.drones, stored.missiles, stored.region) == (539, 11, "Київ")
    assert (call.parties, call.kind, call.source) == ("Trump, Putin", "call", "WH")
    before = row_counts(core)
    bad = core.router.handle(make_request("strike", "коли=now дрони=багато"))
    assert (
        not bad.ok
        and bad.text.startswith("дрони=багато: must be a whole number")
        and bad.errors == {"drones": "дрони=багато: must be a whole number like 12"}
    )
    assert row_counts(core) == before
    retracted = core.router.handle(make_request("strike", f'retract {stored.id} причина="подвійний звіт"'))
    assert retracted.ok, retracted.text
