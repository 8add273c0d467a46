"""Forms declared once: the one submit function writes any answer as exactly one argument of the grammar, and every
registered form's fields are arguments its command takes, judged by the handler like typed text — arbitrary Unicode
in every field is stored cleaned or refused on that very field, never a crash, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.core import Core
from bot.wiring import build_core
from handlers.chat import forms
from handlers.chat.forms import Choice, Field, FieldKind, Form, Moment, quote
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from handlers.contacts.command import FORM as CONTACT_FORM
from handlers.strikes.command import FORM as STRIKE_FORM
from handlers.text import cleaning
from handlers.text.arguments import Token, tokenize
from storage.models import ContactReport, StrikeReport
from tests.conftest import FrozenClock, fresh_postgres_schema
from tests.helpers import row_counts

QUICK = settings(max_examples=300, derandomize=True, deadline=None)
THROUGH_THE_ROUTER = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Everything a person could paste: every category (controls, surrogates, invisible format characters), weighted
# towards the characters the grammar treats specially.
SPECIAL = '"“”„=\\ \t\n\r\u00ad\u200b\u202e\ufeff\x00\x07\x1b\x1c\x85\u2028\uff02Ｐ'
ANY_TEXT = st.text(
    st.one_of(st.sampled_from(SPECIAL), st.characters(blacklist_categories=()), st.characters(max_codepoint=127)),
    max_size=60,
)
# Half the time, text a person would plausibly type (no control characters), so storing is exercised as much as
# refusing; values that must parse (a zone, a duration, a count) half the time valid.
TYPED = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from('"“”„= \n'), min_size=1, max_size=40)
SOME_TEXT = st.one_of(TYPED, TYPED, TYPED, ANY_TEXT)  # three to one
ZONE = st.sampled_from(["", "UTC", "Kyiv", "+03:00"]) | ANY_TEXT
DURATION = st.sampled_from(["", "45m", "1h30m"]) | ANY_TEXT
COUNT = st.sampled_from(["", "0", "539", "1,200"]) | ANY_TEXT
FORMS = {"contact": CONTACT_FORM, "strike": STRIKE_FORM}
_keys = itertools.count(1)


def grammar_reads(value: str) -> str:
    """What the argument grammar makes of a value it is given as one token: invisible characters dropped, NFKC."""
    visible = cleaning.strip_invisible(value)
    return visible if visible.isascii() else unicodedata.normalize("NFKC", visible)


# --- the one submit function ----------------------------------------------------------------------------------
@QUICK
@given(value=ANY_TEXT)
def test_a_quoted_value_is_one_argument_character_for_character(value: str) -> None:
    assert tokenize(f"key={quote(value)}") == [Token(text=grammar_reads(value), key="key")]
    [word] = tokenize(quote(value))  # as trailing free text (the notes): one word, never a key=value
    assert word == Token(text=grammar_reads(value))


@QUICK
@given(values=st.lists(ANY_TEXT, min_size=3, max_size=3))
def test_command_text_gives_each_field_its_own_argument(values: list[str]) -> None:
    source, parties, notes = values
    text = CONTACT_FORM.command_text(
        {"at": Moment("2025-07-03", "14:00", "Kyiv"), "parties": parties, "source": source, "notes": notes}
    )
    tokens = tokenize(text)
    keyed = {token.key: token.text for token in tokens if token.key}
    assert keyed["at"] == "2025-07-03 14:00 Kyiv"
    for name, value in (("parties", parties), ("source", source)):
        assert keyed.get(name) == (grammar_reads(value) if value.strip() else None)
    free = [token.text for token in tokens if token.key is None]
    assert free == ([grammar_reads(notes)] if notes.strip() else [])


def test_blank_answers_are_not_given_and_unknown_fields_are_refused() -> None:
    assert CONTACT_FORM.command_text({"at": Moment("", "", ""), "parties": "  ", "kind": "call"}) == 'kind="call"'
    assert CONTACT_FORM.command_text({"at": Moment("2025-07-03")}) == 'at="2025-07-03"'  # the hour not known
    with pytest.raises(ValueError, match="no field role"):
        CONTACT_FORM.command_text({"role": "admin"})  # a forged field cannot smuggle in an argument


def test_a_form_is_checked_when_declared() -> None:
    with pytest.raises(ValueError, match="choices"):
        Field("kind", "Kind", FieldKind.CHOICE)
    with pytest.raises(ValueError, match="not one of its choices"):
        Field("kind", "Kind", FieldKind.CHOICE, choices=(Choice("a", "A"),), default="b")
    with pytest.raises(ValueError, match="only the notes"):
        Field("source", "Source", FieldKind.MULTILINE)
    with pytest.raises(ValueError, match="used twice"):
        Form("x", "X", (Field("a", "A"), Field("a", "A again")))


def test_the_handlers_declare_their_choices_once() -> None:
    from handlers.contacts.command import CONFIDENCES, KINDS

    assert [choice.value for choice in CONTACT_FORM.field("kind").choices] == list(KINDS)  # type: ignore[union-attr]
    assert [c.value for c in CONTACT_FORM.field("confidence").choices] == list(CONFIDENCES)  # type: ignore[union-attr]
    assert forms.choices(("call",)) == (Choice("call", "Call"),)


# --- through the handler --------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_core(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Core]:
    """One database per backend for all examples (a fresh one each would make hypothesis crawl)."""
    clock = FrozenClock(datetime(2025, 7, 5, 12, tzinfo=UTC))
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('forms') / 'f.db'}"
        else:
            url = stack.enter_context(fresh_postgres_schema(request.getfixturevalue("postgres_admin")))
        core = build_core(Settings(database_url=url, admins="slack:UADMIN"), clock=clock)
        stack.callback(core.close)
        yield core


def submit(core: Core, form: Form, values: dict[str, Any]) -> Any:
    """Submit `values` as any platform does; the stored row, or None when refused (and then nothing changed)."""
    before = row_counts(core)
    request = ChatRequest(
        platform=Platform.SLACK,
        user_id="UADMIN",
        channel_id="CFORM",
        command=form.command,
        text=form.command_text(values),
        idempotency_key=f"form:{next(_keys)}",
    )
    reply = core.router.handle(request)
    assert "Something went wrong" not in reply.text, (values, reply.text)
    if not reply.ok:
        event("refused")
        assert row_counts(core) == before, (values, reply.text)
        assert set(reply.errors) and set(reply.errors) <= {item.name for item in form.fields}, reply.text
        return None
    event("stored")
    model = ContactReport if form is CONTACT_FORM else StrikeReport
    with core.db.reader() as session:
        return session.exec(select(model).order_by(col(model.id).desc()).limit(1)).one()


def assert_clean(value: str, *, multiline: bool = False) -> None:
    assert cleaning.first_refused(value) is None, value
    assert not any(cleaning.is_invisible(char) for char in value), value
    assert multiline or "\n" not in value, value


@pytest.mark.parametrize("command", FORMS)
def test_every_field_is_an_argument_its_command_takes(shared_core: Core, command: str) -> None:
    form = FORMS[command]
    samples = {
        FieldKind.TEXT: "Kyiv",
        FieldKind.MULTILINE: "a note",
        FieldKind.COUNT: "3",
        FieldKind.DURATION: "45m",
        FieldKind.MOMENT: Moment("2025-07-03", "14:00", "UTC"),
    }
    for item in form.fields:
        value = item.choices[-1].value if item.choices else samples[item.kind]
        if item.name == "weapons":
            value = "Shahed-136:3"
        reply = shared_core.router.handle(
            ChatRequest(
                platform=Platform.SLACK,
                user_id="UADMIN",
                channel_id="CFORM",
                command=command,
                text=form.command_text({item.name: value}),
            )
        )
        assert "has no argument" not in reply.text, (item.name, reply.text)


@THROUGH_THE_ROUTER
@given(parties=SOME_TEXT, source=SOME_TEXT, duration=DURATION, zone=ZONE, notes=SOME_TEXT)
def test_contact_form_with_any_text(
    shared_core: Core, parties: str, source: str, duration: str, zone: str, notes: str
) -> None:
    stored = submit(
        shared_core,
        CONTACT_FORM,
        {
            "at": Moment("2025-07-03", "14:00", zone),
            "parties": f"Trump, {parties}",
            "kind": "meeting",
            "source": source,
            "duration": duration,
            "notes": notes,
        },
    )
    if stored is None:
        return
    for value in (stored.parties, stored.source or ""):
        assert_clean(value)
    assert stored.notes == (cleaning.clean_block(notes, "x") or None)  # line breaks and quotes kept
    assert_clean(stored.notes or "", multiline=True)


@THROUGH_THE_ROUTER
@given(region=SOME_TEXT, model=SOME_TEXT, source=SOME_TEXT, drones=COUNT, notes=SOME_TEXT)
def test_strike_form_with_any_text(
    shared_core: Core, region: str, model: str, source: str, drones: str, notes: str
) -> None:
    stored = submit(
        shared_core,
        STRIKE_FORM,
        {
            "at": Moment("2025-07-03", "22:00", "UTC"),
            "drones": drones,
            "weapons": f"{model}:7",
            "region": region,
            "source": source,
            "notes": notes,
        },
    )
    if stored is None:
        return
    for value in (*stored.weapons, stored.region or "", stored.source or ""):
        assert_clean(value)
    assert_clean(stored.notes or "", multiline=True)
