"""A forwarded Air Force channel post (or pasted text) sent to the bot on Telegram becomes a preview with Confirm /
Edit / Cancel, end to end: the real PTB application polling the stand-in Bot API, SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from bot.core import Core
from storage.models import StrikeDraft, StrikeReport
from tests.strikes.test_from_report import REPORT, UNDATED
from tests.telegram.conftest import ADMIN, GROUP, STRANGER, RunningBot
from tests.telegram.standin import BOT_ID, BOT_USERNAME, BotApiStandIn, Sent

POSTED = int(datetime(2025, 7, 4, 6, 12, tzinfo=UTC).timestamp())  # the channel post: the morning after
VIEWER = 4004
_ids = itertools.count(7000)


def _chat(user: int, chat_id: int | None) -> dict[str, Any]:
    if chat_id is None or chat_id > 0:
        return {"id": user if chat_id is None else chat_id, "type": "private", "first_name": "Ann"}
    return {"id": chat_id, "type": "group", "title": "ops"}


def channel_post(user: int, text: str, *, chat_id: int | None = None, post: int = 12345, caption: bool = False) -> dict:
    """A message forwarded by `user` from the Air Force's channel (text, or a picture's caption)."""
    return {
        "message_id": next(_ids),
        "date": 1751716800,
        "from": {"id": user, "is_bot": False, "first_name": "Ann", "username": "ann"},
        "chat": _chat(user, chat_id),
        ("caption" if caption else "text"): text,
        **({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 9, "height": 9}]} if caption else {}),
        "forward_origin": {
            "type": "channel",
            "chat": {"id": -1001234567890, "type": "channel", "title": "Повітряні сили ЗСУ", "username": "kpszsu"},
            "message_id": post,
            "date": POSTED,
        },
    }


def typed(user: int, text: str, *, chat_id: int | None = None, **extra: Any) -> dict:
    return {
        "message_id": next(_ids),
        "date": 1751716800,
        "from": {"id": user, "is_bot": False, "first_name": "Ann", "username": "ann"},
        "chat": _chat(user, chat_id),
        "text": text,
        **extra,
    }


async def send(standin: BotApiStandIn, message: dict) -> None:
    await standin.push({"message": message})


def stored(core: Core) -> list[StrikeReport]:
    with core.db.reader() as session:
        return list(session.exec(select(StrikeReport).order_by(StrikeReport.id)))


def drafts(core: Core) -> list[StrikeDraft]:
    with core.db.reader() as session:
        return list(session.exec(select(StrikeDraft).order_by(StrikeDraft.id)))


async def test_a_forwarded_channel_post_is_previewed_and_confirmed_once(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await send(standin, channel_post(ADMIN, REPORT))
    [preview] = await standin.wait_for(1)
    assert preview.button_data == ["strike confirm|1", "strike edit|1", "strike cancel|1"]
    assert "Night of 3–4 July 2025" in preview.text and "https://t.me/kpszsu/12345" in preview.text
    assert "Повітряні сили ЗСУ" in preview.text and "539 launched" in preview.text
    assert "<pre>" in preview.text and "Iskander-M/KN-23" in preview.text  # the per-weapon table
    assert stored(telegram_core) == []
    await standin.press(ADMIN, preview, "strike confirm|1")
    edited = (await standin.wait_for(2))[-1]
    assert edited.method == "editMessageText" and "Logged Strike #1" in edited.text and edited.keyboard == []
    [strike] = stored(telegram_core)
    assert strike.source_key == "airforce:t.me/kpszsu:2025-07-04" and strike.reported_by == f"telegram:{ADMIN}"
    # The same post forwarded again, previewed and confirmed again: still one report.
    await send(standin, channel_post(ADMIN, REPORT))
    second = (await standin.wait_for(3))[-1]
    assert "Already logged from this source for this night as strike #1" in second.text
    await standin.press(ADMIN, second, second.button_data[0])
    await standin.wait_until_consumed()
    assert standin.callback_answers[-1]["text"].startswith("Already logged as strike #1")
    assert len(stored(telegram_core)) == 1


async def test_a_caption_and_a_paste_are_read_too(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await send(standin, channel_post(ADMIN, REPORT, caption=True))
    [from_caption] = await standin.wait_for(1)
    assert "539 launched" in from_caption.text
    await send(standin, typed(ADMIN, UNDATED))  # pasted, no date anywhere: the night is left to the person
    pasted = (await standin.wait_for(2))[-1]
    assert "Night: unknown" in pasted.text and pasted.button_data == ["strike edit|2", "strike cancel|2"]
    await send(standin, typed(ADMIN, "thanks!"))  # a short line: conversation, left unanswered as before
    await send(standin, typed(ADMIN, "Российские войска нанесли массированный удар по объектам. " * 5))
    refused = (await standin.wait_for(3))[-1]  # a paste of report length: told why it was not read
    assert "could not read that as an Air Force report" in refused.text and refused.button_data == []
    await standin.wait_until_consumed()
    assert len(standin.sent) == 3 and stored(telegram_core) == [] and len(drafts(telegram_core)) == 2


async def test_in_a_group_only_what_is_addressed_to_the_bot_is_read(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    post = channel_post(ADMIN, REPORT, chat_id=GROUP)
    await send(standin, post)  # forwarded into the group (with privacy mode off): not addressed, not read
    await send(standin, typed(ADMIN, REPORT, chat_id=GROUP))  # pasted without a mention: chatter
    await standin.wait_until_consumed()
    assert standin.sent == [] and drafts(telegram_core) == []
    mention = f"@{BOT_USERNAME}"
    entities = [{"type": "mention", "offset": 0, "length": len(mention)}]
    await send(standin, typed(ADMIN, mention, chat_id=GROUP, entities=entities, reply_to_message=post))
    [preview] = await standin.wait_for(1)
    assert "https://t.me/kpszsu/12345" in preview.text and preview.chat_id == GROUP
    bot_message = {"message_id": preview.message_id, "date": 1751716800, "chat": _chat(ADMIN, GROUP), "text": "x",
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "callwatch"}}  # fmt: skip
    await send(standin, typed(ADMIN, "on it", chat_id=GROUP, reply_to_message=bot_message))  # a reply: conversation
    await send(standin, typed(ADMIN, f"{mention} {REPORT}", chat_id=GROUP, entities=entities))  # mention + paste
    second = (await standin.wait_for(2))[-1]
    assert "539 launched" in second.text and "not stored yet" in second.text
    await standin.wait_until_consumed()
    assert len(standin.sent) == 2 and len(drafts(telegram_core)) == 2


async def test_others_cannot_act_on_a_preview_and_strangers_are_not_read(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await standin.say(ADMIN, f"/role grant user=telegram:{VIEWER} role=viewer")
    await standin.wait_for(1)
    await send(standin, channel_post(STRANGER, REPORT))
    await send(standin, channel_post(VIEWER, REPORT))
    refusal = (await standin.wait_for(2))[-1]
    assert refusal.chat_id == VIEWER and "needs the reporter role" in refusal.text
    await standin.wait_until_consumed()
    assert len(standin.sent) == 2 and drafts(telegram_core) == []  # the stranger got nothing, as for any text
    await send(standin, channel_post(ADMIN, REPORT, chat_id=GROUP, post=1))
    mention = f"@{BOT_USERNAME}"
    await send(
        standin,
        typed(ADMIN, f"{mention} {REPORT}", chat_id=GROUP, entities=[{"type": "mention", "offset": 0, "length": 14}]),
    )
    preview = (await standin.wait_for(3))[-1]
    for presser in (VIEWER, STRANGER):
        await standin.press(presser, preview, "strike confirm|1")
    await standin.wait_until_consumed()
    answers = [answer["text"] for answer in standin.callback_answers]
    assert "needs the reporter role" in answers[0] and str(STRANGER) in answers[1]
    assert all(answer["show_alert"] == "true" for answer in standin.callback_answers)
    assert stored(telegram_core) == [] and len(standin.sent) == 3  # the preview was not edited


async def test_edit_walks_the_dialog_from_the_drafts_values_and_cancel_discards(
    standin: BotApiStandIn, telegram_bot: RunningBot, telegram_core: Core
) -> None:
    await send(standin, channel_post(ADMIN, REPORT))
    [preview] = await standin.wait_for(1)
    await standin.press(ADMIN, preview, "strike edit|1")
    when = (await standin.wait_for(2))[-1]
    assert "Edit strike preview" in when.text and "Now: 2025-07-03 18:00 Kyiv" in when.text
    assert when.button_data[0] == "dialog|at|\x00keep"
    await standin.press(ADMIN, when, "dialog|at|\x00keep")
    drones = (await standin.wait_for(4))[-1]
    assert "Now: 539" in drones.text and drones.button_data[-1] == "dialog|drones|\x00done"
    await standin.say(ADMIN, "520")
    weapons_question = (await standin.wait_for(5))[-1]  # missiles: kept at 11 by Done below
    await standin.press(ADMIN, weapons_question, weapons_question.button_data[-1])
    again = (await standin.wait_for(6))[-1]
    # 520 drones but the kept weapons list 539 Shaheds: /strike's own rule refuses, the dialog asks again.
    assert "drones=520 but weapons= lists 539" in again.text and "How many drones" in again.text
    await standin.say(ADMIN, "539")
    revised = (await standin.wait_for(7))[-1]
    assert "(edited)" in revised.text and revised.button_data[0] == "strike confirm|1"
    await standin.press(ADMIN, revised, "strike cancel|1")
    cancelled = (await standin.wait_for(8))[-1]
    assert cancelled.method == "editMessageText" and "Preview #1 cancelled" in cancelled.text
    await standin.press(ADMIN, revised, "strike confirm|1")
    await standin.wait_until_consumed()
    assert "was cancelled" in standin.callback_answers[-1]["text"] and stored(telegram_core) == []


def _answered(standin: BotApiStandIn) -> list[str]:
    return [answer.get("text", "") for answer in standin.callback_answers]


def _last(standin: BotApiStandIn) -> Sent:
    return standin.sent[-1]
