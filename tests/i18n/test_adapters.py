"""The platforms' own words in Ukrainian: what Slack, Telegram and the console say around a reply, and the guided
dialog they share.

Through the real adapters: a stranger whose Telegram app is in Ukrainian is refused in Ukrainian (the router never
sees them); a Ukrainian Telegram user walks `/contact` in the dialog — prompts, buttons, the echo of each answer, the
stored contact; a Slack member who chose `/lang uk` gets a Ukrainian modal and a Ukrainian "working on it" and chart
failure; the console under `LANG=uk_UA.UTF-8` greets, complains and runs its dialog in Ukrainian. Beside them the
pieces: the dialog's plural forms for any count, the mention line and Slack's cut-short note, the Telegram command
menu set per language. Each check also finds no English word from the adapters' vocabulary outside what is typed
as typed, and the same path in English stays English, so the checks can fail.
"""

from __future__ import annotations

import codecs
import contextlib
import itertools
import json
import os
import re
import select as io_select
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import select
from telegram import Bot

from bot.console import chat as console_chat
from bot.console import session as console_session
from bot.console.dialog import run_dialog
from bot.core import Core
from bot.dialog import Dialog
from bot.slack import blocks as slack_blocks
from bot.slack.app import build_slack_app
from bot.slack.client import rate_limit_retry
from bot.slack.web import build_web_app
from bot.telegram import command_menu
from bot.telegram.dialogs import idle_message
from bot.telegram.render import render
from bot.wiring import build_core
from handlers.chat.command import ActionHandler
from handlers.chat.context import HandlerContext
from handlers.chat.forms import Field, Form
from handlers.chat.reply import Image, Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from handlers.contacts.command import FORM as CONTACT_FORM
from handlers.i18n import activate
from handlers.i18n.catalog import plural_index
from handlers.registry import all_commands
from storage.models import ContactReport
from tests.conftest import FrozenClock, RequestMaker
from tests.console.test_interactive import Terminal
from tests.helpers import wrapping_actions
from tests.slack.conftest import SECRET, SlackClient, view_submission
from tests.slack.conftest import TOKEN as SLACK_TOKEN
from tests.slack.standin import StandinSlack
from tests.slack.test_commands import texts
from tests.telegram.conftest import ADMIN, STRANGER, running
from tests.telegram.standin import TOKEN as TELEGRAM_TOKEN
from tests.telegram.standin import BotApiStandIn, Sent

# Words the adapters' English is made of; none may survive in a Ukrainian answer.
ENGLISH_WORDS = {
    "the", "and", "or", "to", "of", "is", "it", "its", "for", "with", "sorry", "only", "registered", "users",
    "user", "your", "give", "admin", "who", "can", "add", "you", "now", "hour", "ago", "type", "time", "skip",
    "done", "keep", "clear", "question", "questions", "each", "answer", "far", "new", "one", "sends", "stops",
    "nothing", "stored", "changes", "before", "end", "please", "stop", "choose", "that", "not", "count",
    "character", "characters", "limit", "cancelled", "was", "dialog", "ended", "after", "minute", "minutes",
    "without", "send", "command", "again", "start", "over", "button", "longer", "works", "already", "answered",
    "there", "commands", "lists", "completes", "recalls", "leaves", "chart", "written", "error", "interrupted",
    "changed", "working", "could", "post", "channel", "invite", "first", "close", "cancel", "leave", "empty",
    "day", "known", "zone", "cut", "short", "shows", "blocks", "narrow", "down", "attention", "text", "paste",
    "log", "contact", "when", "kind", "parties", "logged", "meeting", "confirmed", "source", "unknown", "ids",
    "numbers", "sees", "theirs", "refuses", "member", "guided", "name", "letters", "digits", "console",
}  # fmt: skip
# Typed as typed in every language: command words, `key=value`, the product and platform names, ids, zones.
TYPED = re.compile(
    r"/(?:callwatch )?[a-z]+(?: (?:grant|list|show|retract))?|[\w-]+=\S*|@?callwatch|Telegram|Slack|Tab|Ctrl-D"
    r"|UTC|\bU123\b|\bID\b|telegram:\d+|[a-z]+:\w+"
)
_ids = itertools.count(50_000)


def english_left(text: str) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z]+", TYPED.sub(" ", text)) if word.lower() in ENGLISH_WORDS}


