"""The guided dialog derived from a form (bot/dialog.py), the same on Telegram and in the console: which buttons each
question gets, what a press or a typed answer does, and how a rejected answer is asked again."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialog import DONE, HOUR_AGO, NOW, SKIP, TYPE_IT, TYPE_TIME_PROMPT, Ask, Dialog, Submit
from handlers.contacts.command import FORM as CONTACT_FORM
from handlers.strikes.command import FORM as STRIKE_FORM
from handlers.text.arguments import tokenize


def values(ask: Ask) -> list[str]:
    return [option.value for option in ask.question.options]


def test_buttons_follow_the_fields() -> None:
    dialog = Dialog(CONTACT_FORM)
    first = dialog.start()
    assert first.question.field.name == "at" and values(first) == [NOW, HOUR_AGO, TYPE_IT]
    assert "(1/7) When did it happen?" in first.question.text
    parties = dialog.choose("at", NOW)
    assert isinstance(parties, Ask) and parties.said == "When: Now"
    assert values(parties) == []  # required text: typed, nothing to press
    kind = dialog.type("Trump, Putin")
    assert isinstance(kind, Ask) and values(kind) == ["call", "meeting", "message", "envoy"]
    confidence = dialog.choose("kind", "envoy")
    assert isinstance(confidence, Ask) and values(confidence) == ["confirmed", "reported", "unverified"]
    source = dialog.type("CONFIRMED")  # typing an option's name chooses it (the console has no buttons)
    assert isinstance(source, Ask) and values(source) == [SKIP, DONE]  # required all answered: Done offered
    assert dialog.answers == {"at": "now", "parties": "Trump, Putin", "kind": "envoy", "confidence": "confirmed"}


def test_done_submits_what_was_answered_through_the_form() -> None:
    dialog = Dialog(CONTACT_FORM)
    dialog.choose("at", HOUR_AGO)
    dialog.type('Trump, "Putin"')
    dialog.choose("kind", "call")
    dialog.choose("confidence", "reported")
    submit = dialog.choose("source", DONE)
    assert submit == Submit("contact", CONTACT_FORM.command_text(dialog.answers))
    keyed = {token.key: token.text for token in tokenize(submit.text)}
    assert keyed == {"at": "1h ago", "parties": 'Trump, "Putin"', "kind": "call", "confidence": "reported"}


def test_done_is_not_offered_before_the_required_answers_nor_on_the_last_question() -> None:
    strike = Dialog(STRIKE_FORM)
    assert values(strike.start()) == [NOW, HOUR_AGO, TYPE_IT]  # `at` is required and first: no Skip
    drones = strike.choose("at", NOW)
    assert isinstance(drones, Ask) and values(drones) == [SKIP, DONE]
    for name in [field.name for field in STRIKE_FORM.fields][1:-1]:
        strike.choose(name, SKIP)
    assert values(Ask(strike.question())) == [SKIP]  # the notes: Done would skip nothing


def test_type_a_time_then_any_text_answers_it() -> None:
    dialog = Dialog(STRIKE_FORM)
    prompt = dialog.choose("at", TYPE_IT)
    assert isinstance(prompt, Ask) and prompt.question.text == TYPE_TIME_PROMPT and values(prompt) == []
    assert dialog.choose("at", NOW) is None  # the old buttons no longer answer
    nxt = dialog.type("now")  # while typing a time, "now" is the time typed, not the button
    assert isinstance(nxt, Ask) and dialog.answers["at"] == "now" and nxt.question.field.name == "drones"


def test_a_moment_may_be_typed_without_pressing_first() -> None:
    dialog = Dialog(STRIKE_FORM)
    dialog.type("2025-07-03 22:00 Kyiv")
    assert dialog.answers["at"] == "2025-07-03 22:00 Kyiv"


def test_checks_made_at_once() -> None:
    dialog = Dialog(STRIKE_FORM)
    dialog.choose("at", NOW)
    again = dialog.type("lots")
    assert isinstance(again, Ask) and again.question.field.name == "drones"
    assert again.question.text.startswith("That is not a count: must be a whole number like 12.")
    negative = dialog.type("-3")
    assert isinstance(negative, Ask) and "cannot be negative" in negative.question.text
    assert isinstance(dialog.type("1 200"), Ask) and "drones" not in dialog.answers  # the grammar's own rule
    dialog = Dialog(CONTACT_FORM)
    dialog.choose("at", NOW)
    dialog.type("Trump, Putin")
    wrong = dialog.type("a phone call")
    assert isinstance(wrong, Ask) and "Please choose one of: Call, Meeting, Message, Envoy." in wrong.question.text
    blank = dialog.type("   ")
    assert isinstance(blank, Ask) and "Please answer" in blank.question.text
    dialog.choose("kind", "call")
    dialog.choose("confidence", "reported")
    too_long = dialog.type("x" * 201)
    assert isinstance(too_long, Ask) and "the limit is 200" in too_long.question.text


def test_stale_or_foreign_buttons_are_not_answers() -> None:
    dialog = Dialog(CONTACT_FORM)
    assert dialog.choose("kind", "call") is None  # a later question's button
    assert dialog.choose("at", "tomorrow") is None  # not one of its options
    assert dialog.index == 0 and dialog.answers == {}


def test_a_rejected_answer_is_asked_again_then_submitted_at_once() -> None:
    dialog = Dialog(STRIKE_FORM)
    dialog.type("2031-01-01 10:00 UTC")
    dialog.type("12")
    submit = dialog.choose("missiles", DONE)
    assert isinstance(submit, Submit)
    again = dialog.rejected({"at": "at=2031-01-01 10:00 UTC: is in the future"}, "at=…: is in the future\nUsage: …")
    assert isinstance(again, Ask) and again.question.field.name == "at"
    assert again.question.text.splitlines()[0] == "at=2031-01-01 10:00 UTC: is in the future"
    assert values(again) == [NOW, HOUR_AGO, TYPE_IT]
    resubmit = dialog.choose("at", NOW)
    assert isinstance(resubmit, Submit) and dialog.answers == {"at": "now", "drones": "12"}
    assert dialog.rejected({}, "needs the reporter role") is None  # nothing to re-ask: the adapter shows it


@settings(max_examples=200, derandomize=True, deadline=None)
@given(answers=st.lists(st.text(max_size=30), min_size=1, max_size=30))
def test_any_typed_answers_end_in_a_question_or_a_submit(answers: list[str]) -> None:
    """Whatever is typed, the dialog asks something or submits text the grammar can read; it never raises."""
    dialog = Dialog(CONTACT_FORM)
    for text in answers:
        outcome = dialog.type(text)
        if isinstance(outcome, Submit):
            tokenize(outcome.text)  # quoted properly: no unclosed quote, whatever was typed
            break
        assert outcome.question.text
