"""No wording, button or form lets a Slack member without a grant store anything, through the real bolt app.

Slack members read by default; writing needs a grant. Every example goes over signed HTTP to `/slack/events` as
Slack would send it: slash commands with arbitrary text, button presses the bot never offered (any action id and
value), and form submissions the member forged (a view our app would open, filled with anything).
"""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Core
from bot.slack import modals
from bot.slack.blocks import ACTION_PREFIX
from handlers.contacts.command import FORM as CONTACT_FORM
from handlers.registry import all_commands
from handlers.strikes.command import FORM as STRIKE_FORM
from tests.chat.test_authorization import WORDING
from tests.helpers import row_counts
from tests.slack.conftest import SlackClient

VIEWER = "UVIEWER"  # a workspace member nobody granted a role
COMMANDS = [command.name for command in all_commands()]
WORDS = sorted({word for command in all_commands() for word in command.action_words} | {"", "log"})
FIELD_TEXT = st.one_of(st.text(max_size=40), st.sampled_from(["now", "Trump,Putin", "12", "call", "2025-07-03"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), text=WORDING)
async def test_no_slash_command_text_from_a_member_without_a_grant_stores_anything(
    slack: SlackClient, core: Core, command: str, text: str
) -> None:
    before = row_counts(core)
    status, _body = await slack.command(command, text, user=VIEWER)
    assert status in (200, 404)
    assert row_counts(core) == before, (command, text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), word=st.sampled_from(WORDS), value=WORDING)
async def test_a_forged_button_press_stores_nothing(
    slack: SlackClient, core: Core, command: str, word: str, value: str
) -> None:
    before = row_counts(core)
    action = {"action_id": f"{ACTION_PREFIX}{command} {word}".strip() + "|0", "value": value[:2000], "type": "button"}
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": VIEWER, "username": "viewer"},
        "api_app_id": "A1",
        "trigger_id": "trigger.forged",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": False},
        "channel": {"id": "C1", "name": "general"},
        "message": {"type": "message", "ts": "1.1", "text": "an alert", "blocks": []},
        "response_url": slack.standin.response_url(),
        "actions": [{**action, "block_id": "b1", "action_ts": "1751716800.1"}],
    }
    status, _body = await slack.interact(payload)
    assert status == 200
    assert row_counts(core) == before, (command, word, value)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(["contact", "strike"]), answers=st.lists(FIELD_TEXT, min_size=12, max_size=12))
async def test_a_forged_form_submission_stores_nothing(
    slack: SlackClient, core: Core, which: str, answers: list[str]
) -> None:
    form = CONTACT_FORM if which == "contact" else STRIKE_FORM
    view = modals.view(form, "C1", date(2025, 7, 5))
    values = {
        block["block_id"]: {modals.VALUE: {"type": "plain_text_input", "value": answer}}
        for block, answer in zip((block for block in view["blocks"] if block["type"] == "input"), answers, strict=False)
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": VIEWER, "username": "viewer"},
        "api_app_id": "A1",
        "trigger_id": "trigger.forged",
        "view": {**view, "id": "V1", "hash": "h1", "state": {"values": values}},
    }
    before = row_counts(core)
    status, _body = await slack.interact(payload)
    assert status == 200
    assert row_counts(core) == before, (which, json.dumps(values)[:300])


async def test_the_same_form_does_store_for_an_admin(slack: SlackClient, core: Core) -> None:
    """Calibration: the forged-form path is a real write path, refused above only because of who submitted."""
    view = modals.view(CONTACT_FORM, "C1", date(2025, 7, 5))
    typed = {"parties": "Trump,Putin"}
    values = {
        block["block_id"]: {modals.VALUE: {"type": "plain_text_input", "value": typed.get(block["block_id"], "")}}
        for block in view["blocks"]
        if block["type"] == "input"
    }
    values[f"at{modals.DATE}"] = {modals.VALUE: {"type": "datepicker", "selected_date": "2025-07-05"}}
    payload = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "UADMIN", "username": "admin"},
        "api_app_id": "A1",
        "trigger_id": "trigger.admin",
        "view": {**view, "id": "V2", "hash": "h2", "state": {"values": values}},
    }
    before = row_counts(core)
    status, body = await slack.interact(payload)
    assert status == 200, body
    assert row_counts(core)["contact_report"] == before["contact_report"] + 1
