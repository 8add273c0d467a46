"""Slack is answered at the ack, not after bolt's 10 ms polling; what a listener does after its ack still happens.

The app runs with `process_before_response=True`, every listener wrapped by `bot.slack.ack_first.answer_at_ack`,
so the HTTP response (or the Socket Mode envelope ack) leaves the moment `ack()` is called. Held work after the
ack (here a chart upload made to wait on the test) must neither delay that response nor be lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import Core
from bot.slack.ack_first import answer_at_ack
from bot.slack.app import SlackListeners, build_slack_app
from tests.slack.conftest import SECRET, TOKEN, SlackClient, command_body
from tests.slack.standin import StandinSlack


def test_every_registered_listener_answers_at_its_ack(core: Core, standin: StandinSlack) -> None:
    app = build_slack_app(core, client=AsyncWebClient(token=TOKEN, base_url=standin.api_url), signing_secret=SECRET)
    assert app.process_before_response
    listeners = app._async_listeners
    assert len(listeners) >= len(core.router.commands) + 3  # commands, the umbrella, the form submit, buttons
    assert all(getattr(listener.ack_function, "_answers_at_ack", False) for listener in listeners)


async def test_the_response_leaves_at_the_ack_while_later_work_waits(
    slack: SlackClient, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, body = await slack.command("strike", "at=2025-07-04T01:00Z drones=120")
    assert status == 200 and "Logged" in json.dumps(body)
    release, uploads_started = asyncio.Event(), asyncio.Event()
    upload = SlackListeners._upload_image

    async def held_upload(self: SlackListeners, *args: Any) -> None:
        uploads_started.set()
        await release.wait()
        await upload(self, *args)

    monkeypatch.setattr(SlackListeners, "_upload_image", held_upload)
    status, body = await asyncio.wait_for(slack.command("timeline", "chart from=2025-07-01 to=2025-07-10"), 10)
    assert status == 200  # answered while the upload is held
    if "Working on" in json.dumps(body):  # the chart took longer than the test's ack budget: its reply follows
        await slack.standin.wait_for(lambda: slack.standin.responses, within=10)
        body = slack.standin.responses[0]
    assert "Daily drones and missiles" in json.dumps(body)
    await asyncio.wait_for(uploads_started.wait(), 5)
    assert not slack.standin.uploads
    release.set()
    await slack.standin.wait_for(lambda: slack.standin.uploads, within=10)
    assert slack.standin.uploads[0].startswith(b"\x89PNG")


async def test_a_failure_before_the_ack_reaches_bolt_and_one_after_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    acks: list[dict[str, Any]] = []

    async def ack(**options: Any) -> None:
        acks.append(options)

    async def fails_first(ack: Any) -> None:
        raise RuntimeError("before the ack")

    with pytest.raises(RuntimeError, match="before the ack"):
        await answer_at_ack(fails_first)(ack=ack)

    finished = asyncio.Event()

    async def fails_later(ack: Any) -> None:
        await ack(text="on its way")
        await asyncio.sleep(0)
        finished.set()
        raise RuntimeError("after the ack")

    with caplog.at_level(logging.ERROR, logger="callwatch.slack"):
        assert await answer_at_ack(fails_later)(ack=ack) is None
        await asyncio.wait_for(finished.wait(), 5)
        for _ in range(20):
            if "after the ack" in caplog.text:
                break
            await asyncio.sleep(0.01)
    assert acks == [{"text": "on its way"}]
    assert "failed after its ack" in caplog.text and "after the ack" in caplog.text


async def test_a_listener_that_finishes_without_acking_returns_its_result() -> None:
    async def quiet(ack: Any, body: dict[str, Any]) -> str:
        return body["answer"]

    async def never_called(**_options: Any) -> None:
        raise AssertionError("not acked")

    assert await answer_at_ack(quiet)(ack=never_called, body={"answer": "done"}) == "done"


async def test_socket_mode_gets_the_reply_in_its_envelope_ack(core: Core, standin: StandinSlack) -> None:
    """Socket Mode requests are not signed; bolt returns the ack's payload for the envelope."""
    app = build_slack_app(core, client=AsyncWebClient(token=TOKEN, base_url=standin.api_url), verify_requests=False)
    request = AsyncBoltRequest(body=command_body("help", response_url=standin.response_url()), mode="socket_mode")
    response = await app.async_dispatch(request)
    assert response.status == 200
    assert "callwatch commands" in response.body
