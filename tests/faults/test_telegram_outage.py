"""Telegram keeps going through a database outage and a misbehaving Bot API, without a restart.

Polling: while the database is away, updates stay unconfirmed (Telegram keeps them) and nothing is answered;
once it is back, each is handled exactly once. Webhook: 503 while the database is away (Telegram redelivers),
then each update handled once. The Bot API answering 500, 429 or nothing is waited out the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator

import aiohttp
import pytest
from aiohttp import web

from bot.core import Core
from bot.telegram.app import build_application
from bot.telegram.offsets import OffsetPoller, UpdateLedger
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_app
from bot.wiring import build_core
from handlers.chat.settings import Settings
from tests.conftest import FrozenClock
from tests.faults.conftest import stored_contacts
from tests.faults.proxy import BreakableProxy
from tests.faults.standins import FaultyBotApi
from tests.telegram.standin import TOKEN

pytestmark = pytest.mark.postgres

ADMIN = 1001
WEBHOOK_SECRET = "outage-webhook-secret"


@pytest.fixture
async def bot_api() -> AsyncIterator[FaultyBotApi]:
    server = FaultyBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def core(proxied_postgres_url: str, bot_api: FaultyBotApi, clock: FrozenClock) -> Iterator[Core]:
    settings = Settings(
        database_url=proxied_postgres_url,
        admins=f"telegram:{ADMIN}",
        tz="UTC",
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.base_url,
        telegram_webhook_secret=WEBHOOK_SECRET,
    )
    built = build_core(settings, clock=clock)
    yield built
    built.close()


class Polling:
    """The adapter's poller as `callwatch serve telegram` runs it, with short pauses so the test stays quick."""

    def __init__(self, core: Core) -> None:
        self.application = build_application(core)
        self.core = core
        self.poller: OffsetPoller | None = None
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Polling:
        await self.application.initialize()
        await self.application.start()
        self.ledger = UpdateLedger(self.core, self.application.bot.id)
        self.poller = OffsetPoller(
            self.application, self.ledger, poll_timeout=0.2, retry_pause=0.05, max_outage_pause=0.2
        )
        self.task = asyncio.create_task(self.poller.run())
        return self

    async def __aexit__(self, *_exc: object) -> None:
        assert self.poller is not None and self.task is not None
        await self.poller.close(self.task)
        await self.application.stop()
        await self.application.shutdown()
        self.ledger.close()

    def alive(self) -> bool:
        assert self.task is not None
        return not self.task.done()


async def until(condition: Callable[[], bool], within: float = 15) -> None:
    """Wait for a condition that other tasks make true: the poller's count of failed database checks has no
    event to wait on, so it is looked at every 20 ms (a deadline, not a timed assertion)."""
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def contact(n: int) -> str:
    return f"/contact at=now parties=Leader{n},Other{n}"


async def test_polling_waits_out_an_outage_and_handles_each_update_once(
    core: Core, bot_api: FaultyBotApi, db_proxy: BreakableProxy, direct_url: str
) -> None:
    async with Polling(core) as polling:
        await bot_api.say(ADMIN, contact(0))
        await bot_api.wait_for(1)
        await bot_api.wait_until_consumed()  # its position is stored: the outage starts between updates
        db_proxy.cut()
        waiting = [await bot_api.say(ADMIN, contact(n)) for n in (1, 2, 3)]
        confirmed = bot_api.confirmed_offset
        assert polling.poller is not None
        await until(lambda: polling.poller is not None and polling.poller.failed_checks >= 3)
        # Several polls later: nothing answered, nothing stored, nothing confirmed, and the poller still runs.
        assert len(bot_api.sent) == 1
        assert {update["update_id"] for update in bot_api.updates} == set(waiting)
        assert bot_api.confirmed_offset == confirmed < waiting[0] + 1
        assert len(stored_contacts(direct_url)) == 1
        assert polling.alive()

        db_proxy.restore()
        await bot_api.wait_until_consumed(within=15)
        await bot_api.wait_for(4)
        assert polling.alive()
    contacts = stored_contacts(direct_url)
    assert [row.parties for row in contacts] == [f"Leader{n}, Other{n}" for n in range(4)]
    assert [row.request_key for row in contacts[1:]] == [f"telegram:999:{update_id}" for update_id in waiting]
    replies = [sent.text for sent in bot_api.sent]
    assert len(replies) == 4 and all(f"#{row.id}" in reply for row, reply in zip(contacts, replies, strict=True))


