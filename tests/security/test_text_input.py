"""Arbitrary Unicode in every free-text position, through the router, on SQLite and PostgreSQL: the report is
stored with cleaned text or refused with a specific error and nothing stored — never "Something went wrong".

Three ways text arrives: typed (Slack, Telegram and console commands), the Slack form (`submitted_text`) and the
guided dialog of Telegram and the console (`bot.dialog.Dialog`). All three must reach the same rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.core import Core
from bot.dialog import NOW, SKIP, Dialog, Submit
from bot.slack.modals import DATE, TIME, VALUE, ZONE, submitted_text
from bot.wiring import build_core
from handlers.chat.forms import FieldKind, quote
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from handlers.contacts.command import FORM as CONTACT_FORM
from handlers.contacts.parties import parse_parties
from handlers.strikes.command import FORM as STRIKE_FORM
from handlers.text import cleaning
from storage.models import ContactReport, StrikeReport
from tests.conftest import FrozenClock, fresh_postgres_schema
from tests.security.counting import row_counter
from tests.text.test_cleaning import ANY_TEXT, TRICKY, assert_clean, refused

# Mostly text the rule lets through (so storing is exercised, not only refusing), sometimes anything at all.
ALLOWED_CHAR = st.one_of(
    st.characters(exclude_categories=("Cc", "Cs")),
    st.sampled_from([char for char in TRICKY if not refused(char)]),
    st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")),
)
FREE_TEXT = st.one_of(
    *[st.lists(ALLOWED_CHAR, min_size=1, max_size=40).map("".join)] * 4,
    ANY_TEXT,
)
DISGUISES = [" ", "-", "'", *(char for char in TRICKY if not refused(char))]


def one_script_name(letters: str) -> st.SearchStrategy[str]:
    """A name in one alphabet, with spaces, hyphens, full-width forms and invisible characters mixed in."""
    return st.lists(
        st.one_of(*[st.sampled_from(letters)] * 3, st.sampled_from(DISGUISES)), min_size=1, max_size=20
    ).map("".join)


NAME_TEXT = st.one_of(
    one_script_name("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    one_script_name("абвгдежзийклмнопрстуфхцчшщьюяієїґАБВГДЕЖЗІЇЄҐ"),
    FREE_TEXT,
)
SUITE = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_keys = itertools.count(1)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_core(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Core]:
    """One database per backend for all examples (a fresh one each would make hypothesis crawl)."""
    clock = FrozenClock(datetime(2025, 7, 5, 12, tzinfo=UTC))
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('text') / 't.db'}"
        else:
            url = stack.enter_context(fresh_postgres_schema(request.getfixturevalue("postgres_admin")))
        core = build_core(Settings(database_url=url, admins="slack:UADMIN"), clock=clock)
        stack.callback(core.close)
        yield core


def send(core: Core, command: str, text: str) -> Reply:
    request = ChatRequest(
        platform=Platform.SLACK,
        user_id="UADMIN",
        channel_id="CTEXT",
        command=command,
        text=text,
        idempotency_key=f"text-input:{next(_keys)}",
    )
    reply = core.router.handle(request)
    assert "Something went wrong" not in reply.text, (command, text, reply.text)
    assert reply.title or reply.text
    return reply


def newest(core: Core, model: type[ContactReport] | type[StrikeReport]) -> Any:
    with core.db.reader() as session:
        return session.exec(select(model).order_by(col(model.id).desc()).limit(1)).one()


_counters: dict[str, Callable[[], dict[str, int]]] = {}  # by database URL: each backend's is its own


def row_counts(core: Core) -> dict[str, int]:
    if core.db.url not in _counters:
        _counters[core.db.url] = row_counter(core)
    return _counters[core.db.url]()


def outcome(core: Core, command: str, text: str) -> Any | None:
    """Route `text`; the stored row if it was logged, None if refused (and then nothing changed)."""
    before = row_counts(core)
    reply = send(core, command, text)
    event("refused" if not reply.ok else "stored")
    if not reply.ok:
        assert row_counts(core) == before, (command, text, reply.text)
        return None
    assert not refused(text), (text, reply.text)  # a refused character anywhere means a refusal
    return newest(core, ContactReport if command == "contact" else StrikeReport)


@SUITE
@given(first=NAME_TEXT, second=NAME_TEXT, source=FREE_TEXT, notes=FREE_TEXT, words=st.lists(FREE_TEXT, max_size=3))
def test_typed_contact(shared_core: Core, first: str, second: str, source: str, notes: str, words: list[str]) -> None:
    parties = quote(f"{first},{second}")
    text = " ".join(
        ["at=2025-07-03T14:00Z", f"parties={parties}", f"source={quote(source)}", f"notes={quote(notes)}", *words]
    )
    stored = outcome(shared_core, "contact", text)
    if stored is None:
        return
    names = stored.parties.split(", ")
    assert names == parse_parties(f"{first},{second}")  # what the grammar hands over: the text unquoted
    assert stored.parties_key == ",".join(sorted(cleaning.fold(name) for name in names))
    for value in (*names, stored.source or "x", stored.notes or "x"):
        assert_clean(value, multiline=True)
    assert stored.source == (cleaning.clean_line(source, "x") or None)


@SUITE
@given(region=FREE_TEXT, model=NAME_TEXT, source=FREE_TEXT, words=st.lists(FREE_TEXT, max_size=3))
def test_typed_strike(shared_core: Core, region: str, model: str, source: str, words: list[str]) -> None:
    text = " ".join(
        [
            "at=2025-07-03T22:00Z",
            f"weapons={quote(model + ':7')}",
            f"region={quote(region)}",
            f"source={quote(source)}",
            *(quote(word) for word in words),
        ]
    )
    stored = outcome(shared_core, "strike", text)
    if stored is None:
        return
    assert list(stored.weapons) == [cleaning.clean_line(model, "x")]
    for value in (*stored.weapons, stored.region or "x", stored.source or "x"):
        assert_clean(value)
    if stored.notes:
        assert_clean(stored.notes, multiline=True)
        assert "\n" not in stored.notes or any(
            LINE_BREAK in word for word in words for LINE_BREAK in "\n\r\u2028\u2029"
        )


CLEAN_TEXT = st.lists(ALLOWED_CHAR, max_size=40).map("".join)


@SUITE
@given(region=CLEAN_TEXT, source=CLEAN_TEXT, notes=CLEAN_TEXT)
def test_text_the_rule_accepts_is_stored_exactly_as_cleaned(
    shared_core: Core, region: str, source: str, notes: str
) -> None:
    """No refusable character: the report is stored, each field exactly as the rule cleans it (unless cleaning
    leaves nothing, or NFKC stretched a value past its limit: then a specific refusal)."""
    text = f"at=2025-07-03T22:00Z drones=1 region={quote(region)} source={quote(source)} {quote(notes)}"
    cleaned = {
        "region": cleaning.clean_line(region, "x"),
        "source": cleaning.clean_line(source, "x"),
        "notes": cleaning.clean_block(notes, "x"),
    }
    fits = all(cleaned[name] for name in ("region", "source")) and len(cleaned["region"]) <= 120
    fits = fits and len(cleaned["source"]) <= 200
    stored = outcome(shared_core, "strike", text)
    if not fits:
        assert stored is None
        return
    assert stored is not None, text
    assert (stored.region, stored.source, stored.notes) == (
        cleaned["region"],
        cleaned["source"],
        cleaned["notes"] or None,
    )


@SUITE
@given(reason=FREE_TEXT)
def test_retract_reason(shared_core: Core, reason: str) -> None:
    logged = send(shared_core, "strike", "at=2025-07-03T22:00Z drones=1")
    assert logged.ok
    strike = newest(shared_core, StrikeReport)
    before = row_counts(shared_core)
    reply = send(shared_core, "strike", f"retract {strike.id} reason={quote(reason)}")
    with shared_core.db.reader() as session:
        after = session.get(StrikeReport, strike.id)
    if reply.ok:
        assert not refused(reason)
        assert after.retract_reason == cleaning.clean_line(reason, "x")
        assert_clean(after.retract_reason)
    else:
        assert after.retracted_at is None and row_counts(shared_core) == before


def form_field(value: str) -> dict[str, Any]:
    return {VALUE: {"type": "plain_text_input", "value": value}}


@SUITE
@given(
    parties=NAME_TEXT,
    source=FREE_TEXT,
    duration=st.one_of(st.just(""), st.just("45m"), FREE_TEXT),
    zone=st.one_of(st.just(""), st.just("Kyiv"), FREE_TEXT),
    notes=FREE_TEXT,
)
def test_slack_form_fields(shared_core: Core, parties: str, source: str, duration: str, zone: str, notes: str) -> None:
    """A submitted modal, read the way the Slack adapter reads it, written by the form's one submit function."""
    view = {
        "state": {
            "values": {
                "at" + DATE: {VALUE: {"type": "datepicker", "selected_date": "2025-07-03"}},
                "at" + TIME: {VALUE: {"type": "timepicker", "selected_time": "14:00"}},
                "at" + ZONE: form_field(zone),
                "parties": form_field(f"Trump, {parties}"),
                "kind": {VALUE: {"type": "static_select", "selected_option": {"value": "call"}}},
                "confidence": {VALUE: {"type": "static_select", "selected_option": {"value": "reported"}}},
                "source": form_field(source),
                "duration": form_field(duration),
                "notes": form_field(notes),
            }
        }
    }
    stored = outcome(shared_core, "contact", submitted_text(CONTACT_FORM, view))
    if stored is None:
        return
    for value in (stored.parties, stored.source or "x"):
        assert_clean(value)
    assert stored.source == (cleaning.clean_line(source, "x") or None)
    if stored.notes:
        assert_clean(stored.notes, multiline=True)  # a multi-line notes field keeps its line breaks
        assert stored.notes == cleaning.clean_block(notes, "x")


