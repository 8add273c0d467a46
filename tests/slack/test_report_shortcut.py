"""Slack: "Log as strike report" on a message, and `/callwatch strike` with a pasted report, give the preview with
Confirm / Edit / Cancel; the real bolt app over signed HTTP against the stand-in Web API, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from sqlmodel import select

from bot.core import Core
from bot.slack.shortcuts import STRIKE_REPORT
from storage.models import StrikeReport
from tests.slack.conftest import SlackClient, view_submission
from tests.slack.test_commands import texts
from tests.strikes.test_from_report import REPORT

TS = "1751609520.000100"  # 2025-07-04 06:12 UTC: the morning after the night of 3–4 July
PERMALINK = "https://standin.slack.com/archives/C1/p1751609520000100"
_triggers = count(1)


def shortcut(user: str = "UADMIN", *, text: str = REPORT, response_url: str = "", **message: Any) -> dict[str, Any]:
    """The payload Slack sends when `user` picks "Log as strike report" on a message in #general."""
    return {
        "type": "message_action",
        "callback_id": STRIKE_REPORT.callback_id,
        "trigger_id": f"trigger.shortcut.{next(_triggers)}",
        "response_url": response_url,
        "action_ts": "1751716800.5",
        "team": {"id": "T1", "domain": "standin"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "channel": {"id": "C1", "name": "general"},
        "message": {"type": "message", "user": "UFEED", "ts": TS, "text": text, **message},
        "message_ts": TS,
    }


def press(posted: dict[str, Any], label: str, *, user: str = "UADMIN", response_url: str = "") -> dict[str, Any]:
    """A click on the button labelled `label` under an ephemeral message (the preview)."""
    blocks = posted["blocks"]
    buttons = next(block for block in blocks if block["type"] == "actions")["elements"]
    button = next(button for button in buttons if button["text"]["text"] == label)
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "username": user.lower()},
        "api_app_id": "A1",
        "trigger_id": f"trigger.click.{next(_triggers)}",
        "container": {"type": "message", "message_ts": "1751716800.9", "channel_id": "C1", "is_ephemeral": True},
        "channel": {"id": "C1", "name": "general"},
        "message": {"type": "message", "ts": "1751716800.9", "text": posted.get("text", ""), "blocks": blocks},
        "response_url": response_url,
        "actions": [{**button, "block_id": "b1", "action_ts": "1751716801.1"}],
    }


def decoded(call: dict[str, Any]) -> dict[str, Any]:
    """A Web API call's arguments with `blocks` as a list, however the client sent them."""
    blocks = call.get("blocks")
    return {**call, "blocks": json.loads(blocks) if isinstance(blocks, str) else blocks or []}


def stored(core: Core) -> list[StrikeReport]:
    with core.db.reader() as session:
        return list(session.exec(select(StrikeReport).order_by(StrikeReport.id)))


async def grant(slack: SlackClient, user: str, role: str) -> None:
    _status, body = await slack.command("role", f"grant user={user} role={role}")
    assert not body["text"].startswith("⚠️"), body


async def test_the_shortcut_previews_the_message_and_confirm_stores_it_once(slack: SlackClient, core: Core) -> None:
    standin = slack.standin
    status, _ = await slack.interact(shortcut(response_url=standin.response_url("shortcut")))
    assert status == 200
    await standin.wait_for(lambda: standin.responses)
    [preview] = standin.responses
    assert preview["response_type"] == "ephemeral"
    assert standin.called("chat.getPermalink") == []  # the payload names the workspace: no extra round trip
    shown = texts(preview)
    assert "Night of 3–4 July 2025" in shown and f"Slack #general · {PERMALINK}" in shown
    assert stored(core) == []
    labels = [b["text"]["text"] for b in next(b for b in preview["blocks"] if b["type"] == "actions")["elements"]]
    assert labels == ["Confirm", "Edit", "Cancel"]
    status, _ = await slack.interact(press(preview, "Confirm", response_url=standin.response_url("confirm")))
    await standin.wait_for(lambda: len(standin.responses) == 2)
    confirmed = standin.responses[-1]
    assert confirmed["replace_original"] is True and "Logged Strike #1" in texts(confirmed)
    assert all(block["type"] != "actions" for block in confirmed["blocks"])  # the buttons are gone
    [strike] = stored(core)
    assert strike.source_key == "airforce:standin.slack.com/archives/c1:2025-07-04"
    assert strike.source == f"Slack #general · {PERMALINK}" and strike.reported_by == "slack:UADMIN"
    # The shortcut on the same message again, by another reporter: the same night from the same source.
    await grant(slack, "UREP", "reporter")
    await slack.interact(shortcut("UREP", response_url=standin.response_url("again")))
    await standin.wait_for(lambda: len(standin.responses) == 3)
    again = standin.responses[-1]
    assert "Already logged from this source for this night as strike #1" in texts(again)
    await slack.interact(press(again, "Confirm", user="UREP", response_url=standin.response_url("again2")))
    await standin.wait_for(lambda: len(standin.responses) == 4)
    assert "Already logged as strike #1" in texts(standin.responses[-1]) and len(stored(core)) == 1