def contacts(core: Core) -> list[ContactReport]:
    with core.db.reader() as session:
        return list(session.exec(select(ContactReport)))


# --- the dialog, the renderers, the menu: no platform ------------------------------------------------------------
def test_the_dialog_speaks_its_own_language_whatever_is_active() -> None:
    with activate("uk"):
        form = CONTACT_FORM.translated()
    dialog = Dialog(form, language="uk")
    with activate("en"):  # another request's language is active: the dialog keeps to its own
        intro, ask = dialog.intro, dialog.start()
    assert intro.startswith("Записати контакт: 7 запитань. /cancel — зупинити") and not english_left(intro)
    assert [option.label for option in ask.question.options] == ["Зараз", "Годину тому", "Ввести час"]
    typing = dialog.type("ввести ЧАС")  # a label typed (the console) chooses it, in any case
    assert "Введіть час, наприклад 2025-07-03 14:00 Київ, сьогодні 09:30 або 3 год тому." in typing.question.text
    parties = dialog.type("сьогодні 09:30 Київ")
    assert "(2/7) Хто брав участь?" in parties.question.text
    blank = dialog.type("   ")
    assert blank.question.text.startswith("Дайте відповідь або наберіть /cancel, щоб зупинитися.")
    kind = dialog.type("Трамп, Путін")
    assert [option.label for option in kind.question.options] == ["Дзвінок", "Зустріч", "Послання", "Візит посланця"]
    refused = dialog.type("щось інше")
    assert refused.question.text.startswith("Виберіть один із варіантів: Дзвінок, Зустріч, Послання, Візит посланця.")
    said = dialog.choose("kind", "meeting")
    assert said.said == "Вид: Зустріч"
    dialog.choose("confidence", "confirmed")
    source = dialog.question()
    assert [option.label for option in source.options] == ["Пропустити", "Готово"]
    for text in (intro, typing.question.text, parties.question.text, kind.question.text, source.text):
        assert not english_left(text), text
    english = Dialog(CONTACT_FORM)
    assert english.intro.startswith("Log a contact: 7 questions.") and english_left(english.intro)
    assert [option.label for option in english.start().question.options] == ["Now", "1 hour ago", "Type a time"]


def test_a_filled_in_form_offers_keep_and_clear_in_ukrainian() -> None:
    with activate("uk"):
        form = Form(
            "strike",
            "Змінити",
            (Field("region", "Регіон"), Field("source", "Джерело")),
            initial={"region": "Київщина", "source": "kpszsu"},
            action="edit 3",
        )
    dialog = Dialog(form, language="uk")
    assert "2 запитання, при кожному — поточна відповідь" in dialog.intro
    first = dialog.start().question
    assert "Поточна відповідь: Київщина" in first.text
    assert [option.label for option in first.options] == ["Залишити", "Очистити", "Готово"]
    kept = dialog.choose("region", "\x00keep")
    assert kept.said == "Регіон: залишено"
    assert not english_left(dialog.intro + first.text + kept.said)


QUESTION_FORMS = ("запитання", "запитання", "запитань")
CHARACTER_FORMS = ("символ", "символи", "символів")


@pytest.mark.parametrize(("n", "noun"), [(1, "запитання"), (2, "запитання"), (5, "запитань"), (21, "запитання")])
def test_the_intro_counts_questions_by_ukrainian_rules(n: int, noun: str) -> None:
    form = Form("contact", "Форма", tuple(Field(f"f{index}", "Поле") for index in range(n)))
    assert Dialog(form, language="uk").intro.startswith(f"Форма: {n} {noun}. ")


@settings(max_examples=60, derandomize=True, deadline=None)
@given(n=st.integers(min_value=1, max_value=400))
def test_any_length_over_the_limit_takes_its_ukrainian_form(n: int) -> None:
    form = Form("contact", "Форма", (Field("notes", "Примітки", max_length=0),))
    answer = Dialog(form, language="uk").type("я" * n)
    expected = f"Тут {n} {CHARACTER_FORMS[plural_index('uk', n)]}, а дозволено щонайбільше 0."
    assert answer.question.text.startswith(expected)
    questions = Form("contact", "Форма", tuple(Field(f"f{index}", "Поле") for index in range(n % 40 + 1)))
    count = len(questions.fields)
    assert Dialog(questions, language="uk").intro.startswith(
        f"Форма: {count} {QUESTION_FORMS[plural_index('uk', count)]}. "
    )


