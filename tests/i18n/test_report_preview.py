"""The Air Force report preview in Ukrainian: what the report says, what would be stored, Confirm / Edit / Cancel,
their answers and refusals, and the notes written from the report, for a caller whose language is Ukrainian.

Through the router on SQLite and PostgreSQL (the handler's whole path: parser, draft, preview, the same night from
the same source), through Telegram end to end (a forwarded channel post, Edit walking the dialog, Cancel), and the
pure pieces with every count's Ukrainian form (1 дрон · 2 дрони · 5 дронів · 21 дрон, на 1 локації · на 5
локаціях). No English word of the preview's vocabulary may be left outside what is data: the weapon models' names,
links and commands as typed. The same requests in English stay English.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import Core
from bot.wiring import build_core
from handlers.airforce.report import Hits, ParsedReport
from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from handlers.chat.settings import Settings
from handlers.i18n import activate
from handlers.i18n.catalog import plural_index
from handlers.strikes import report_draft
from tests.conftest import FrozenClock, RequestMaker
from tests.i18n.test_adapters import bot_api, press, telegram_bot, telegram_core  # noqa: F401 (fixtures)
from tests.strikes.test_from_report import FORWARD, NO_DRONE_LAUNCHES, REPORT, UNDATED
from tests.telegram.conftest import ADMIN
from tests.telegram.standin import BotApiStandIn

# Words the preview's English is made of; none may survive in a Ukrainian answer.
ENGLISH_WORDS = {
    "the", "and", "or", "of", "is", "it", "to", "for", "at", "on", "in", "by", "was", "not", "yet", "only", "can",
    "they", "night", "counted", "from", "issued", "source", "given", "drones", "missiles", "launched", "shot",
    "down", "suppressed", "lost", "radar", "hits", "hit", "debris", "fell", "location", "locations", "weapon",
    "weapons", "will", "stored", "notes", "ready", "store", "press", "edit", "complete", "already", "logged",
    "this", "twice", "also", "strike", "report", "preview", "edited", "confirm", "stores", "changes", "cancel",
    "discards", "act", "expires", "unknown", "does", "say", "names", "date", "set", "when", "kind", "destroyed",
    "drone", "missile", "region", "belongs", "yourself", "forward", "paste", "again", "get", "new", "cancelled",
    "nothing", "expired", "hour", "kept", "withdraw", "which", "number", "air", "force", "command", "east",
    "south", "july", "may", "read", "could", "refused", "too", "update", "change", "what", "wrong", "send",
    "back", "must", "its", "zone", "like", "time",
}  # fmt: skip
# Data and typed text: weapon models as the parser names them, links, `key=value`, command words, zone keys.
TYPED = re.compile(
    r"Shahed[\w/-]*(?: and Decoy UAV)?|Iskander-M/KN-23|X-101/X-555|Unknown (?:UAV|Missile)|https?://\S+"
    r"|[\w-]+=(?:\"[^\"]*\"|\S*)|/(?:callwatch )?help(?: [a-z]+)?"
    r"|/(?:callwatch )?[a-z]+(?: (?:preview|confirm|edit|cancel|retract|show))?"
    r"|\bUTC\b|\bKyiv\b|telegram:\d+|slack:\w+|\bN\b|\bID\b"
    r"|(?<=Джерело: )Air Force of Ukraine(?= ·|\n|$)"  # a paste's stored source: the parser's name, as stored
)
UK = "[а-яіїєґ]"


def english_left(text: str) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z]+", TYPED.sub(" ", text)) if word.lower() in ENGLISH_WORDS}


@pytest.fixture
def kyiv_core(database_url: str, clock: FrozenClock) -> Iterator[Core]:
    clock.set(datetime(2025, 7, 4, 12, 0, tzinfo=UTC))  # the morning after the report's night
    built = build_core(Settings(database_url=database_url, admins="slack:UADMIN,telegram:1001", tz="Kyiv"), clock=clock)
    yield built
    built.close()


_keys = itertools.count(1)


def ask(core: Core, make_request: RequestMaker, text: str, *, language: str = "uk", user: str = "1001") -> Reply:
    """`/strike TEXT` from a Telegram user whose app is in `language` (1001 is an admin; others are granted)."""
    request = make_request(
        "strike",
        text,
        platform=Platform.TELEGRAM,
        user_id=user,
        channel_id="-100",
        language=language,
        idempotency_key=f"t{next(_keys)}",
    )
    return core.router.handle(request)


def test_a_forwarded_report_previews_in_ukrainian(kyiv_core: Core, make_request: RequestMaker) -> None:
    preview = ask(kyiv_core, make_request, FORWARD)
    assert preview.ok and preview.title == "Попередній перегляд повідомлення про удар №1: ще не збережено"
    lines = preview.text.splitlines()
    assert lines[:7] == [
        "Ніч з 3 на 4 липня 2025 р., відлік від 2025-07-03 15:00 UTC · 18:00 Київ",
        "Видав: Повітряні сили ЗСУ",
        "Джерело: Повітряні сили ЗСУ · https://t.me/kpszsu/12345",
        "Дрони: запущено 539, збито/подавлено 472",
        "Ракети: запущено 11, збито/подавлено 6",
        "Влучання на 8 локаціях, падіння уламків на 3 локаціях",
        "Буде збережено як: 539 дронів, 11 ракет (Shahed-136/131 and Decoy UAV ×539, Iskander-M/KN-23 ×6, "
        "X-101/X-555 ×5)",
    ]
    assert lines[7] == (
        "Примітки: Звіт Повітряних сил за ніч з 3 на 4 липня 2025 р.: збито/подавлено: 472 з 539 дронів і 6 з 11 "
        "ракет; влучання на 8 локаціях, падіння уламків на 3 локаціях."
    )
    assert preview.table is not None and preview.table.columns == ("засіб", "тип", "запущено", "збито")
    assert {row[1] for row in preview.table.rows} == {"дрон", "ракета"}
    assert [button.label for button in preview.buttons] == ["Підтвердити", "Змінити", "Скасувати"]
    assert preview.footer == (
        "«Підтвердити» зберігає, «Змінити» дає спершу виправити, «Скасувати» відкидає. Діяти може лише "
        "telegram:1001; перегляд чинний до 2025-07-04 13:00 UTC · 16:00 Київ."
    )
    assert not english_left(preview.plain()), english_left(preview.plain())
    again = ask(kyiv_core, make_request, FORWARD.replace("12345", "12346"))  # the same night from the same channel
    assert "З цього джерела за цю ніч уже записано удар" not in again.text  # nothing is stored before Confirm
    english = ask(kyiv_core, make_request, FORWARD.replace("12345", "12347"), language="en")
    assert english.text.startswith("Night of 3–4 July 2025, counted from") and english_left(english.plain())
    assert [button.label for button in english.buttons] == ["Confirm", "Edit", "Cancel"]


def test_reports_it_cannot_store_yet_say_why_in_ukrainian(kyiv_core: Core, make_request: RequestMaker) -> None:
    unknown = ask(kyiv_core, make_request, f"preview {NO_DRONE_LAUNCHES}")
    assert "Дрони: кількість запущених невідома (у звіті не сказано), збито/подавлено 18" in unknown.text
    assert "Буде збережено як: невідома кількість дронів, 0 ракет" in unknown.text
    assert (
        "Ще не можна зберегти: у звіті не сказано, скільки запущено дронів: заповніть це. Натисніть «Змінити», "
        "щоб доповнити." in unknown.text
    )
    assert [button.label for button in unknown.buttons] == ["Змінити", "Скасувати"]
    refused = ask(kyiv_core, make_request, "confirm 1")
    assert not refused.ok and refused.text.startswith("Попередній перегляд №1 ще не можна зберегти: у звіті не")
    undated = ask(kyiv_core, make_request, f"preview {UNDATED}")
    assert undated.text.startswith("Ніч: невідома (у звіті немає дати; натисніть «Змінити» і вкажіть «Коли»)")
    assert "ніч невідома (у звіті немає дати): вкажіть «Коли»" in undated.text
    for reply in (unknown, refused, undated):
        assert not english_left(reply.plain()), english_left(reply.plain())


def test_confirm_edit_cancel_and_their_refusals_answer_in_ukrainian(
    kyiv_core: Core, make_request: RequestMaker, clock: FrozenClock
) -> None:
    granted = kyiv_core.router.handle(make_request("role", "grant user=telegram:2002 role=reporter"))
    assert granted.ok
    ask(kyiv_core, make_request, FORWARD)
    replies = {
        "someone else's": ask(kyiv_core, make_request, "confirm 1", user="2002"),
        "no number": ask(kyiv_core, make_request, "edit"),
        "no such": ask(kyiv_core, make_request, "cancel 9"),
    }
    assert replies["someone else's"].text == (
        "Попередній перегляд №1 належить користувачеві telegram:1001: підтвердити його може лише цей користувач. "
        "Щоб записати цей звіт самостійно, перешліть або вставте його мені."
    )
    assert replies["no number"].text.startswith(
        "вкажіть, який попередній перегляд змінити: /strike edit N (N — номер перегляду)"
    )
    assert replies["no such"].text.startswith("Попереднього перегляду удару №9 немає")
    edit = ask(kyiv_core, make_request, "edit 1")
    assert edit.title == "Зміна попереднього перегляду №1" and edit.form is not None
    assert edit.text.startswith("Виправте те, що неправильно, і надішліть назад:\n/strike edit 1 at=")
    assert (edit.form.title, edit.form.submit_label) == ("Змінити перегляд удару", "Оновити перегляд")
    assert edit.form.field("at").label == "Коли" and edit.form.command_text(edit.form.initial).startswith(
        'edit 1 at="2025-07-03 18:00 Kyiv" drones="539"'
    )  # what the form sends back is the same in any language
    logged = ask(kyiv_core, make_request, "confirm 1")
    assert logged.title == "Записано: Удар №1 · 539 дронів, 11 ракет"
    twice = ask(kyiv_core, make_request, "confirm 1")
    assert twice.title == "Уже записано як удар №1"
    cancel_logged = ask(kyiv_core, make_request, "cancel 1")
    assert cancel_logged.text == (
        'Попередній перегляд №1 уже записано як удар №1; щоб відкликати його: /strike retract 1 reason="…"'
    )
    ask(kyiv_core, make_request, FORWARD.replace("12345", "777"))
    cancelled = ask(kyiv_core, make_request, "cancel 2")
    assert (cancelled.title, cancelled.text) == ("Попередній перегляд №2 скасовано", "Нічого не збережено.")
    after = ask(kyiv_core, make_request, "confirm 2")
    assert after.text.startswith("Попередній перегляд №2 скасовано; нічого не збережено. Перешліть або вставте")
    ask(kyiv_core, make_request, f"preview {UNDATED}")
    clock.advance(hours=2)
    expired = ask(kyiv_core, make_request, "edit 3")
    assert expired.text.startswith("Строк дії попереднього перегляду №3 сплив 2025-07-04 13:00 UTC · 16:00 Київ")
    for reply in (*replies.values(), edit, logged, twice, cancel_logged, cancelled, after, expired):
        shown = reply.plain().split("\nЯк користуватися:")[0]  # the usage below an error is the commands' own
        assert not english_left(shown), (shown, english_left(shown))


def test_a_text_that_is_neither_typed_nor_a_report_is_refused_in_ukrainian(
    kyiv_core: Core, make_request: RequestMaker
) -> None:
    refused = ask(kyiv_core, make_request, "щось незрозуміле")
    first, also = refused.text.splitlines()[:2]
    assert re.search(UK, first) and also.startswith("Як вставлений звіт Повітряних сил текст теж не прийнято: ")
    not_a_report = ask(kyiv_core, make_request, "preview привіт усім")
    assert not_a_report.text.startswith("Не вдалося прочитати це як звіт Повітряних сил: ")
    assert "Щоб записати удар вручну: /strike at=ЧАС drones=N missiles=N (див. /help strike)." in not_a_report.text
    header = ask(kyiv_core, make_request, f"preview posted=yesterday\n{REPORT}")
    assert header.text.startswith("posted=yesterday: має бути часом ISO 8601 із поясом, як-от 2025-07-04T05:12")
    zoneless = ask(kyiv_core, make_request, f"preview posted=2025-07-04T05:12:00\n{REPORT}")
    assert zoneless.text.startswith("posted=2025-07-04T05:12:00: має містити часовий пояс")
    for reply in (refused, not_a_report, header, zoneless):
        shown = reply.plain().split("\nЯк користуватися:")[0]
        assert not english_left(shown), (shown, english_left(shown))


# --- the pieces, every count ---------------------------------------------------------------------------------
DRONES_OF = ("дрона", "дронів", "дронів")  # "472 з 539 дронів", "1 з 21 дрона"
MISSILES_OF = ("ракети", "ракет", "ракет")
DRONES = ("дрон", "дрони", "дронів")
LOCATIONS = ("локації", "локаціях", "локаціях")
WEAPONS_HIT = ("засобу ураження", "засобів ураження", "засобів ураження")


def _parsed(**counts: Any) -> ParsedReport:
    fields: dict[str, Any] = {
        "night": date(2025, 7, 4),
        "drones_launched": None,
        "missiles_launched": None,
        "drones_destroyed": None,
        "missiles_destroyed": None,
    }
    return ParsedReport(**(fields | counts))


@pytest.mark.parametrize("n", [1, 2, 4, 5, 11, 12, 21, 22, 111])
def test_the_notes_and_hits_take_each_counts_ukrainian_form(n: int) -> None:
    form = plural_index("uk", n)
    with activate("uk"):
        notes = report_draft.summary(
            _parsed(
                drones_launched=n,
                drones_destroyed=n,
                missiles_launched=n,
                missiles_destroyed=1,
                drones_lost=n,
                hits=Hits(weapons=n, locations=n, debris_locations=n),
            )
        )
    assert notes == (
        f"Звіт Повітряних сил за ніч з 3 на 4 липня 2025 р.: збито/подавлено: {n} з {n} {DRONES_OF[form]} і 1 з "
        f"{n} {MISSILES_OF[form]}; локаційно втрачено: {n} {DRONES[form]}; влучання {n} {WEAPONS_HIT[form]} на {n} "
        f"{LOCATIONS[form]}, падіння уламків на {n} {LOCATIONS[form]}."
    )


@settings(max_examples=80, derandomize=True, deadline=None)
@given(
    launched=st.one_of(st.none(), st.integers(0, 10_000)),
    destroyed=st.integers(0, 10_000),
    locations=st.one_of(st.none(), st.integers(0, 500)),
)
def test_any_counts_read_in_ukrainian_and_in_english_alike(
    launched: int | None, destroyed: int | None, locations: int | None
) -> None:
    parsed = _parsed(drones_launched=launched, drones_destroyed=destroyed, hits=Hits(locations=locations))
    with activate("uk"):
        ukrainian = report_draft.summary(parsed)
    with activate("en"):
        english = report_draft.summary(parsed)
    assert bool(ukrainian) == bool(english)  # the same facts are said, or nothing in both
    assert sorted(map(int, re.findall(r"\d+", ukrainian))) == sorted(map(int, re.findall(r"\d+", english)))
    assert not english_left(ukrainian), ukrainian
    if launched is not None and (destroyed or launched):
        assert f"{destroyed} з {launched} {DRONES_OF[plural_index('uk', launched)]}" in ukrainian
    if locations is not None:
        assert f"влучання на {locations} {LOCATIONS[plural_index('uk', locations)]}" in ukrainian


@pytest.mark.parametrize(
    ("night", "english", "ukrainian"),
    [
        (date(2025, 7, 4), "3–4 July 2025", "з 3 на 4 липня 2025 р."),
        (date(2025, 8, 1), "31 July – 1 August 2025", "з 31 липня на 1 серпня 2025 р."),
        (date(2026, 1, 1), "31 December 2025 – 1 January 2026", "з 31 грудня 2025 р. на 1 січня 2026 р."),
        (date(2024, 3, 1), "29 February – 1 March 2024", "з 29 лютого на 1 березня 2024 р."),
    ],
)
def test_a_night_is_named_as_each_language_names_it(night: date, english: str, ukrainian: str) -> None:
    with activate("en"):
        assert report_draft.night_label(night) == english
    with activate("uk"):
        assert report_draft.night_label(night) == ukrainian


def test_why_a_draft_cannot_be_stored_names_what_is_missing() -> None:
    with activate("uk"):
        both = report_draft.blockers({"started_at": None, "drones": None, "missiles": None})
        missiles = report_draft.blockers({"started_at": "2025-07-03T15:00:00+00:00", "drones": 5, "missiles": None})
    assert both == [
        "ніч невідома (у звіті немає дати): вкажіть «Коли»",
        "у звіті не сказано, скільки запущено дронів і ракет: заповніть це",
    ]
    assert missiles == ["у звіті не сказано, скільки запущено ракет: заповніть це"]


# --- Telegram, end to end ---------------------------------------------------------------------------------------
POSTED = int(datetime(2025, 7, 4, 6, 12, tzinfo=UTC).timestamp())
_ids = itertools.count(90_000)


def forwarded(user: int, text: str) -> dict[str, Any]:
    """A channel post forwarded by `user`, whose Telegram app is in Ukrainian."""
    return {
        "message_id": next(_ids),
        "date": 1751716800,
        "from": {"id": user, "is_bot": False, "first_name": "Olena", "username": "olena", "language_code": "uk"},
        "chat": {"id": user, "type": "private", "first_name": "Olena"},
        "text": text,
        "forward_origin": {
            "type": "channel",
            "chat": {"id": -1001234567890, "type": "channel", "title": "Повітряні сили ЗСУ", "username": "kpszsu"},
            "message_id": 12345,
            "date": POSTED,
        },
    }


def typed(user: int, text: str) -> dict[str, Any]:
    return {
        "message_id": next(_ids),
        "date": 1751716800,
        "from": {"id": user, "is_bot": False, "first_name": "Olena", "username": "olena", "language_code": "uk"},
        "chat": {"id": user, "type": "private", "first_name": "Olena"},
        "text": text,
    }


@pytest.mark.usefixtures("telegram_bot")
async def test_a_forward_edited_in_the_dialog_and_cancelled_speaks_ukrainian(
    bot_api: BotApiStandIn,  # noqa: F811 (the fixture imported above)
) -> None:
    await bot_api.push({"message": forwarded(ADMIN, REPORT)})
    [preview] = await bot_api.wait_for(1)
    assert preview.text.startswith("<b>Попередній перегляд повідомлення про удар №1: ще не збережено</b>")
    assert [button["text"] for row in preview.keyboard for button in row] == ["Підтвердити", "Змінити", "Скасувати"]
    await press(bot_api, ADMIN, preview, "strike edit|1")
    when = (await bot_api.wait_for(2))[-1]
    assert when.text.startswith("Змінити перегляд удару: 9 запитань, при кожному — поточна відповідь")
    assert "Поточна відповідь: 2025-07-03 18:00 Kyiv" in when.text
    assert [button["text"] for row in when.keyboard for button in row][:2] == ["Залишити", "Зараз"]
    await press(bot_api, ADMIN, when, "dialog|at|\x00keep")
    kept, drones = (await bot_api.wait_for(4))[-2:]
    assert kept.text == "Коли: залишено" and "Поточна відповідь: 539" in drones.text
    await bot_api.push({"message": typed(ADMIN, "520")})
    missiles = (await bot_api.wait_for(5))[-1]
    await press(bot_api, ADMIN, missiles, "dialog|missiles|\x00done")
    again = (await bot_api.wait_for(6))[-1]
    assert "Скільки дронів?" in again.text and re.search(UK, again.text.split("\n")[0])
    await bot_api.push({"message": typed(ADMIN, "539")})
    revised = (await bot_api.wait_for(7))[-1]
    assert revised.text.startswith("<b>Попередній перегляд повідомлення про удар №1 (змінено): ще не збережено</b>")
    await press(bot_api, ADMIN, revised, "strike cancel|1")
    cancelled = (await bot_api.wait_for(8))[-1]
    assert "Попередній перегляд №1 скасовано" in cancelled.text
    await press(bot_api, ADMIN, revised, "strike confirm|1")
    await bot_api.wait_until_consumed()
    assert bot_api.callback_answers[-1]["text"].startswith("Попередній перегляд №1 скасовано; нічого не збережено")
    for sent in bot_api.sent:
        shown = re.sub(r"<[^>]+>", " ", sent.text)
        assert not english_left(shown), (shown, english_left(shown))
