"""Flood control waited out, blocked chats marked inactive, upgraded groups keep their subscription."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlmodel import select

from bot.core import Core
from storage.models import ChannelSubscription
from tests.telegram.conftest import ADMIN, GROUP, RunningBot
from tests.telegram.standin import BotApiStandIn


def _subscribe(core: Core, chat_id: int) -> None:
    now = datetime(2025, 7, 5, tzinfo=UTC)
    with core.db.transaction() as session:
        session.add(
            ChannelSubscription(
                channel=f"telegram:{chat_id}",
                platform="telegram",
                channel_id=str(chat_id),
                subscribed_by=f"telegram:{ADMIN}",
                created_at=now,
                updated_at=now,
            )
        )


def _subscriptions(core: Core) -> list[tuple[str, bool]]:
    with core.db.reader() as session:
        rows = session.exec(select(ChannelSubscription).order_by(ChannelSubscription.id)).all()
    return [(row.channel, row.active) for row in rows]


async def test_retry_after_is_waited_out(standin: BotApiStandIn, telegram_bot: RunningBot) -> None:
    standin.too_many["sendMessage"] = [1]
    started = time.monotonic()
    await standin.say(ADMIN, "/help")
    [reply] = await standin.wait_for(1)
    assert time.monotonic() - started >= 1.0
    assert "/contact" in reply.text
    assert [call for call, _ in standin.calls].count("sendMessage") == 2  # refused once, then delivered


async def test_blocked_chat_marked_inactive(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    _subscribe(telegram_core, ADMIN)
    standin.blocked_chats.add(ADMIN)
    await standin.say(ADMIN, "/help")
    await standin.wait_until_consumed()
    assert _subscriptions(telegram_core) == [(f"telegram:{ADMIN}", False)]


async def test_group_upgraded_to_supergroup_keeps_subscription(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    _subscribe(telegram_core, GROUP)
    supergroup = -1001234
    await standin.push(
        {
            "message": {
                "message_id": 9,
                "date": 1751716800,
                "migrate_to_chat_id": supergroup,
                "from": {"id": ADMIN, "is_bot": False, "first_name": "Ann"},
                "chat": {"id": GROUP, "type": "group", "title": "ops"},
            }
        }
    )
    await standin.wait_until_consumed()
    assert _subscriptions(telegram_core) == [(f"telegram:{supergroup}", True)]


async def test_bot_removed_from_group_marks_it_inactive(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    _subscribe(telegram_core, GROUP)
    bot_user = {"id": 999, "is_bot": True, "first_name": "callwatch"}
    await standin.push(
        {
            "my_chat_member": {
                "chat": {"id": GROUP, "type": "group", "title": "ops"},
                "date": 1751716800,
                "from": {"id": 4004, "is_bot": False, "first_name": "Owner"},
                "old_chat_member": {"status": "member", "user": bot_user},
                "new_chat_member": {"status": "kicked", "user": bot_user, "until_date": 0},
            }
        }
    )
    await standin.wait_until_consumed()
    assert _subscriptions(telegram_core) == [(f"telegram:{GROUP}", False)]
