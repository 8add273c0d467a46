"""Alert buttons: the worker posts an alert through `SlackNotifier`; a click on Acknowledge or Snooze runs
`/alerts ack|snooze` through the router and updates the alert in place."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select

from bot.alert_worker import AlertWorker
from bot.core import Core
from bot.slack.notifier import SlackNotifier
from storage.models import AlertPost
from tests.conftest import FrozenClock
from tests.slack.conftest import TOKEN, SlackClient
from tests.slack.test_commands import texts


def click(
    posted: dict[str, Any], ts: str, action_index: int, *, user: str = "UADMIN", ephemeral: bool = False
) -> dict[str, Any]:
    blocks = json.loads(posted["blocks"]) if isinstance(posted["blocks"], str) else posted["blocks"]
    buttons = next(block for block in blocks if block["type"] == "actions")["elements"]
    button = buttons[action_index]
    return {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user, "username": user.lower()},
        "api_app_id": "A1",
        "trigger_id": f"trigger.click.{ts}.{action_index}",
        "container": {"type": "message", "message_ts": ts, "channel_id": posted["channel"], "is_ephemeral": ephemeral},
        "channel": {"id": posted["channel"], "name": "general"},
        "message": {"type": "message", "ts": ts, "text": posted["text"], "blocks": blocks},
        "response_url": "",
        "actions": [{**button, "block_id": "b1", "action_ts": "1751716800.1"}],
    }


async def post_an_alert(slack: SlackClient, core: Core, clock: FrozenClock) -> tuple[dict[str, Any], str]:
    """Subscribe C1, log a contact, let the worker post its alert; returns the post and its ts."""
    _status, body = await slack.command("alerts", "subscribe")
    assert not body["text"].startswith("⚠️"), texts(body)
    _status, body = await slack.command("contact", "at=now parties=Trump,Putin <!channel>")
    assert body["response_type"] == "in_channel"
    notifier = SlackNotifier(AsyncWebClient(token=TOKEN, base_url=slack.standin.api_url))
    await AlertWorker(core.db, core.settings, {"slack": notifier}, clock=clock).run_once()
    [posted] = slack.standin.called("chat.postMessage")
    [answer] = slack.standin.answered("chat.postMessage")
    return posted, answer["ts"]


async def test_an_alert_carries_acknowledge_and_snooze_buttons(
    slack: SlackClient, core: Core, clock: FrozenClock
) -> None:
    posted, _ = await post_an_alert(slack, core, clock)
    assert posted["channel"] == "C1"
    buttons = next(block for block in posted["blocks"] if block["type"] == "actions")["elements"]
    assert next(button["text"]["text"] for button in buttons) == "Acknowledge"
    assert buttons[1]["text"]["text"].startswith("Snooze")
    assert "<!channel>" not in json.dumps(posted)


async def test_clicking_acknowledge_acknowledges_and_updates_the_alert(
    slack: SlackClient, core: Core, clock: FrozenClock
) -> None:
    posted, ts = await post_an_alert(slack, core, clock)
    status, _body = await slack.interact(click(posted, ts, 0))
    assert status == 200
    standin = slack.standin
    await standin.wait_for(lambda: standin.called("chat.update"))
    [update] = standin.called("chat.update")
    assert (update["channel"], update["ts"]) == ("C1", ts)
    assert all(block["type"] != "actions" for block in update["blocks"])  # cannot be clicked twice
    assert "acknowledged" in texts(update)
    with core.db.reader() as session:
        acked = [post for post in session.exec(select(AlertPost)) if post.acked_by]
    assert [post.acked_by for post in acked] == ["slack:UADMIN"]


async def test_clicking_snooze_snoozes(slack: SlackClient, core: Core, clock: FrozenClock) -> None:
    posted, ts = await post_an_alert(slack, core, clock)
    status, _ = await slack.interact(click(posted, ts, 1))
    assert status == 200
    standin = slack.standin
    await standin.wait_for(lambda: standin.called("chat.update"))
    assert "snooze" in texts(standin.called("chat.update")[0]).lower()


async def test_a_refused_click_is_told_to_the_clicker_only(slack: SlackClient, core: Core, clock: FrozenClock) -> None:
    posted, ts = await post_an_alert(slack, core, clock)
    payload = click(posted, ts, 0, user="UVIEWER")
    payload["response_url"] = slack.standin.response_url("click")
    status, _ = await slack.interact(payload)
    assert status == 200
    standin = slack.standin
    await standin.wait_for(lambda: standin.responses)
    [answer] = standin.responses
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    assert "needs the reporter role" in texts(answer)
    assert standin.called("chat.update") == []


async def test_a_click_on_an_ephemeral_message_replaces_it_through_response_url(
    slack: SlackClient, core: Core, clock: FrozenClock
) -> None:
    posted, ts = await post_an_alert(slack, core, clock)
    payload = click(posted, ts, 0, ephemeral=True)
    payload["response_url"] = slack.standin.response_url("click")
    await slack.interact(payload)
    standin = slack.standin
    await standin.wait_for(lambda: standin.responses)
    [answer] = standin.responses
    assert answer["replace_original"] is True
    assert "acknowledged" in texts(answer)
