"""`/callwatch contact` and `/callwatch strike` with no arguments open the handler's form as a modal; submitting it
logs through the same handler, and its errors come back under their fields."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot.core import Core
from bot.slack import modals
from handlers.contacts.command import CONFIDENCES, KINDS
from handlers.contacts.command import FORM as CONTACT_FORM
from tests.helpers import row_counts
from tests.slack.conftest import SlackClient, command_body, view_submission
from tests.slack.test_commands import contacts, strikes, texts


def date(value: str) -> dict[str, Any]:
    return {"value": {"type": "datepicker", "selected_date": value}}


def clock(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "timepicker", "selected_time": value}}


def typed(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": value}}


def number(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "number_input", "value": value}}


def chosen(value: str) -> dict[str, Any]:
    return {
        "value": {
            "type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
        }
    }


def contact_values(**changes: Any) -> dict[str, Any]:
    values = {
        "at_date": date("2025-07-03"),
        "at_time": clock("14:00"),
        "at_zone": typed("Kyiv"),
        "parties": typed("Trump, Putin"),
        "kind": chosen("call"),
        "confidence": chosen("confirmed"),
        "source": typed("Reuters"),
        "duration": typed("45m"),
        "notes": typed('said "ceasefire" <!channel>\nline 2'),
    }
    values.update(changes)
    return values


async def open_form(slack: SlackClient, command: str) -> dict[str, Any]:
    status, body = await slack.command(command, "")
    assert status == 200 and body is None  # an empty ack: the modal opens instead of a message
    standin = slack.standin
    await standin.wait_for(lambda: standin.called("views.open"))
    [opened] = standin.called("views.open")
    return opened


async def test_contact_form_opens_and_a_submit_logs_and_announces(slack: SlackClient, core: Core) -> None:
    opened = await open_form(slack, "contact")
    view = opened["view"]
    assert view["callback_id"] == "callwatch:contact"
    assert {block["block_id"] for block in view["blocks"]} >= {"at_date", "at_time", "parties", "kind", "notes"}
    assert json.loads(view["private_metadata"]) == {"channel_id": "C1"}

    status, body = await slack.interact(view_submission(opened, contact_values()))
    assert status == 200 and body is None  # closes the form
    [stored] = contacts(core)
    assert (stored.parties, stored.kind, stored.confidence, stored.source, stored.duration_seconds) == (
        "Trump, Putin",
        "call",
        "confirmed",
        "Reuters",
        45 * 60,
    )
    assert stored.occurred_at.isoformat() == "2025-07-03T11:00:00+00:00"  # 14:00 Kyiv (summer time)
    assert stored.notes == 'said "ceasefire" <!channel>\nline 2'
    standin = slack.standin
    await standin.wait_for(lambda: standin.called("chat.postMessage"))
    [announcement] = standin.called("chat.postMessage")
    assert announcement["channel"] == "C1"
    assert "Logged Contact #1" in announcement["text"]
    assert "&lt;!channel&gt;" in texts(announcement) and "<!channel>" not in texts(announcement)


async def test_a_bad_field_is_shown_on_that_field_and_nothing_is_stored(slack: SlackClient, core: Core) -> None:
    opened = await open_form(slack, "contact")
    before = row_counts(core)
    for changes, block, expected in [
        ({"at_zone": typed("Narnia")}, "at_date", "Narnia"),
        ({"at_date": date("2025-08-01")}, "at_date", "in the future"),
        ({"duration": typed("forever")}, "duration", "duration=forever"),
        ({"parties": typed("Trump")}, "parties", "parties"),
    ]:
        status, body = await slack.interact(view_submission(opened, contact_values(**changes)))
        assert status == 200
        assert body["response_action"] == "errors", body
        assert list(body["errors"]) == [block], body
        assert expected in body["errors"][block]
        assert len(body["errors"][block]) <= 150
    assert row_counts(core) == before
    assert slack.standin.called("chat.postMessage") == []


async def test_a_double_clicked_submit_logs_once(slack: SlackClient, core: Core) -> None:
    opened = await open_form(slack, "contact")
    submit = view_submission(opened, contact_values())
    answers = await asyncio.gather(slack.interact(submit), slack.interact(submit))
    assert [status for status, _ in answers] == [200, 200]
    again = await slack.interact(submit)  # and once more after the first has committed
    assert again[0] == 200
    assert len(contacts(core)) == 1


async def test_strike_form_logs_a_strike(slack: SlackClient, core: Core) -> None:
    opened = await open_form(slack, "strike")
    assert opened["view"]["callback_id"] == "callwatch:strike"
    values = {
        "at_date": date("2025-07-04"),
        "at_time": clock("22:00"),
        "at_zone": typed(None),
        "drones": number("539"),
        "missiles": number(None),
        "weapons": typed("Shahed-136:500, Iskander-M:6"),
        "region": typed("Kyiv"),
        "killed": number("2"),
        "injured": number(None),
        "source": typed(None),
        "notes": typed(None),
    }
    status, body = await slack.interact(
        view_submission(opened, {**values, "drones": number(None), "weapons": typed(None)})
    )
    assert body["response_action"] == "errors"
    assert "say what was launched" in body["errors"]["drones"]
    assert strikes(core) == []

    status, body = await slack.interact(view_submission(opened, values, hash_="h2"))
    assert status == 200 and body is None
    [stored] = strikes(core)
    assert (stored.drones, stored.region, stored.killed) == (539, "Kyiv", 2)
    assert stored.started_at.isoformat() == "2025-07-04T22:00:00+00:00"  # the channel's zone: UTC


async def test_a_viewer_submitting_the_form_is_told_why(slack: SlackClient, core: Core) -> None:
    opened = await open_form(slack, "contact")
    _status, body = await slack.interact(view_submission(opened, contact_values(), user="UVIEWER"))
    assert body["response_action"] == "update"
    assert "needs the reporter role" in json.dumps(body["view"])
    assert contacts(core) == []


async def test_a_rate_limited_announcement_is_retried_not_dropped(slack: SlackClient, core: Core) -> None:
    opened = await open_form(slack, "contact")
    slack.standin.fail_next("chat.postMessage", times=2, retry_after=0)
    await slack.interact(view_submission(opened, contact_values()))
    standin = slack.standin
    await standin.wait_for(lambda: len(standin.called("chat.postMessage")) == 3, within=8)
    assert len(contacts(core)) == 1


async def test_when_the_bot_is_not_in_the_channel_the_submitter_is_told_directly(
    slack: SlackClient, core: Core
) -> None:
    opened = await open_form(slack, "contact")
    slack.standin.fail_next("chat.postMessage", status=200, error="not_in_channel")
    await slack.interact(view_submission(opened, contact_values()))
    standin = slack.standin
    await standin.wait_for(lambda: len(standin.called("chat.postMessage")) == 2)
    assert standin.called("chat.postMessage")[1]["channel"] == "UADMIN"


async def test_the_modal_is_drawn_from_the_handlers_form(slack: SlackClient) -> None:
    view = (await open_form(slack, "contact"))["view"]
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert list(blocks) == ["at_date", "at_time", "at_zone", *[field.name for field in CONTACT_FORM.fields[1:]]]
    assert view["title"]["text"] == CONTACT_FORM.title and view["submit"]["text"] == CONTACT_FORM.submit_label
    kind = blocks["kind"]["element"]
    assert [option["value"] for option in kind["options"]] == list(KINDS)  # the handler's choices, declared once
    assert kind["initial_option"]["value"] == "call"
    assert [o["value"] for o in blocks["confidence"]["element"]["options"]] == list(CONFIDENCES)
    required = {block_id for block_id, block in blocks.items() if not block["optional"]}
    assert required == {"at_date", "parties", "kind", "confidence"}
    assert blocks["parties"]["element"]["max_length"] == 200
    assert blocks["notes"]["element"]["multiline"] is True
    assert blocks["at_date"]["element"]["initial_date"] == "2025-07-05"  # today in the channel's zone


async def test_a_submit_cannot_add_arguments_the_form_does_not_have(slack: SlackClient, core: Core) -> None:
    opened = await open_form(slack, "contact")
    forged = contact_values(
        notes=typed('" kind=envoy confidence=unverified'),  # a quote in the notes closes nothing
        source=typed('Reuters" kind="envoy'),
        role=typed("admin"),  # a block the form does not declare
    )
    status, body = await slack.interact(view_submission(opened, forged))
    assert status == 200 and body is None
    [stored] = contacts(core)
    assert (stored.kind, stored.confidence) == ("call", "confirmed")
    assert stored.source == 'Reuters" kind="envoy'
    assert stored.notes == '" kind=envoy confidence=unverified'


async def test_a_workspace_on_an_older_manifest_still_gets_the_form(slack: SlackClient) -> None:
    status, body = await slack.post(command_body("contact", "", umbrella=False, response_url=""))
    assert status == 200 and body is None
    standin = slack.standin
    await standin.wait_for(lambda: standin.called("views.open"))


def test_errors_without_a_field_of_their_own_show_on_the_notes() -> None:
    errors = {"at": "at=tomorrow: can't read the time", "colour": "/contact has no argument colour="}
    assert modals.field_errors(CONTACT_FORM, errors) == {
        "at_date": "at=tomorrow: can't read the time",
        "notes": "/contact has no argument colour=",
    }
    assert modals.field_errors(CONTACT_FORM, {"parties": "x" * 400}) == {"parties": "x" * 150}  # Slack's limit
