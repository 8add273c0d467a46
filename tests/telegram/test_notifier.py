"""`TelegramNotifier`, as the alert worker uses it: no polling, Telegram's refusals as our neutral errors."""

from __future__ import annotations

import pytest

from bot.telegram.notifier import TelegramNotifier, telegram_notifier
from handlers.alerts.delivery import ChannelGoneError, RateLimitedError
from handlers.chat.reply import Button, Image, Reply
from handlers.chat.settings import Settings
from tests.telegram.conftest import GROUP
from tests.telegram.standin import BotApiStandIn

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_post_and_update_with_buttons(standin: BotApiStandIn, telegram_settings: Settings) -> None:
    alert = Reply(
        title="Readiness",
        text="Contact #1 <call>",
        buttons=(Button("Acknowledge", "alerts ack", "17"), Button("Snooze 2h", "alerts snooze", "17 2h")),
    )
    async with telegram_notifier(telegram_settings) as notifier:
        ref = await notifier.post(str(GROUP), alert)
        await notifier.update(str(GROUP), ref, Reply(text="Acknowledged by Ann"))
    posted, edited = standin.sent
    assert posted.text == "<b>Readiness</b>\n\nContact #1 &lt;call&gt;"
    assert posted.button_data == ["alerts ack|17", "alerts snooze|17 2h"]
    assert (edited.method, edited.message_id, edited.text) == ("editMessageText", int(ref), "Acknowledged by Ann")
    assert [call for call, _ in standin.calls if call != "getMe"] == ["sendMessage", "editMessageText"]


async def test_picture_sent_as_photo(standin: BotApiStandIn, telegram_settings: Settings) -> None:
    async with telegram_notifier(telegram_settings) as notifier:
        await notifier.post(str(GROUP), Reply(text="Strikes by day", image=Image(PNG, "timeline.png", "Timeline <1>")))
    photo, text = standin.sent
    assert photo.method == "sendPhoto" and photo.fields["photo"] == PNG
    assert photo.fields["caption"] == "Timeline &lt;1&gt;"
    assert text.text == "Strikes by day"


async def test_blocked_chat_is_gone(standin: BotApiStandIn, telegram_settings: Settings) -> None:
    standin.blocked_chats.add(GROUP)
    notifier = TelegramNotifier(telegram_settings)
    with pytest.raises(ChannelGoneError):
        await notifier.post(str(GROUP), Reply(text="hello"))
    await notifier.close()


async def test_flood_control_beyond_retries_is_rate_limited(
    standin: BotApiStandIn, telegram_settings: Settings
) -> None:
    from bot.telegram.notifier import notifier_bot

    standin.too_many["sendMessage"] = [1, 7]
    notifier = TelegramNotifier(notifier_bot(telegram_settings, max_retries=1))
    with pytest.raises(RateLimitedError) as raised:
        await notifier.post(str(GROUP), Reply(text="hello"))
    assert raised.value.retry_after == 7
    await notifier.close()