@SUITE
@given(answers=st.lists(FREE_TEXT, min_size=8, max_size=8))
def test_dialog_answers(shared_core: Core, answers: list[str]) -> None:
    """The guided dialog (Telegram and the console) asked to the end: the moment answered with a button, choices
    and counts sensibly, every free-text question with arbitrary text. Whatever it submits is judged by the rule."""
    dialog = Dialog(STRIKE_FORM)
    typed = iter(answers)
    step = dialog.start()
    for _ in range(40):
        if isinstance(step, Submit):
            break
        item = step.question.field
        if item.kind is FieldKind.MOMENT:
            step = dialog.choose(item.name, NOW) or step
        elif item.kind is FieldKind.COUNT:
            step = dialog.type("5")
        elif item.kind is FieldKind.CHOICE:
            step = dialog.choose(item.name, item.choices[0].value) or step
        else:
            answer = next(typed, "")
            if not answer.strip(" \t\r\n"):
                step = dialog.choose(item.name, SKIP) or step
                continue
            step = dialog.type(answer + ":3" if item.name == "weapons" else answer)  # a model name, then its count
    assert isinstance(step, Submit), step
    stored = outcome(shared_core, step.command, step.text)
    if stored is None:
        return
    for value in (stored.region or "x", stored.source or "x", *stored.weapons):
        assert_clean(value)
    if stored.notes:
        assert_clean(stored.notes, multiline=True)