def test_the_mention_line_and_empty_replies_are_in_the_replys_language() -> None:
    alert = Reply(text="Сповіщення", mentions=("123", "<b>x</b>"), language="uk")
    telegram = "\n".join(render(alert).messages)
    assert 'Увага: <a href="tg://user?id=123">123</a>, &lt;b&gt;x&lt;/b&gt;' in telegram
    slack = [block["text"]["text"] for block in slack_blocks.blocks(alert) if block["type"] == "section"]
    assert slack[-1] == "Увага: <@123> @&lt;b&gt;x&lt;/b&gt;"
    assert render(Reply(text="", language="uk")).messages == ("(без тексту)",)
    assert render(Reply(text="", language="en")).messages == ("(no text)",)
    with activate("uk"):  # the reply's language decides, not whatever is active
        assert "Attention: <a" in "\n".join(render(Reply(text="x", mentions=("1",))).messages)


def test_slack_cuts_a_long_reply_short_in_its_language() -> None:
    long = "\n".join(f"рядок {index} " + "х" * 2890 for index in range(60))
    for language, note in (("uk", "_… скорочено: Slack показує щонайбільше 50 блоків. Звузьте запит._"),
                           ("en", "_… cut short: Slack shows at most 50 blocks. Narrow it down._")):  # fmt: skip
        drawn = slack_blocks.blocks(Reply(text=long, language=language))
        assert drawn[slack_blocks.MAX_BLOCKS - 1]["text"]["text"] == note


async def test_telegram_menus_are_set_per_language_from_the_registry() -> None:
    api = BotApiStandIn()
    await api.start()
    try:
        bot = Bot(TELEGRAM_TOKEN, base_url=api.base_url)
        async with bot:
            assert await command_menu.publish_menus(bot, all_commands()) == ["uk"]
            [(_method, fields)] = [call for call in api.calls if call[0] == "setMyCommands"]
            assert fields["language_code"] == "uk"
            menu = json.loads(fields["commands"]) if isinstance(fields["commands"], str) else fields["commands"]
            assert [entry["command"] for entry in menu] == [command.name for command in all_commands()] + ["cancel"]
            by_name = {entry["command"]: entry["description"] for entry in menu}
            assert by_name["cancel"] == "вийти з покрокового діалогу"
            assert by_name["contact"].startswith("записати повідомлення про контакт")
            for description in by_name.values():
                assert re.search("[а-яіїєґ]", description) and not english_left(description), description
            api.too_many["setMyCommands"] = [30]  # Telegram refuses: the bot serves on, without the menu
            assert await command_menu.publish_menus(bot, all_commands()) == []
    finally:
        await api.stop()
    english = command_menu.command_list(all_commands())
    assert "cancel - leave the guided dialog" in english and not re.search("[а-яіїєґ]", english)


# --- Telegram, through the real application ----------------------------------------------------------------------
@pytest.fixture
async def bot_api() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def telegram_core(settings: Settings, bot_api: BotApiStandIn, clock: FrozenClock) -> Iterator[Core]:
    built = build_core(
        Settings(
            database_url=settings.database_url,
            admins=settings.admins,
            tz="UTC",
            telegram_bot_token=TELEGRAM_TOKEN,
            telegram_api_url=bot_api.base_url,
        ),
        clock=clock,
    )
    yield built
    built.close()


@pytest.fixture
async def telegram_bot(telegram_core: Core, bot_api: BotApiStandIn) -> AsyncIterator[None]:
    async with running(telegram_core):
        yield


def _person(user_id: int, language: str | None) -> dict[str, Any]:
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Olena", "username": "olena"}
    return person | ({"language_code": language} if language else {})


async def say(api: BotApiStandIn, user_id: int, text: str, *, language: str | None = "uk") -> None:
    """A person whose Telegram app is in `language` types `text` in a private chat with the bot."""
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": 1751716800,
        "text": text,
        "from": _person(user_id, language),
        "chat": {"id": user_id, "type": "private", "first_name": "Olena"},
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    await api.push({"message": message})


