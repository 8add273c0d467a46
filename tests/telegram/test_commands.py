"""Every command typed on Telegram reaches the router and comes back as an HTML reply in the same chat."""

from __future__ import annotations

from sqlmodel import select

from bot.core import Core
from storage.models import ContactReport, StrikeReport, UserRole
from tests.telegram.conftest import ADMIN, GROUP, RunningBot
from tests.telegram.standin import BOT_USERNAME, BotApiStandIn


async def test_help_and_start(standin: BotApiStandIn, telegram_bot: RunningBot) -> None:
    await standin.say(ADMIN, "/help")
    await standin.say(ADMIN, "/start")
    first, second = await standin.wait_for(2)
    assert first.chat_id == ADMIN and first.fields["parse_mode"] == "HTML"
    assert "/contact" in first.text and "/timeline" in first.text
    assert second.text == first.text  # /start, which Telegram clients send first, shows the help


async def test_contact_log_show_retract(standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core) -> None:
    await standin.say(ADMIN, "/contact at=now parties=Trump,Putin kind=call confidence=confirmed")
    [logged] = await standin.wait_for(1)
    with telegram_core.db.reader() as session:
        [contact] = session.exec(select(ContactReport)).all()
    assert contact.parties == "Trump, Putin" and contact.reported_by == f"telegram:{ADMIN}"
    assert f"#{contact.id}" in logged.text
    await standin.say(ADMIN, f"/contact show {contact.id}")
    await standin.say(ADMIN, f'/contact retract {contact.id} reason="wrong day"')
    _, shown, retracted = await standin.wait_for(3)
    assert "Trump" in shown.text and "Putin" in shown.text
    with telegram_core.db.reader() as session:
        assert session.get(ContactReport, contact.id).retracted_at is not None  # type: ignore[union-attr]
    assert "retract" in retracted.text.lower()


async def test_strike_logged(standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core) -> None:
    await standin.say(ADMIN, '/strike at=now drones=120 missiles=6 region=Kyiv weapons="Shahed-136:120"')
    [reply] = await standin.wait_for(1)
    with telegram_core.db.reader() as session:
        [strike] = session.exec(select(StrikeReport)).all()
    assert (strike.drones, strike.missiles, strike.region) == (120, 6, "Kyiv")
    assert f"#{strike.id}" in reply.text


async def test_timeline(standin: BotApiStandIn, telegram_bot: RunningBot) -> None:
    await standin.say(ADMIN, "/contact at=now parties=Trump,Putin")
    await standin.wait_for(1)
    await standin.say(ADMIN, "/timeline kind=contact")
    _, timeline = await standin.wait_for(2)
    assert "Trump" in timeline.text


async def test_role_grant_and_list(standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core) -> None:
    await standin.say(ADMIN, "/role grant user=telegram:3003 role=reporter")
    await standin.say(ADMIN, "/role list")
    _, listing = await standin.wait_for(2)
    with telegram_core.db.reader() as session:
        [row] = session.exec(select(UserRole)).all()
    assert (row.user, row.role) == ("telegram:3003", "reporter")
    assert "telegram:3003" in listing.text


async def test_unknown_command_and_errors_answered(standin: BotApiStandIn, telegram_bot: RunningBot) -> None:
    await standin.say(ADMIN, "/frobnicate")
    await standin.say(ADMIN, "/contact at=tomorrowish parties=A,B")
    unknown, bad = await standin.wait_for(2)
    assert "Unknown command /frobnicate" in unknown.text
    assert "at=" in bad.text  # the handler's own, specific complaint


async def test_group_commands_for_us_answered_and_for_other_bots_ignored(
    standin: BotApiStandIn, telegram_bot: RunningBot
) -> None:
    await standin.say(ADMIN, "/timeline@otherbot", chat_id=GROUP)
    await standin.say(ADMIN, f"/help@{BOT_USERNAME}", chat_id=GROUP)
    [reply] = await standin.wait_for(1)
    await standin.wait_until_consumed()
    assert reply.chat_id == GROUP and "/contact" in reply.text
    assert len(standin.sent) == 1  # nothing answered /timeline@otherbot
    assert "reply_parameters" in reply.fields  # in a group the reply quotes the command it answers
