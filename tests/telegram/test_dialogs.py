"""The guided dialog: bare /contact or /strike asks question by question, then logs through the handler."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.wiring import Core
from storage.models import ContactReport, StrikeReport
from tests.telegram.conftest import ADMIN, RunningBot, running
from tests.telegram.standin import BotApiStandIn, Sent


async def _question(standin: BotApiStandIn, count: int) -> Sent:
    return (await standin.wait_for(count))[-1]


async def test_contact_dialog_to_the_end(standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core) -> None:
    await standin.say(ADMIN, "/contact")
    kind = await _question(standin, 1)
    assert "What kind" in kind.text and "dialog|kind|meeting" in kind.button_data
    await standin.press(ADMIN, kind, "dialog|kind|meeting")
    parties = await _question(standin, 3)  # the choice is echoed, then the next question
    assert "Who took part" in parties.text
    await standin.say(ADMIN, "Trump, Putin")
    when = await _question(standin, 4)
    assert when.button_data == ["dialog|at|now", "dialog|at|1h ago", "dialog|at|\x00type"]
    await standin.press(ADMIN, when, "dialog|at|\x00type")
    await standin.wait_for(5)  # "Type the time…"
    await standin.say(ADMIN, "2025-07-05 09:30 UTC")
    confidence = await _question(standin, 6)
    await standin.press(ADMIN, confidence, "dialog|confidence|confirmed")
    await _question(standin, 8)  # source
    await standin.say(ADMIN, "Reuters")
    notes = await _question(standin, 9)
    await standin.press(ADMIN, notes, "dialog|notes|\x00skip")
    done = await _question(standin, 11)
    with telegram_core.db.reader() as session:
        [contact] = session.exec(select(ContactReport)).all()
    assert (contact.kind, contact.parties, contact.confidence, contact.source) == (
        "meeting",
        "Trump, Putin",
        "confirmed",
        "Reuters",
    )
    assert contact.occurred_at.isoformat() == "2025-07-05T09:30:00+00:00"
    assert f"#{contact.id}" in done.text
    assert len(standin.callback_answers) == 4  # every button press was answered


async def test_strike_dialog_with_quick_choices(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(ADMIN, "/strike")
    when = await _question(standin, 1)
    await standin.press(ADMIN, when, "dialog|at|1h ago")
    await _question(standin, 3)
    await standin.say(ADMIN, "42")
    missiles = await _question(standin, 4)
    await standin.press(ADMIN, missiles, "dialog|missiles|0")
    await _question(standin, 6)
    await standin.say(ADMIN, "Kharkiv")
    await _question(standin, 7)
    await standin.say(ADMIN, "skip-less source")
    await _question(standin, 8)
    await standin.say(ADMIN, "night attack")
    await standin.wait_for(9)
    with telegram_core.db.reader() as session:
        [strike] = session.exec(select(StrikeReport)).all()
    assert (strike.drones, strike.missiles, strike.region, strike.notes) == (42, 0, "Kharkiv", "night attack")
    assert strike.started_at == telegram_core.ctx.now() - timedelta(hours=1)


async def test_rejected_answer_is_asked_again(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    """The handler judges the answers; a time in the future sends the person back to that one question."""
    await standin.say(ADMIN, "/strike")
    when = await _question(standin, 1)
    await standin.press(ADMIN, when, "dialog|at|\x00type")
    await standin.wait_for(2)
    await standin.say(ADMIN, "2031-01-01 10:00 UTC")
    for count, answer in ((3, "1"), (4, "0"), (5, "Kyiv"), (6, "Reuters"), (7, "none")):
        await _question(standin, count)
        await standin.say(ADMIN, answer)
    again = await _question(standin, 8)
    assert "future" in again.text and "When did it happen" in again.text
    await standin.press(ADMIN, again, "dialog|at|now")
    await standin.wait_for(10)
    with telegram_core.db.reader() as session:
        assert len(session.exec(select(StrikeReport)).all()) == 1


async def test_dialog_cancelled_stores_nothing(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(ADMIN, "/contact")
    kind = await _question(standin, 1)
    await standin.press(ADMIN, kind, "dialog|kind|call")
    await _question(standin, 3)
    await standin.say(ADMIN, "/cancel")
    cancelled = await _question(standin, 4)
    assert "Cancelled" in cancelled.text
    await standin.say(ADMIN, "Trump, Putin")  # no dialog any more: plain text is ignored
    await standin.say(ADMIN, "/cancel")
    nothing = await _question(standin, 5)
    assert "nothing to cancel" in nothing.text
    with telegram_core.db.reader() as session:
        assert session.exec(select(ContactReport)).all() == []


async def test_idle_dialog_ends_itself(standin: BotApiStandIn, telegram_core: Core) -> None:
    async with running(telegram_core, dialog_timeout=timedelta(seconds=0.3)):
        await standin.say(ADMIN, "/contact")
        await _question(standin, 1)
        ended = await _question(standin, 2)
        assert "ended after" in ended.text and "Nothing was stored" in ended.text
        await standin.say(ADMIN, "Trump, Putin")
        await standin.wait_until_consumed()
    assert len(standin.sent) == 2