async def press(api: BotApiStandIn, user_id: int, sent: Sent, data: str, *, language: str | None = "uk") -> None:
    message = {
        "message_id": sent.message_id,
        "date": 1751716800,
        "chat": {"id": sent.chat_id, "type": "private", "first_name": "Olena"},
        "text": sent.text,
        "from": {"id": 999, "is_bot": True, "first_name": "callwatch"},
    }
    query = {"id": f"q{next(_ids)}", "chat_instance": "ci", "data": data, "message": message}
    await api.push({"callback_query": query | {"from": _person(user_id, language)}})


def labels(sent: Sent) -> list[str]:
    return [button["text"] for row in sent.keyboard for button in row]


@pytest.mark.usefixtures("telegram_bot")
async def test_a_stranger_is_refused_in_the_language_of_their_telegram_app(bot_api: BotApiStandIn) -> None:
    await say(bot_api, STRANGER, "/contact at=now parties=A,B", language="uk")
    [refusal] = await bot_api.wait_for(1)
    assert refusal.text == (
        "Вибачте, цей бот лише для зареєстрованих користувачів callwatch. Ваш ідентифікатор у Telegram — 2002: "
        "передайте його адміністраторові callwatch, який зможе додати вас командою "
        "/role grant user=telegram:2002 role=reporter"
    )
    assert not english_left(refusal.text)
    await press(bot_api, STRANGER, refusal, "contact show|1", language="uk-UA")
    await bot_api.wait_until_consumed()
    [popup] = bot_api.callback_answers
    assert popup["text"].startswith("Вибачте, цей бот лише для зареєстрованих") and popup["show_alert"] == "true"
    await say(bot_api, STRANGER + 1, "/help", language="en")  # an English app, and an app that says nothing
    await say(bot_api, STRANGER + 2, "/help", language=None)
    english = await bot_api.wait_for(3)
    assert all(sent.text.startswith("Sorry, this bot is only for registered") for sent in english[1:])


@pytest.mark.usefixtures("telegram_bot")
async def test_a_ukrainian_user_walks_contact_through_the_dialog(bot_api: BotApiStandIn, telegram_core: Core) -> None:
    await say(bot_api, ADMIN, "/contact")
    [when] = await bot_api.wait_for(1)
    assert when.text.startswith("Записати контакт: 7 запитань. /cancel — зупинити; до кінця нічого не зберігається.")
    assert "(1/7) Коли це відбулося?" in when.text
    assert labels(when) == ["Зараз", "Годину тому", "Ввести час"]
    await press(bot_api, ADMIN, when, "dialog|at|\x00type")
    typing = (await bot_api.wait_for(2))[-1]
    assert typing.text.startswith("Введіть час, наприклад")
    await say(bot_api, ADMIN, "2025-07-05 09:30 UTC")
    parties = (await bot_api.wait_for(3))[-1]
    assert "(2/7) Хто брав участь?" in parties.text and labels(parties) == []
    await say(bot_api, ADMIN, "Трамп, Путін")
    kind = (await bot_api.wait_for(4))[-1]
    assert labels(kind) == ["Дзвінок", "Зустріч", "Послання", "Візит посланця"]
    await press(bot_api, ADMIN, kind, "dialog|kind|meeting")
    echoed, confidence = (await bot_api.wait_for(6))[-2:]
    assert echoed.text == "Вид: Зустріч"
    assert labels(confidence) == ["Підтверджено", "Повідомлено", "Не перевірено"]
    await press(bot_api, ADMIN, kind, "dialog|kind|call")  # an old question's button: the pop-up says so
    await press(bot_api, ADMIN, confidence, "dialog|confidence|confirmed")
    source = (await bot_api.wait_for(8))[-1]
    assert labels(source) == ["Пропустити", "Готово"]
    await press(bot_api, ADMIN, source, "dialog|source|\x00done")
    logged = (await bot_api.wait_for(9))[-1]
    assert logged.text.startswith("<b>Записано: Контакт №1 · зустріч · Трамп, Путін</b>")
    assert "На це запитання вже відповіли." in [answer.get("text") for answer in bot_api.callback_answers]
    [contact] = contacts(telegram_core)
    assert (contact.parties, contact.kind, contact.confidence) == ("Трамп, Путін", "meeting", "confirmed")
    assert contact.occurred_at.strftime("%Y-%m-%d %H:%M") == "2025-07-05 09:30"
    for sent in bot_api.sent:
        shown = sent.text + " " + " ".join(labels(sent))
        assert not english_left(shown), shown


