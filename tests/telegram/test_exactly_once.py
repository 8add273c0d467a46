"""A crash mid-stream and a restart: every update handled once — none skipped, none repeated."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.core import Core
from storage.models import ContactReport
from tests.telegram.conftest import ADMIN, RunningBot, running
from tests.telegram.standin import BotApiStandIn


async def test_restart_mid_stream_handles_each_update_once(standin: BotApiStandIn, telegram_core: Core) -> None:
    ids = [await standin.say(ADMIN, f"/contact at=now parties=Leader{n},Other{n}") for n in range(5)]
    standin.held["sendMessage"] = asyncio.Event()
    standin.entered["sendMessage"] = entered = asyncio.Event()

    first = RunningBot(telegram_core)
    await first.start()
    for _ in range(3):  # let two replies through; the third update's reply hangs in flight
        await asyncio.wait_for(entered.wait(), 5)
        entered.clear()
        if len([call for call in standin.calls if call[0] == "sendMessage"]) < 3:
            standin.held["sendMessage"].set()
            standin.held["sendMessage"] = asyncio.Event()
    # The third contact is committed, its reply not yet sent, its update not recorded: now the process dies.
    with telegram_core.db.reader() as session:
        assert len(session.exec(select(ContactReport)).all()) == 3
    await first.crash()
    hung = standin.held.pop("sendMessage")
    held = {update["update_id"] for update in standin.updates}
    assert held >= set(ids[2:])  # Telegram still holds everything from the third update on

    async with running(telegram_core):
        await standin.wait_until_consumed()
    with telegram_core.db.reader() as session:
        contacts = session.exec(select(ContactReport).order_by(ContactReport.id)).all()
    assert [contact.parties for contact in contacts] == [f"Leader{n}, Other{n}" for n in range(5)]
    keys = [contact.request_key for contact in contacts]
    assert keys == [f"telegram:999:{update_id}" for update_id in ids]
    replied = [sent.text for sent in standin.sent]
    assert all(any(f"#{contact.id}" in text for text in replied) for contact in contacts)  # all answered
    assert "#3" in replied[2]  # the redelivered update was answered from its stored report
    hung.set()  # let the crashed process's request end, so the stand-in can shut down


async def test_restart_after_clean_stop_repeats_nothing(standin: BotApiStandIn, telegram_core: Core) -> None:
    async with running(telegram_core):
        await standin.say(ADMIN, "/contact at=now parties=A,B")
        await standin.wait_for(1)
    standin.confirmed_offset = 0
    # A Telegram that forgot our confirmation redelivers the update; the stored position skips it.
    standin.updates = [
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 1751716800,
                "text": "/contact at=now parties=A,B",
                "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
                "from": {"id": ADMIN, "is_bot": False, "first_name": "Ann"},
                "chat": {"id": ADMIN, "type": "private", "first_name": "Ann"},
            },
        }
    ]
    async with running(telegram_core):
        await standin.say(ADMIN, "/help")
        await standin.wait_for(2)
    with telegram_core.db.reader() as session:
        assert len(session.exec(select(ContactReport)).all()) == 1
    assert len(standin.sent) == 2
