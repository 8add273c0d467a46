"""`SlackNotifier`, as the alert worker uses it, against the stand-in: posts, edits, and Slack's failures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.client import RATE_LIMIT_RETRIES
from bot.slack.notifier import SlackNotifier
from handlers.alerts.delivery import ChannelGoneError, RateLimitedError, TransientDeliveryError
from handlers.chat.reply import Button, Reply
from handlers.chat.settings import Settings
from tests.slack.conftest import TOKEN, free_port
from tests.slack.standin import StandinSlack

ALERT = Reply(title="Contact <!channel>", text="Trump & Putin", buttons=(Button("Acknowledge", "alerts ack", "3"),))


_made: list[SlackNotifier] = []


def notifier_for(standin: StandinSlack) -> SlackNotifier:
    """Built from settings, as the worker builds it: SLACK_API_URL points the client at the stand-in."""
    notifier = SlackNotifier(Settings(slack_bot_token=TOKEN, slack_api_url=standin.api_url))
    _made.append(notifier)
    return notifier


@pytest.fixture(autouse=True)
async def _close_notifiers() -> AsyncIterator[None]:
    """Each notifier built from settings owns an HTTP session; close it as the worker does on its way out."""
    yield
    while _made:
        await _made.pop().close()


async def test_post_and_update_render_escaped_block_kit(standin: StandinSlack) -> None:
    notifier = notifier_for(standin)
    ts = await notifier.post("C1", ALERT)
    await notifier.update("C1", ts, Reply(title="Acknowledged", text="by <@U1>"))
    [posted] = standin.called("chat.postMessage")
    assert posted["text"] == "Contact &lt;!channel&gt;"
    assert posted["blocks"][1]["text"]["text"] == "Trump &amp; Putin"
    assert posted["blocks"][2]["elements"][0]["action_id"] == "cw|alerts ack|0"
    [updated] = standin.called("chat.update")
    assert (updated["channel"], updated["ts"]) == ("C1", ts)
    assert updated["blocks"][1]["text"]["text"] == "by &lt;@U1&gt;"


async def test_the_worker_s_notifier_keeps_one_connection_for_all_its_posts(standin: StandinSlack) -> None:
    """A fan-out to many channels must not pay a TCP (and, against slack.com, TLS) handshake per post."""
    notifier = notifier_for(standin)
    for channel in ("C1", "C2", "C3", "C4"):
        await notifier.post(channel, ALERT)
    peers = {call.peer for call in standin.calls if call.method == "chat.postMessage"}
    session = notifier.client.session
    await notifier.close()
    assert len(standin.called("chat.postMessage")) == 4 and len(peers) == 1 and None not in peers
    assert session is not None and session.closed and notifier.client.session is None


async def test_the_app_s_own_client_is_left_as_it_was_given(standin: StandinSlack) -> None:
    """The bolt app's client is shared with the app: closing the notifier must not close (or replace) its session."""
    client = AsyncWebClient(token=TOKEN, base_url=standin.api_url)
    notifier = SlackNotifier(client)
    await notifier.post("C1", ALERT)
    await notifier.close()
    assert client.session is None and len(standin.called("chat.postMessage")) == 1


@pytest.mark.parametrize("code", ["channel_not_found", "is_archived", "not_in_channel", "account_inactive"])
async def test_a_gone_channel_is_reported_as_gone(standin: StandinSlack, code: str) -> None:
    standin.fail_next("chat.postMessage", status=200, error=code)
    with pytest.raises(ChannelGoneError, match=code):
        await notifier_for(standin).post("C1", ALERT)


async def test_a_rate_limit_is_waited_out_and_the_post_goes_through(standin: StandinSlack) -> None:
    standin.fail_next("chat.postMessage", times=2, retry_after=0)
    ts = await notifier_for(standin).post("C1", ALERT)
    assert ts and len(standin.called("chat.postMessage")) == 3


async def test_a_rate_limit_outlasting_the_retries_is_handed_to_the_worker(standin: StandinSlack) -> None:
    """More retries than slack_sdk's default of one; after them the worker reschedules (never drops) it."""
    assert RATE_LIMIT_RETRIES > 1
    standin.fail_next("chat.postMessage", times=RATE_LIMIT_RETRIES + 1, retry_after=0)
    with pytest.raises(RateLimitedError) as raised:
        await notifier_for(standin).post("C1", ALERT)
    assert raised.value.retry_after == 0
    assert len(standin.called("chat.postMessage")) == RATE_LIMIT_RETRIES + 1


async def test_server_errors_and_an_unreachable_slack_are_transient(standin: StandinSlack) -> None:
    standin.fail_next("chat.update", status=503, error="service_unavailable")
    with pytest.raises(TransientDeliveryError):
        await notifier_for(standin).update("C1", "1.2", ALERT)
    unreachable = SlackNotifier(AsyncWebClient(token=TOKEN, base_url=f"http://127.0.0.1:{free_port()}/api/"))
    with pytest.raises(TransientDeliveryError):
        await unreachable.post("C1", ALERT)
