"""No wording and no forged button lets a stranger or a viewer store anything through the real Telegram adapter.

Telegram is open to the world. A stranger's commands are refused at the door; a viewer's reach the router, which
checks the action the command itself chose. Forged `callback_data` (a button press the bot never offered) takes the
same road. Each example sends the update through the Bot API stand-in and waits until the bot has consumed it.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Core
from handlers.registry import all_commands
from tests.chat.test_authorization import WORDING
from tests.helpers import row_counts
from tests.telegram.conftest import ADMIN, STRANGER, RunningBot
from tests.telegram.standin import BotApiStandIn, Sent

VIEWER = 3003
COMMANDS = [command.name for command in all_commands()]
ACTION_WORDS = sorted({word for command in all_commands() for word in command.action_words} | {"", "log", "grant"})
CALLBACK = st.builds(
    lambda command, word, value: f"{command} {word}|{value}".replace("  ", " "),
    st.sampled_from([*COMMANDS, "dialog", "start"]),
    st.sampled_from(ACTION_WORDS),
    WORDING,
)


async def _make_viewer(standin: BotApiStandIn, core: Core) -> None:
    await standin.say(ADMIN, f"/role grant user=telegram:{VIEWER} role=viewer")
    await standin.wait_until_consumed()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from([*COMMANDS, "start", "cancel"]), text=WORDING, user=st.sampled_from([STRANGER, VIEWER]))
async def test_no_command_text_from_a_stranger_or_viewer_stores_anything(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core, command: str, text: str, user: int
) -> None:
    await _make_viewer(standin, telegram_core)
    before = row_counts(telegram_core)
    await standin.say(user, f"/{command} {text}")
    await standin.wait_until_consumed()
    after = row_counts(telegram_core)
    assert after == before, (user, command, text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=CALLBACK, user=st.sampled_from([STRANGER, VIEWER]))
async def test_forged_callback_data_from_a_stranger_or_viewer_stores_nothing(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core, data: str, user: int
) -> None:
    await _make_viewer(standin, telegram_core)
    before = row_counts(telegram_core)
    message = Sent(method="sendMessage", chat_id=user, message_id=77, fields={"text": "an alert"})
    await standin.press(user, message, data[:64])
    await standin.wait_until_consumed()
    assert row_counts(telegram_core) == before, (user, data)


async def test_the_same_forged_button_does_act_for_an_admin(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    """Calibration: a press the admin makes with the same kind of data does reach a writing handler."""
    before = row_counts(telegram_core)
    message = Sent(method="sendMessage", chat_id=ADMIN, message_id=77, fields={"text": "an alert"})
    await standin.press(ADMIN, message, "alerts subscribe|tz=Kyiv")
    await standin.wait_until_consumed()
    after = row_counts(telegram_core)
    assert after["channel_subscription"] == before["channel_subscription"] + 1
