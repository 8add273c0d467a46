"""A name Telegram sends is shown under the text rule: a right-to-left override or a control character in
someone's profile name cannot reorder or colour "Logged by"."""

from __future__ import annotations

from sqlmodel import select

from bot.core import Core
from storage.models import ContactReport
from tests.telegram.conftest import ADMIN, RunningBot
from tests.telegram.standin import BotApiStandIn


async def test_a_profile_name_is_cleaned_before_it_is_stored(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(ADMIN, "/contact at=now parties=Trump,Putin", name="Ann\u202e\x1b[31mevil\u200b")
    await standin.wait_for(1)
    with telegram_core.db.reader() as session:
        [contact] = session.exec(select(ContactReport)).all()
    assert contact.reporter_name is not None
    assert "\u202e" not in contact.reporter_name and "\x1b" not in contact.reporter_name
    assert contact.reporter_name.startswith("Ann") and "evil" in contact.reporter_name