@pytest.mark.usefixtures("telegram_bot")
async def test_telegram_cancel_and_dead_buttons_answer_in_ukrainian(bot_api: BotApiStandIn) -> None:
    await say(bot_api, ADMIN, "/cancel")
    [nothing] = await bot_api.wait_for(1)
    assert nothing.text == "Нічого скасовувати."
    await say(bot_api, ADMIN, "/strike")
    question = (await bot_api.wait_for(2))[-1]
    assert question.text.startswith("Записати удар: ")
    await say(bot_api, ADMIN, "/cancel")
    assert (await bot_api.wait_for(3))[-1].text == "Скасовано. Нічого не збережено."
    await press(bot_api, ADMIN, question, "nonsense")
    await say(bot_api, ADMIN, "/cancel", language="en")  # the same person, their app now in English
    assert (await bot_api.wait_for(4))[-1].text == "There is nothing to cancel."
    assert [answer["text"] for answer in bot_api.callback_answers] == ["Ця кнопка вже не діє."]


@pytest.mark.parametrize(
    ("minutes", "form"), [(1, "хвилину"), (2, "хвилини"), (5, "хвилин"), (10, "хвилин"), (21, "хвилину")]
)
def test_the_idle_dialogs_farewell_counts_minutes_in_ukrainian(minutes: int, form: str) -> None:
    said = idle_message(timedelta(minutes=minutes), "uk")
    assert said == (
        f"Діалог завершено: {minutes} {form} не було відповіді. Нічого не збережено; надішліть команду ще раз, "
        "щоб почати спочатку."
    )
    assert idle_message(timedelta(minutes=minutes), "en").startswith(f"The dialog ended after {minutes} minute")


# --- Slack, through the real app ---------------------------------------------------------------------------------
@pytest.fixture
async def slack(core: Core) -> AsyncIterator[SlackClient]:
    """The real bolt app on loopback HTTP with the test's core, talking to a stand-in Web API."""
    api = await StandinSlack().start()
    client = AsyncWebClient(token=SLACK_TOKEN, base_url=api.api_url)
    client.retry_handlers.append(rate_limit_retry())
    bolt = build_slack_app(core, client=client, signing_secret=SECRET, ack_budget=0.5)
    runner = web.AppRunner(build_web_app(core, bolt), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as session:
        yield SlackClient(f"http://127.0.0.1:{port}", session, api)
    await runner.cleanup()
    await api.stop()


def _plain_texts(value: object) -> list[str]:
    """Every `plain_text` a person reads in a Block Kit view."""
    if isinstance(value, dict):
        found = [value["text"]] if value.get("type") == "plain_text" else []
        return found + [text for item in value.values() for text in _plain_texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _plain_texts(item)]
    return []


async def _opened(slack: SlackClient, command: str) -> dict[str, Any]:
    before = len(slack.standin.called("views.open"))
    status, body = await slack.command(command)
    assert status == 200 and body is None
    await slack.standin.wait_for(lambda: len(slack.standin.called("views.open")) > before)
    opened = slack.standin.called("views.open")[-1]
    return {**opened, "view": json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]}


async def test_a_slack_member_who_chose_ukrainian_gets_a_ukrainian_modal(slack: SlackClient, core: Core) -> None:
    _status, chosen = await slack.command("lang", "uk")
    assert chosen["text"] and not chosen["text"].startswith("⚠️")
    opened = await _opened(slack, "contact")
    view = opened["view"]
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "Записати контакт",
        "Записати",
        "Скасувати",
    )
    by_block = {block["block_id"]: block for block in view["blocks"]}
    assert by_block["at_date"]["label"]["text"] == "Коли"
    assert by_block["at_time"]["label"]["text"] == "Час"
    assert by_block["at_time"]["hint"]["text"] == "Залиште порожнім, якщо відомий лише день."
    assert by_block["at_zone"]["label"]["text"] == "Часовий пояс"
    assert by_block["at_zone"]["element"]["placeholder"]["text"] == "пояс каналу, напр. UTC, Київ, +03:00"
    assert by_block["parties"]["label"]["text"] == "Сторони"
    shown = _plain_texts(view)
    assert not english_left(" ".join(shown)), shown
    values = {
        "at_date": {"value": {"type": "datepicker", "selected_date": "2025-07-06"}},  # tomorrow: refused
        "at_time": {"value": {"type": "timepicker", "selected_time": "10:00"}},
        "at_zone": {"value": {"type": "plain_text_input", "value": "Київ"}},
        "parties": {"value": {"type": "plain_text_input", "value": "Трамп, Путін"}},
        "kind": {"value": {"type": "static_select", "selected_option": {"value": "call"}}},
        "confidence": {"value": {"type": "static_select", "selected_option": {"value": "confirmed"}}},
    }
    _status, errors = await slack.interact(view_submission(opened, values))
    assert errors["response_action"] == "errors" and re.search("[а-яіїєґ]", errors["errors"]["at_date"])
    assert not english_left(errors["errors"]["at_date"]) and contacts(core) == []
    await slack.command("lang", "en")
    english = (await _opened(slack, "contact"))["view"]
    assert (english["close"]["text"], english["blocks"][1]["label"]["text"]) == ("Cancel", "Time")