async def test_slash_strike_with_a_pasted_report_answers_with_the_preview(slack: SlackClient, core: Core) -> None:
    status, body = await slack.command("strike", REPORT)
    assert status == 200 and body["response_type"] == "ephemeral"
    assert "539 launched" in texts(body) and "not stored yet" in texts(body)
    actions = next(block for block in body["blocks"] if block["type"] == "actions")["elements"]
    assert [element["action_id"] for element in actions] == [
        "cw|strike confirm|0",
        "cw|strike edit|1",
        "cw|strike cancel|2",
    ]
    _status, typed = await slack.command("strike", "at=now drones=3")  # typed arguments: logged as always
    assert typed["response_type"] == "in_channel" and "Logged Strike #1 · 3 drones" in texts(typed)
    _status, chatter = await slack.command("strike", "quiet night")
    assert "at= is required" in texts(chatter) and "refused too" in texts(chatter)
    assert "/callwatch strike at=TIME" in texts(chatter)  # the usage in Slack's spelling
    assert len(stored(core)) == 1


async def test_a_viewer_gets_the_refusal_and_someone_elses_press_is_refused(slack: SlackClient, core: Core) -> None:
    standin = slack.standin
    await slack.interact(shortcut("UVIEW", response_url=standin.response_url("viewer")))
    await standin.wait_for(lambda: standin.responses)
    assert "needs the reporter role" in texts(standin.responses[-1])
    await slack.interact(shortcut(response_url=standin.response_url("admin")))
    await standin.wait_for(lambda: len(standin.responses) == 2)
    preview = standin.responses[-1]
    await grant(slack, "UREP", "reporter")
    for user in ("UVIEW", "UREP"):
        await slack.interact(press(preview, "Confirm", user=user, response_url=standin.response_url(user)))
    await standin.wait_for(lambda: len(standin.responses) == 4)
    refusals = [texts(body) for body in standin.responses[2:]]
    assert "needs the reporter role" in refusals[0] and "belongs to" in refusals[1]
    assert all(body["replace_original"] is False for body in standin.responses[2:])  # the preview stays
    assert stored(core) == []


async def test_without_the_workspace_domain_slack_is_asked_for_the_link(slack: SlackClient, core: Core) -> None:
    standin = slack.standin
    await slack.interact({**shortcut(response_url=standin.response_url("a")), "team": {"id": "T1"}})
    await standin.wait_for(lambda: standin.responses)
    assert [call["channel"] for call in standin.called("chat.getPermalink")] == ["C1"]
    assert PERMALINK in texts(standin.responses[-1])  # the stand-in answers with the same link Slack would
    standin.fail_next("chat.getPermalink", status=200, error="channel_not_found")
    await slack.interact(
        {**shortcut(thread_ts="1751600000.000001", response_url=standin.response_url("b")), "team": {}}
    )
    await standin.wait_for(lambda: len(standin.responses) == 2)
    built = "https://app.slack.com/archives/C1/p1751609520000100?thread_ts=1751600000.000001&amp;cid=C1"
    assert built in texts(standin.responses[-1])


async def test_attachments_are_read_and_without_response_url_the_preview_is_ephemeral(
    slack: SlackClient, core: Core
) -> None:
    standin = slack.standin
    await slack.interact(shortcut(text="", attachments=[{"pretext": "Forwarded", "text": REPORT}]))
    await standin.wait_for(lambda: standin.called("chat.postEphemeral"))
    [ephemeral] = map(decoded, standin.called("chat.postEphemeral"))
    assert ephemeral["user"] == "UADMIN" and PERMALINK in texts(ephemeral) and "539 launched" in texts(ephemeral)


async def test_edit_opens_the_filled_in_form_and_its_submit_updates_the_preview(slack: SlackClient, core: Core) -> None:
    standin = slack.standin
    _status, preview = await slack.command("strike", REPORT)
    await slack.interact(press(preview, "Edit", response_url=standin.response_url("edit")))
    await standin.wait_for(lambda: standin.called("views.open"))
    [opened] = standin.called("views.open")
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert json.loads(view["private_metadata"]) == {"channel_id": "C1", "action": "edit 1"}
    inputs = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert inputs["drones"]["initial_value"] == "539" and inputs["at_time"]["initial_time"] == "18:00"
    values = {
        "at_date": {"value": {"type": "datepicker", "selected_date": inputs["at_date"]["initial_date"]}},
        "at_time": {"value": {"type": "timepicker", "selected_time": "18:00"}},
        "at_zone": {"value": {"type": "plain_text_input", "value": "Kyiv"}},
        "drones": {"value": {"type": "number_input", "value": "600"}},
        "missiles": {"value": {"type": "number_input", "value": "11"}},
        "weapons": {"value": {"type": "plain_text_input", "value": inputs["weapons"]["initial_value"]}},
    }
    status, body = await slack.interact(view_submission(opened, values))
    assert status == 200 and body is None  # accepted: the modal closes
    await standin.wait_for(lambda: standin.called("chat.postEphemeral"))
    [revised] = map(decoded, standin.called("chat.postEphemeral"))
    assert "(edited)" in texts(revised) and "600 drones, 11 missiles" in texts(revised)
    status, body = await slack.interact(view_submission(opened, {**values, "drones": values["missiles"]}, hash_="h2"))
    assert body["response_action"] == "errors" and "drones" in body["errors"]  # 11 < the 539 Shaheds listed
    assert stored(core) == []


async def test_a_malformed_shortcut_payload_is_refused_with_400(slack: SlackClient, core: Core) -> None:
    for broken in (
        {k: v for k, v in shortcut().items() if k != "message"},
        {**shortcut(), "message": {"text": REPORT}},  # no ts
        {**shortcut(), "channel": "C1"},
        {**shortcut(), "message": {"ts": TS, "text": REPORT, "attachments": "x"}},
    ):
        status, _ = await slack.interact(broken)
        assert status == 400
    assert stored(core) == []
