"""A form that starts filled in (Edit on a report preview): declared once, shown by the Slack modal and the guided
dialog with its values, and submitted back to the action it names."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialog import DONE, KEEP, SKIP, Ask, Dialog, Submit
from bot.slack import modals
from handlers.chat.forms import Moment
from handlers.strikes.command import FORM
from handlers.text import arguments

EDIT = dataclasses.replace(
    FORM,
    initial={
        "at": Moment("2025-07-03", "18:00", "Kyiv"),
        "drones": "539",
        "weapons": "Shahed-136/131:539, Kh-101:5",
        "source": 'Повітряні сили "ЗСУ" · https://t.me/kpszsu/1',
        "notes": "line one\nline two",
    },
    action="edit 17",
)


def test_initial_values_and_actions_are_checked_when_declared() -> None:
    with pytest.raises(ValueError, match="undeclared fields nonsense"):
        dataclasses.replace(FORM, initial={"nonsense": "1"})
    for action in ("edit", "edit 17 x", "retract 1 reason=x", "EDIT 1", "edit -1"):
        with pytest.raises(ValueError, match="not an action word and an id"):
            dataclasses.replace(FORM, action=action)


def test_the_submit_runs_the_named_action_with_every_value_as_one_argument() -> None:
    text = EDIT.command_text(EDIT.initial)
    assert text.startswith("edit 17 at=")
    parsed = arguments.parse(
        text.removeprefix("edit 17 "), {name: str for name in ("at", "drones", "weapons", "source")}, command="strike"
    )
    assert parsed.values == {
        "at": "2025-07-03 18:00 Kyiv",
        "drones": "539",
        "weapons": "Shahed-136/131:539, Kh-101:5",
        "source": 'Повітряні сили "ЗСУ" · https://t.me/kpszsu/1',
    }
    assert parsed.words == ["line one\nline two"]
    assert FORM.command_text({"drones": "1"}) == 'drones="1"'  # a form without an action: as before


def test_the_dialog_offers_keep_and_done_sends_the_values_unchanged() -> None:
    dialog = Dialog(EDIT)
    assert "each with its answer so far" in dialog.intro
    first = dialog.start().question
    assert "Now: 2025-07-03 18:00 Kyiv" in first.text and first.options[0].label == "Keep"
    kept = dialog.choose("at", KEEP)
    assert isinstance(kept, Ask) and kept.said == "When: kept"
    labels = [option.label for option in kept.question.options]
    assert labels == ["Keep", "Clear", "Done"] and "Now: 539" in kept.question.text
    changed = dialog.type("520")
    assert isinstance(changed, Ask) and changed.question.field.name == "missiles"
    assert [option.label for option in changed.question.options] == ["Skip", "Done"]  # missiles started blank
    submit = dialog.choose("missiles", DONE)
    assert isinstance(submit, Submit) and submit.command == "strike"
    assert submit.text == EDIT.command_text({**EDIT.initial, "drones": "520"})


def test_clear_removes_a_value_the_form_started_with() -> None:
    dialog = Dialog(EDIT)
    dialog.choose("at", KEEP)
    dialog.choose("drones", SKIP)  # shown as Clear
    assert "drones" not in dialog.answers
    assert dialog.choose("missiles", DONE) == Submit("strike", EDIT.command_text({**EDIT.initial, "drones": ""}))


def test_a_refused_answer_is_asked_again_without_keep() -> None:
    dialog = Dialog(EDIT)
    dialog.choose("at", KEEP)
    dialog.choose("drones", DONE)
    again = dialog.rejected({"drones": "drones=539 but weapons= lists 600"}, "…")
    assert isinstance(again, Ask) and "Keep" not in [option.label for option in again.question.options]


def test_the_slack_modal_shows_the_values_and_the_submit_goes_back_to_the_draft() -> None:
    view = modals.view(EDIT, "C1", date(2025, 7, 5))
    blocks = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert blocks["at_date"]["initial_date"] == "2025-07-03" and blocks["at_time"]["initial_time"] == "18:00"
    assert blocks["at_zone"]["initial_value"] == "Kyiv" and blocks["drones"]["initial_value"] == "539"
    assert "initial_value" not in blocks["missiles"] and blocks["notes"]["initial_value"] == "line one\nline two"
    assert json.loads(view["private_metadata"]) == {"channel_id": "C1", "action": "edit 17"}
    submitted = {
        **view,
        "state": {
            "values": {
                "at_date": {"value": {"type": "datepicker", "selected_date": "2025-07-03"}},
                "at_time": {"value": {"type": "timepicker", "selected_time": "18:00"}},
                "at_zone": {"value": {"type": "plain_text_input", "value": "Kyiv"}},
                "drones": {"value": {"type": "number_input", "value": "520"}},
            }
        },
    }
    # The listener reads the submit with the form the bare command declares (no action): the metadata names it.
    assert modals.submitted_text(FORM, submitted) == 'edit 17 at="2025-07-03 18:00 Kyiv" drones="520"'
    plain = modals.view(FORM, "C1", date(2025, 7, 5))
    assert json.loads(plain["private_metadata"]) == {"channel_id": "C1"}
    assert (
        modals.submitted_text(FORM, {**plain, "state": submitted["state"]}) == 'at="2025-07-03 18:00 Kyiv" drones="520"'
    )


@settings(max_examples=60, derandomize=True, deadline=None)
@given(metadata=st.one_of(st.text(max_size=60), st.builds(lambda a: json.dumps({"action": a}), st.text(max_size=30))))
def test_forged_metadata_never_names_anything_but_an_action_and_an_id(metadata: str) -> None:
    action = modals.action_of({"private_metadata": metadata})
    assert action == "" or (action.split()[0].isalpha() and action.split()[1].isdigit() and len(action.split()) == 2)
