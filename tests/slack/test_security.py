"""Requests Slack did not sign, or signed too long ago, are refused with 401 and change nothing."""

from __future__ import annotations

import time

import sqlalchemy

from bot.core import Core
from tests.helpers import row_counts
from tests.slack.conftest import SlackClient, command_body, signed_headers

LOG_CONTACT = "at=now parties=Trump,Putin"


async def assert_refused(slack: SlackClient, core: Core, headers: dict[str, str], body: str) -> None:
    before = row_counts(core)
    status, _answer = await slack.post(body, headers=headers)
    assert status == 401
    assert row_counts(core) == before
    assert [call.method for call in slack.standin.calls] == []  # not even auth.test: nothing ran


async def test_a_forged_signature_is_refused(slack: SlackClient, core: Core) -> None:
    body = command_body("contact", LOG_CONTACT)
    await assert_refused(slack, core, signed_headers(body, secret="not-our-secret"), body)


async def test_a_body_changed_after_signing_is_refused(slack: SlackClient, core: Core) -> None:
    headers = signed_headers(command_body("contact", "show 1"))
    await assert_refused(slack, core, headers, command_body("contact", LOG_CONTACT))


async def test_a_stale_timestamp_is_refused(slack: SlackClient, core: Core) -> None:
    body = command_body("contact", LOG_CONTACT)
    await assert_refused(slack, core, signed_headers(body, timestamp=int(time.time()) - 5 * 60 - 30), body)


async def test_missing_signature_headers_are_refused(slack: SlackClient, core: Core) -> None:
    body = command_body("contact", LOG_CONTACT)
    headers = signed_headers(body)
    for missing in ("X-Slack-Signature", "X-Slack-Request-Timestamp"):
        await assert_refused(slack, core, {k: v for k, v in headers.items() if k != missing}, body)
    await assert_refused(slack, core, {"Content-Type": "application/x-www-form-urlencoded"}, body)


async def test_a_malformed_timestamp_is_refused(slack: SlackClient, core: Core) -> None:
    body = command_body("contact", LOG_CONTACT)
    await assert_refused(slack, core, {**signed_headers(body), "X-Slack-Request-Timestamp": "soon"}, body)


async def test_a_correctly_signed_request_is_accepted(slack: SlackClient, core: Core) -> None:
    status, _ = await slack.command("contact", LOG_CONTACT)
    assert status == 200
    assert row_counts(core)["contact_report"] == 1


async def test_health_and_readiness(slack: SlackClient, core: Core) -> None:
    async with slack.session.get(f"{slack.url}/healthz") as response:
        assert response.status == 200
    async with slack.session.get(f"{slack.url}/readyz") as response:
        assert response.status == 200
    with core.db.engine.begin() as connection:  # as if a newer version had not migrated this database yet
        connection.execute(sqlalchemy.text("DELETE FROM alembic_version"))
    async with slack.session.get(f"{slack.url}/readyz") as response:
        assert response.status == 503
        assert await response.text() == "schema outdated"