async def test_slack_says_working_on_it_and_chart_failures_in_ukrainian(slack: SlackClient, core: Core) -> None:
    await slack.command("lang", "uk")
    release = threading.Event()
    original = core.router.commands["help"]

    def held(run: ActionHandler) -> ActionHandler:
        def waiting(request: ChatRequest, ctx: HandlerContext) -> Reply:
            release.wait(10)  # answers only once the test has seen the ack: no clock involved
            return run(request, ctx)

        return waiting

    core.router.commands["help"] = wrapping_actions(original, held)
    _status, body = await slack.command("help", response_url=slack.standin.response_url("late"))
    release.set()
    assert body["text"] == "Виконую /callwatch help…"
    await slack.standin.wait_for(lambda: slack.standin.responses)
    assert texts(slack.standin.responses[-1]).startswith("Команди callwatch")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    chart = Reply(title="Хронологія", text="", image=Image(png=png, filename="timeline.png", title="Хронологія"))
    timeline = core.router.commands["timeline"]
    core.router.commands["timeline"] = wrapping_actions(timeline, lambda _run: lambda _request, _ctx: chart)
    slack.standin.fail_next("files.completeUploadExternal", status=200, error="not_in_channel")
    count = len(slack.standin.responses)
    await slack.command("timeline", "chart")
    await slack.standin.wait_for(lambda: len(slack.standin.responses) > count)
    failed = texts(slack.standin.responses[-1])
    assert "Не вдалося опублікувати графік у цьому каналі. Спершу запросіть мене: /invite @callwatch" in failed
    assert not english_left(failed)


# --- platform user ids named in /role grant ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("platform", "user", "given", "complaint"),
    [
        (Platform.TELEGRAM, "1001", "abc", "ідентифікатори користувачів Telegram — числа"),
        (Platform.SLACK, "UADMIN", "<@U1|ann>x", "не є ідентифікатором користувача: вкажіть ID учасника (U123…)"),
        (Platform.TELEGRAM, "1001", "console:a/b", "не є іменем користувача консолі (літери, цифри, . _ -)"),
    ],
)
def test_a_platform_user_id_refused_in_role_grant_reads_in_ukrainian(
    core: Core, make_request: RequestMaker, platform: Platform, user: str, given: str, complaint: str
) -> None:
    request = make_request("role", f"grant user={given} role=viewer", platform=platform, user_id=user, language="uk")
    reply = core.router.handle(request)
    assert not reply.ok and reply.text.startswith(f"user={given}: {complaint}")
    assert not english_left(reply.text.split("\n", 1)[0])


# --- the console -------------------------------------------------------------------------------------------------
def test_the_piped_console_speaks_the_terminals_language(core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "uk_UA.UTF-8")
    out = StringIO()
    code = console_chat.run_console(core, StringIO("привіт\n/nonsense\n"), out, user="olena")
    assert code == 1
    assert out.getvalue() == (
        "Команди починаються з / — наберіть /help, щоб їх побачити.\n\n"
        "Помилка: Невідома команда /nonsense. Наберіть /help, щоб побачити, що я розумію.\n\n"
    )
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    out = StringIO()
    console_chat.run_console(core, StringIO("hello\n"), out, user="olena")
    assert out.getvalue() == "Commands start with / — type /help to see them.\n\n"


