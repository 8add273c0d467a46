"""Only registered users get in; whatever anyone types is shown as typed, never as markup."""

from __future__ import annotations

from sqlmodel import select

from bot.core import Core
from storage.models import AuditEntry, ContactReport, PlatformCursor
from tests.telegram.conftest import ADMIN, GROUP, STRANGER, RunningBot
from tests.telegram.standin import BotApiStandIn


async def test_unknown_user_refused_once_and_nothing_stored(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(STRANGER, "/contact at=now parties=Trump,Putin")
    [refusal] = await standin.wait_for(1)
    await standin.say(STRANGER, "hello?")  # plain text: no second message
    await standin.wait_until_consumed()
    assert len(standin.sent) == 1
    assert refusal.chat_id == STRANGER
    assert str(STRANGER) in refusal.text and "admin" in refusal.text
    with telegram_core.db.reader() as session:
        assert session.exec(select(ContactReport)).all() == []
        assert session.exec(select(AuditEntry)).all() == []
        stored = session.exec(select(PlatformCursor.name)).all()
    assert all(name.endswith("last_update_id") for name in stored)  # only the update position moved


async def test_unknown_user_button_press_refused(standin: BotApiStandIn, telegram_bot: RunningBot) -> None:
    await standin.say(ADMIN, "/contact at=now parties=A,B")
    [logged] = await standin.wait_for(1)
    await standin.press(STRANGER, logged, "contact show|1")
    await standin.wait_until_consumed()
    [answer] = standin.callback_answers
    assert str(STRANGER) in answer["text"] and answer["show_alert"] == "true"
    assert len(standin.sent) == 1  # the message was not edited


async def test_registered_user_gets_in_after_grant(standin: BotApiStandIn, telegram_bot: RunningBot) -> None:
    await standin.say(ADMIN, f"/role grant user=telegram:{STRANGER} role=viewer")
    await standin.wait_for(1)
    await standin.say(STRANGER, "/help")
    [help_reply] = await standin.wait_for(1, chat_id=STRANGER)
    assert "/timeline" in help_reply.text


async def test_html_in_user_text_is_escaped(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(
        ADMIN,
        '/contact at=now parties="<b>Trump</b>,Putin" source="<a href=\'x\'>r</a>" <i>leaked</i> & @channel',
        chat_id=GROUP,
    )
    [reply] = await standin.wait_for(1)
    with telegram_core.db.reader() as session:
        [contact] = session.exec(select(ContactReport)).all()
    assert contact.notes == "<i>leaked</i> & @channel"  # stored as typed
    assert "&lt;b&gt;Trump&lt;/b&gt;" in reply.text
    assert "&lt;i&gt;leaked&lt;/i&gt; &amp; @channel" in reply.text
    assert "<a " not in reply.text and "<i>" not in reply.text
