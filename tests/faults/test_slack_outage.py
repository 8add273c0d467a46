"""The Slack HTTP adapter through a database outage: a clear error and 503 on /readyz during it, normal after,
no restart; and nothing half-stored."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import Core
from bot.slack.app import build_slack_app
from bot.slack.web import build_web_app
from bot.wiring import build_core
from handlers.chat.settings import Settings
from tests.conftest import FrozenClock
from tests.faults.conftest import stored_contacts
from tests.faults.proxy import BreakableProxy
from tests.slack.conftest import SECRET, TOKEN, SlackClient
from tests.slack.standin import StandinSlack
from tests.slack.test_commands import texts

pytestmark = pytest.mark.postgres


@pytest.fixture
def core(proxied_postgres_url: str, clock: FrozenClock) -> Iterator[Core]:
    built = build_core(Settings(database_url=proxied_postgres_url, admins="slack:UADMIN", tz="UTC"), clock=clock)
    yield built
    built.close()


@pytest.fixture
async def slack(core: Core) -> AsyncIterator[SlackClient]:
    standin = await StandinSlack().start()
    bolt = build_slack_app(
        core, client=AsyncWebClient(token=TOKEN, base_url=standin.api_url), signing_secret=SECRET, ack_budget=5
    )
    runner = web.AppRunner(build_web_app(core, bolt), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as session:
        yield SlackClient(f"http://127.0.0.1:{port}", session, standin)
    await runner.cleanup()
    await standin.stop()


async def ready(slack: SlackClient) -> tuple[int, str]:
    async with slack.session.get(f"{slack.url}/readyz") as response:
        return response.status, await response.text()


async def test_commands_fail_clearly_during_an_outage_and_work_after_it(
    slack: SlackClient, db_proxy: BreakableProxy, direct_url: str
) -> None:
    status, body = await slack.command("contact", "at=now parties=Trump,Putin")
    assert status == 200 and "Logged" in texts(body)
    assert (await ready(slack))[0] == 200

    db_proxy.cut()
    assert (await ready(slack))[0] == 503
    for text in ("at=now parties=Xi,Putin", "show 1"):  # each needs the database: a clear error in the chat
        status, body = await slack.command("contact", text)
        assert status == 200 and "The database is not answering right now, so nothing was changed" in texts(body)
        assert "Something went wrong" not in texts(body), (text, status, body)
    for text in ("", "help"):  # the form and the usage do not: they still work
        status, _body = await slack.command("contact", text)
        assert status == 200
    assert len(stored_contacts(direct_url)) == 1

    db_proxy.restore()
    assert (await ready(slack))[0] == 200
    status, body = await slack.command("contact", "at=now parties=Xi,Putin")
    assert status == 200 and "Logged" in texts(body)
    status, body = await slack.command("contact", "show 1")
    assert status == 200 and "Trump, Putin" in texts(body)
    assert [row.parties for row in stored_contacts(direct_url)] == ["Trump, Putin", "Xi, Putin"]
