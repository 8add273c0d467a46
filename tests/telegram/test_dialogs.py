"""The guided dialog: a bare /contact or /strike asks its form's questions one by one (buttons for choices, a moment's
"Now / 1 hour ago / Type a time", Skip and Done for optional fields), then logs through the handler."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.core import Core
from storage.models import ContactReport, StrikeReport
from tests.telegram.conftest import ADMIN, RunningBot, running
from tests.telegram.standin import BotApiStandIn, Sent

NOTES = 'said "ceasefire" talks=maybe\nsecond line'  # quotes, '=' and a line break: the old dialog refused these


async def _question(standin: BotApiStandIn, count: int) -> Sent:
    return (await standin.wait_for(count))[-1]


def _stored(core: Core, model: type[ContactReport] | type[StrikeReport]) -> list:
    with core.db.reader() as session:
        return list(session.exec(select(model)).all())


async def test_contact_dialog_to_the_end(standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core) -> None:
    await standin.say(ADMIN, "/contact")
    when = await _question(standin, 1)
    assert "Log a contact" in when.text and "When did it happen" in when.text
    assert when.button_data == ["dialog|at|now", "dialog|at|1h ago", "dialog|at|\x00type"]
    await standin.press(ADMIN, when, "dialog|at|\x00type")
    assert "Type the time" in (await _question(standin, 2)).text
    await standin.say(ADMIN, "2025-07-05 09:30 UTC")
    parties = await _question(standin, 3)
    assert "Who took part" in parties.text and parties.button_data == []  # required: no Skip
    await standin.say(ADMIN, "Trump, Putin")
    kind = await _question(standin, 4)
    assert kind.button_data == [f"dialog|kind|{kind}" for kind in ("call", "meeting", "message", "envoy")]
    await standin.press(ADMIN, kind, "dialog|kind|meeting")
    assert (await standin.wait_for(5))[-1].text == "Kind: Meeting"  # the choice is echoed, then the next question
    confidence = await _question(standin, 6)
    await standin.press(ADMIN, confidence, "dialog|confidence|confirmed")
    source = await _question(standin, 8)
    assert source.button_data == ["dialog|source|\x00skip", "dialog|source|\x00done"]  # all required answered
    await standin.say(ADMIN, 'Reuters "exclusive"')
    duration = await _question(standin, 9)
    await standin.press(ADMIN, duration, "dialog|duration|\x00skip")
    notes = await _question(standin, 11)
    assert notes.button_data == ["dialog|notes|\x00skip"]  # the last question: nothing left for Done to skip
    await standin.say(ADMIN, NOTES)
    done = await _question(standin, 12)
    [contact] = _stored(telegram_core, ContactReport)
    assert (contact.kind, contact.parties, contact.confidence, contact.source, contact.notes) == (
        "meeting",
        "Trump, Putin",
        "confirmed",
        'Reuters "exclusive"',
        NOTES,
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
    drones = await _question(standin, 3)
    assert "How many drones" in drones.text
    await standin.say(ADMIN, "many")
    again = await _question(standin, 4)
    assert "not a count" in again.text and "How many drones" in again.text  # checked at once, not at the end
    await standin.say(ADMIN, "1,200")
    missiles = await _question(standin, 5)
    await standin.press(ADMIN, missiles, "dialog|missiles|\x00skip")
    weapons = await _question(standin, 7)
    assert "per model" in weapons.text
    await standin.press(ADMIN, weapons, "dialog|weapons|\x00done")
    await standin.wait_for(8)
    [strike] = _stored(telegram_core, StrikeReport)
    assert (strike.drones, strike.missiles, strike.region, strike.notes) == (1200, 0, None, None)
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
    await _question(standin, 3)
    await standin.say(ADMIN, "7")
    missiles = await _question(standin, 4)
    await standin.press(ADMIN, missiles, "dialog|missiles|\x00done")
    again = await _question(standin, 5)
    assert "future" in again.text and "When did the strike start" in again.text
    assert "dialog|at|\x00done" not in again.button_data  # only this answer is asked again
    assert _stored(telegram_core, StrikeReport) == []
    await standin.press(ADMIN, again, "dialog|at|now")
    await standin.wait_for(6)
    [strike] = _stored(telegram_core, StrikeReport)
    assert strike.drones == 7 and strike.started_at == telegram_core.ctx.now()


async def test_other_commands_leave_a_dialog_open(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(ADMIN, "/contact")
    when = await _question(standin, 1)
    await standin.say(ADMIN, "/help")
    assert "callwatch commands" in (await _question(standin, 2)).text
    await standin.press(ADMIN, when, "dialog|at|now")
    assert "Who took part" in (await _question(standin, 4)).text


async def test_a_bare_command_without_a_form_starts_no_dialog(standin: BotApiStandIn, telegram_core: Core) -> None:
    async with running(telegram_core, dialog_timeout=timedelta(seconds=30)) as bot:
        await standin.say(ADMIN, "/timeline")
        await standin.wait_for(1)
        await standin.wait_until_consumed()
        assert bot.application.job_queue is not None
        assert bot.application.job_queue.jobs() == ()  # no idle timer, so no "the dialog ended" message later


async def test_dialog_cancelled_stores_nothing(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(ADMIN, "/contact")
    when = await _question(standin, 1)
    await standin.press(ADMIN, when, "dialog|at|now")
    await _question(standin, 3)
    await standin.say(ADMIN, "/cancel")
    cancelled = await _question(standin, 4)
    assert "Cancelled" in cancelled.text
    await standin.say(ADMIN, "Trump, Putin")  # no dialog any more: plain text is ignored
    await standin.say(ADMIN, "/cancel")
    nothing = await _question(standin, 5)
    assert "nothing to cancel" in nothing.text
    assert _stored(telegram_core, ContactReport) == []


async def test_idle_dialog_ends_itself(standin: BotApiStandIn, telegram_core: Core) -> None:
    async with running(telegram_core, dialog_timeout=timedelta(seconds=0.3)):
        await standin.say(ADMIN, "/contact")
        await _question(standin, 1)
        ended = await _question(standin, 2)
        assert "ended after" in ended.text and "Nothing was stored" in ended.text
        await standin.say(ADMIN, "Trump, Putin")
        await standin.wait_until_consumed()
    assert len(standin.sent) == 2
