"""`/contact` and `/strike` with no arguments open a form; submitting it logs through the same handler."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot.wiring import Core
from tests.helpers import row_counts
from tests.slack.conftest import SlackClient, view_submission
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
        "zone": typed("Kyiv"),
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
        ({"zone": typed("Narnia")}, "at_date", "Narnia"),
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
        "zone": typed(None),
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