# --- look-alike names are one party -------------------------------------------------------------------------
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u180e", "\u3164"]
NAME = st.text(alphabet=st.characters(min_codepoint=ord("a"), max_codepoint=ord("z")), min_size=2, max_size=12)


def disguise(draw: Any, name: str) -> str:
    """The same name as someone might type it: case, full-width letters, invisible characters in between."""
    out = []
    for char in name:
        style = draw(st.sampled_from(["plain", "upper", "wide", "wide-upper"]))
        char = char.upper() if "upper" in style else char
        if "wide" in style:
            char = chr(ord(char) + 0xFEE0)  # ASCII → its full-width form
        out.append(char)
        out.append(draw(st.sampled_from(["", "", *INVISIBLE])))
    return draw(st.sampled_from(["", *INVISIBLE])) + "".join(out)


@SUITE
@given(data=st.data(), first=NAME, second=NAME)
def test_look_alike_parties_are_the_same_contact(shared_core: Core, data: Any, first: str, second: str) -> None:
    assume(first != second)
    original = send(shared_core, "contact", f"at=2025-07-03T10:00Z parties={first},{second}")
    assert original.ok, original.text
    root = newest(shared_core, ContactReport)
    variant = f"{disguise(data.draw, second)},{disguise(data.draw, first)}"
    again = send(shared_core, "contact", f"at=2025-07-03T10:30Z parties={quote(variant)}")
    assert again.ok, (variant, again.text)
    repeat = newest(shared_core, ContactReport)
    assert repeat.parties_key == root.parties_key
    assert repeat.duplicate_of_id in {root.id, root.duplicate_of_id} - {None}
    assert "opens no new readiness window" in again.text