async def test_polling_survives_a_cut_in_the_middle_of_an_update(
    core: Core, bot_api: FaultyBotApi, db_proxy: BreakableProxy, direct_url: str
) -> None:
    """The report is committed, then the database goes before the position is stored: the update comes again
    after the outage and is answered from the stored report, which exists once."""
    bot_api.held["sendMessage"] = held = asyncio.Event()
    bot_api.entered["sendMessage"] = entered = asyncio.Event()
    async with Polling(core) as polling:
        update_id = await bot_api.say(ADMIN, contact(7))
        await asyncio.wait_for(entered.wait(), 10)  # the report is stored; its reply is on the way
        db_proxy.cut()
        del bot_api.held["sendMessage"]
        held.set()
        await until(lambda: polling.poller is not None and polling.poller.failed_checks >= 2)
        assert polling.alive()
        assert [update["update_id"] for update in bot_api.updates] == [update_id]  # not confirmed
        db_proxy.restore()
        await bot_api.wait_until_consumed(within=15)
        await bot_api.wait_for(2)
    [stored] = stored_contacts(direct_url)
    assert stored.request_key == f"telegram:999:{update_id}"
    first, again = (sent.text for sent in bot_api.sent)
    assert f"#{stored.id}" in first and f"Already logged as contact #{stored.id}" in again


async def test_polling_starts_while_the_database_is_away(
    core: Core, bot_api: FaultyBotApi, db_proxy: BreakableProxy, direct_url: str
) -> None:
    db_proxy.cut()
    update_id = await bot_api.say(ADMIN, contact(1))
    async with Polling(core) as polling:
        await until(lambda: polling.poller is not None and polling.poller.failed_checks >= 2)
        assert polling.alive() and bot_api.sent == []
        db_proxy.restore()
        await bot_api.wait_until_consumed(within=15)
        await bot_api.wait_for(1)
    assert [row.request_key for row in stored_contacts(direct_url)] == [f"telegram:999:{update_id}"]


async def test_polling_rides_out_a_misbehaving_bot_api(core: Core, bot_api: FaultyBotApi, direct_url: str) -> None:
    """getUpdates answering 500, 429 and nothing; replies answered 500, 429 and nothing: all waited out."""
    bot_api.fail("getUpdates", "500", "drop", "429", "500")
    bot_api.fail("sendMessage", "500", "429", "drop")
    async with Polling(core) as polling:
        ids = [await bot_api.say(ADMIN, contact(n)) for n in range(3)]
        await bot_api.wait_until_consumed(within=30)
        await bot_api.wait_for(3, within=30)
        assert polling.alive()
    assert [row.request_key for row in stored_contacts(direct_url)] == [f"telegram:999:{i}" for i in ids]
    assert len(bot_api.sent) == 3  # a failed send was retried, not repeated: one reply each
    assert len(bot_api.faults_served) == 7


@contextlib.asynccontextmanager
async def webhook(core: Core) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    application = build_application(core)
    await application.initialize()
    await application.start()
    ledger = UpdateLedger(core, application.bot.id)
    await ledger.load()
    runner = web.AppRunner(webhook_app(application, ledger, WEBHOOK_SECRET, core.db), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as session:
            yield f"http://127.0.0.1:{port}{WEBHOOK_PATH}", session
    finally:
        await runner.cleanup()
        await application.stop()
        await application.shutdown()
        ledger.close()


async def deliver(url: str, session: aiohttp.ClientSession, update: dict[str, object]) -> int:
    async with session.post(url, json=update, headers={SECRET_HEADER: WEBHOOK_SECRET}) as response:
        return response.status


async def test_webhook_answers_503_during_an_outage_and_handles_each_update_once_after(
    core: Core, bot_api: FaultyBotApi, db_proxy: BreakableProxy, direct_url: str
) -> None:
    async with webhook(core) as (url, session):
        updates = []
        for n in range(3):
            await bot_api.say(ADMIN, contact(n))
            updates.append(bot_api.updates.pop())  # delivered by us, as Telegram's webhook would
        assert await deliver(url, session, updates[0]) == 200
        db_proxy.cut()
        for update in updates[1:]:
            for _ in range(3):  # Telegram retries a failed delivery
                assert await deliver(url, session, update) == 503
        assert len(bot_api.sent) == 1  # nobody was answered "something went wrong"
        db_proxy.restore()
        for update in updates[1:]:
            assert await deliver(url, session, update) == 200
        assert await deliver(url, session, updates[2]) == 200  # one more redelivery: skipped, not repeated
    assert len(stored_contacts(direct_url)) == 3
    assert len(bot_api.sent) == 3


async def test_webhook_replies_ride_out_a_misbehaving_bot_api(
    core: Core, bot_api: FaultyBotApi, direct_url: str
) -> None:
    bot_api.fail("sendMessage", "500", "drop", "429")
    async with webhook(core) as (url, session):
        await bot_api.say(ADMIN, contact(1))
        assert await deliver(url, session, bot_api.updates.pop()) == 200
    assert len(stored_contacts(direct_url)) == 1
    assert len(bot_api.sent) == 1 and [fault for _, fault in bot_api.faults_served] == ["500", "drop", "429"]
