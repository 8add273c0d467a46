"""The installed command, `callwatch serve slack --http --port N`, as a real process over loopback HTTP.

Environment only, as an operator would run it: SLACK_API_URL points it at the stand-in Web API.
"""

from __future__ import annotations

import time

import pytest
from sqlmodel import select

from storage.database import Database
from storage.models import ContactReport
from tests.slack.conftest import SlackClient, command_body, signed_headers, view_submission
from tests.slack.test_commands import texts
from tests.slack.test_modals import contact_values, open_form

pytestmark = pytest.mark.slow


def stored_contacts(database_url: str) -> list[ContactReport]:
    database = Database(database_url)
    try:
        with database.reader() as session:
            return list(session.exec(select(ContactReport)))
    finally:
        database.dispose()


async def test_the_served_app_end_to_end(served_process: SlackClient, database_url: str) -> None:
    slack = served_process

    status, body = await slack.command("help")
    assert status == 200 and body["response_type"] == "ephemeral"
    assert "/callwatch contact" in texts(body)

    status, body = await slack.command("contact", 'at="2025-07-03 14:00 UTC" parties=Trump,Putin <!channel>')
    assert status == 200 and body["response_type"] == "in_channel"
    assert "&lt;!channel&gt;" in texts(body) and "<!channel>" not in texts(body)
    status, body = await slack.command("contact", "at=now parties=Trump,Putin kind=dance")
    assert body["response_type"] == "ephemeral" and "kind=dance" in texts(body)

    redelivered = command_body(
        "contact",
        'at="2025-07-04 09:00 UTC" parties=Xi,Putin',
        trigger_id="t.same",
        response_url=slack.standin.response_url(),
    )
    assert (await slack.post(redelivered))[0] == 200
    retry_headers = {**signed_headers(redelivered), "X-Slack-Retry-Num": "1"}
    assert (await slack.post(redelivered, headers=retry_headers))[0] == 200

    opened = await open_form(slack, "contact")
    status, body = await slack.interact(
        view_submission(opened, contact_values(duration={"value": {"type": "plain_text_input", "value": "forever"}}))
    )
    assert body["response_action"] == "errors" and "duration" in body["errors"]
    status, body = await slack.interact(view_submission(opened, contact_values()))
    assert status == 200 and body is None
    standin = slack.standin
    await standin.wait_for(lambda: standin.called("chat.postMessage"))
    assert standin.called("chat.postMessage")[0]["channel"] == "C1"

    stored = stored_contacts(database_url)
    assert sorted(contact.parties for contact in stored) == ["Trump, Putin", "Trump, Putin", "Xi, Putin"]
    assert "<!channel>" in [contact.notes for contact in stored]  # stored as typed, escaped only when shown


async def test_the_served_app_refuses_unsigned_and_stale_requests(
    served_process: SlackClient, database_url: str
) -> None:
    slack = served_process
    body = command_body("contact", "at=now parties=A,B")
    for headers in (
        signed_headers(body, secret="forged"),
        signed_headers(body, timestamp=int(time.time()) - 301),
        {"Content-Type": "application/x-www-form-urlencoded"},
    ):
        status, _ = await slack.post(body, headers=headers)
        assert status == 401
    assert stored_contacts(database_url) == []
    async with slack.session.get(f"{slack.url}/readyz") as response:
        assert response.status == 200
