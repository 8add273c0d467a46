"""A button under a posted message runs its command as the person who pressed it; the message shows the result."""

from __future__ import annotations

from sqlmodel import select

from bot.core import Core
from bot.telegram.notifier import TelegramNotifier
from handlers.chat.reply import Button, Reply
from storage.models import ContactReport
from tests.telegram.conftest import ADMIN, GROUP, RunningBot
from tests.telegram.standin import BotApiStandIn


async def test_button_press_routes_edits_and_answers(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(ADMIN, "/contact at=now parties=Trump,Putin")
    await standin.wait_for(1)
    with telegram_core.db.reader() as session:
        [contact] = session.exec(select(ContactReport)).all()
    notifier = TelegramNotifier(telegram_bot.application.bot)
    alert = Reply(
        title="Readiness: Trump–Putin call",
        text="Window open <72h>",
        buttons=(
            Button("Retract", "contact retract", f"{contact.id} reason=test"),
            Button("Show", "contact show", str(contact.id)),
        ),
    )
    await notifier.post(str(GROUP), alert)
    posted = (await standin.wait_for(2))[-1]
    assert posted.button_data == [f"contact retract|{contact.id} reason=test", f"contact show|{contact.id}"]
    assert "Window open &lt;72h&gt;" in posted.text
    await standin.press(ADMIN, posted, posted.button_data[0])
    edited = (await standin.wait_for(3))[-1]
    assert edited.method == "editMessageText" and edited.message_id == posted.message_id
    assert "retract" in edited.text.lower() and "Readiness" in edited.text
    [answer] = standin.callback_answers
    assert "retract" in answer["text"].lower()
    with telegram_core.db.reader() as session:
        assert session.get(ContactReport, contact.id).retracted_by == f"telegram:{ADMIN}"  # type: ignore[union-attr]


async def test_acknowledge_button_on_an_alert(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    """The alert engine's own buttons, pressed in a group: the alert is acknowledged by the presser."""
    from handlers.alerts.messages import _actions
    from storage.models import AlertPost

    await standin.say(ADMIN, "/alerts subscribe", chat_id=GROUP)
    await standin.say(ADMIN, "/contact at=now parties=Trump,Putin", chat_id=GROUP)
    await standin.wait_for(2)
    with telegram_core.db.reader() as session:
        alert = session.exec(
            select(AlertPost).where(AlertPost.channel == f"telegram:{GROUP}").order_by(AlertPost.due_at)
        ).first()
    assert alert is not None
    notifier = TelegramNotifier(telegram_bot.application.bot)
    await notifier.post(
        str(GROUP),
        Reply(title="Readiness: contact #1", text="Window open", buttons=_actions(alert, acknowledged=False)),
    )
    posted = (await standin.wait_for(3))[-1]
    assert [button["text"] for row in posted.keyboard for button in row][:2] == ["Acknowledge", "Snooze 2h"]
    await standin.press(ADMIN, posted, posted.button_data[0])
    edited = (await standin.wait_for(4))[-1]
    assert edited.method == "editMessageText" and "acknowledged" in edited.text.lower()
    assert "Acknowledge" not in str(edited.keyboard)
    with telegram_core.db.reader() as session:
        acked = session.exec(select(AlertPost).where(AlertPost.acked_by.is_not(None))).all()  # type: ignore[union-attr]
    assert [row.acked_by for row in acked] == [f"telegram:{ADMIN}"]