def test_the_console_dialog_and_its_chart_line_are_ukrainian(
    core: Core, make_request: RequestMaker, tmp_path: Path
) -> None:
    said: list[str] = []
    answers = iter(["/timeline", "1", "Трамп, Путін", "2", "1", "2"])

    def route(command: str, text: str) -> Reply:
        request = ChatRequest(
            platform=Platform.CONSOLE, user_id="olena", channel_id="console", command=command, text=text, language="uk"
        )
        return core.router.handle(request)

    granted = core.router.handle(make_request("role", "grant user=console:olena role=reporter"))  # PostgreSQL: viewer
    assert granted.ok, granted
    opened = route("contact", "")
    assert opened.form is not None and opened.language == "uk"
    reply = run_dialog(opened.form, lambda _prompt: next(answers), said.append, route, language=opened.language)
    assert reply is not None and reply.ok, reply
    assert said[0].startswith("Записати контакт: 7 запитань.")
    assert "  1) Зараз   2) Годину тому   3) Ввести час" in said[1]
    assert said[2].startswith("Спершу дайте відповідь на запитання або наберіть /cancel, щоб вийти з форми.")
    assert "  1) Пропустити   2) Готово" in said[-1]
    for line in said:
        assert not english_left(line), line
    [contact] = contacts(core)
    assert contact.parties == "Трамп, Путін" and contact.kind == "meeting"
    chart = Reply(text="Хронологія", image=Image(b"\x89PNG", "timeline.png", "Хронологія"), ok=False, language="uk")
    shown = console_session.render(chart, tmp_path)
    written = next(tmp_path.glob("timeline-*.png"))
    assert shown == f"Помилка: Хронологія\nГрафік записано у файл {written}"


class WholeCharacters(Terminal):
    """The pty's output decoded across reads: readline may write a Cyrillic letter's two bytes apart."""

    def _read(self, timeout: float) -> None:
        decoder = self.__dict__.setdefault("decoder", codecs.getincrementaldecoder("utf-8")(errors="replace"))
        ready, _, _ = io_select.select([self.master], [], [], timeout)
        if ready:
            with contextlib.suppress(OSError):  # the process has gone and closed its side
                self.screen += decoder.decode(os.read(self.master, 65536))


@pytest.mark.slow
def test_the_console_at_a_terminal_greets_and_asks_in_ukrainian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.console import test_interactive

    plain_env = test_interactive.console_env
    monkeypatch.setattr(
        test_interactive,
        "console_env",
        lambda path: (
            {k: v for k, v in plain_env(path).items() if k not in ("LC_ALL", "LC_MESSAGES")} | {"LANG": "uk_UA.UTF-8"}
        ),
    )
    terminal = WholeCharacters(tmp_path)
    try:
        greeting = terminal.expect(test_interactive.PROMPT)
        assert "Консоль callwatch: /help — список команд; Tab доповнює" in greeting
        terminal.send("привіт\r")  # a line that is not a command starts a paste; two empty lines end it
        terminal.expect("вставка> ")
        terminal.send("\r")
        terminal.expect("вставка> ")
        terminal.send("\r")
        terminal.expect("Команди починаються з / — наберіть /help, щоб їх побачити.")
        terminal.expect(test_interactive.PROMPT)
        terminal.send("/contact\r")
        terminal.expect("Записати контакт: 7 запитань.")
        terminal.expect("1) Зараз   2) Годину тому   3) Ввести час")
        for answer, next_question in (
            ("1", "Хто брав участь?"),
            ("Трамп, Путін", "1) Дзвінок"),
            ("2", "Вид: Зустріч"),
            ("1", "1) Пропустити   2) Готово"),
        ):
            terminal.expect("contact> ")
            terminal.send(answer + "\r")
            terminal.expect(next_question)
        terminal.expect("contact> ")
        terminal.send("2\r")
        terminal.expect("Записано: Контакт №1 · зустріч · Трамп, Путін")
        terminal.expect(test_interactive.PROMPT)
        assert terminal.leave() == 0
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
            terminal.process.wait(timeout=10)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", terminal.screen)
    typed = {"привіт", "/contact", "Трамп, Путін"}
    for line in shown.splitlines():
        prompt = line.startswith(("callwatch>", "contact>"))  # the prompts are the command words, typed as typed
        if line.strip() and not any(word in line for word in typed) and not prompt:
            assert not english_left(line), line
