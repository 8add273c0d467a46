"""The commands people type most, in Ukrainian: /contact, /strike, /timeline, /role and /help, their forms, usage
and errors, for a Telegram user whose app is in Ukrainian and for a Slack reporter who chose `/lang uk`.

Each reply is checked for the Ukrainian phrases it must say (with the plural form its number takes: 1 дрон,
2 дрони, 5 дронів, 21 дрон) and for English left behind: no word from the English our replies are made of may
survive outside what is typed back as typed (command words, `key=` names and values, names people entered). The
same requests answered in English stay English, so the check can fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.wiring import Core, build_core
from handlers.airforce import Refusal, parse_report
from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from handlers.chat.settings import Settings
from handlers.contacts.command import FORM as CONTACT_FORM
from handlers.i18n import activate
from handlers.records import messages
from handlers.strikes.totals import contradiction
from handlers.text import arguments
from handlers.text.durations import show_duration
from handlers.text.times import show_time
from handlers.text.zones import resolve_zone
from tests.conftest import FrozenClock, RequestMaker

# Words our English replies in this area are made of; none may survive in a Ukrainian one.
ENGLISH_WORDS = {
    "the", "and", "or", "of", "is", "are", "was", "with", "when", "what", "which", "for", "in", "on", "by", "an",
    "not", "no", "its", "it", "be", "must", "may", "each", "every", "only", "say", "give", "use", "type", "write",
    "like", "contact", "contacts", "strike", "strikes", "drone", "drones", "missile", "missiles", "logged",
    "retracted", "form", "opens", "zone", "channel", "example", "usage", "page", "pages", "entry", "entries",
    "newest", "first", "more", "timeline", "roles", "users", "granted", "source", "notes", "confidence", "killed",
    "injured", "casualties", "weapons", "duration", "hour", "required", "unknown", "today", "yesterday", "ago",
    "now", "there", "nothing", "stored", "after", "day", "days", "same", "parties", "party", "name", "letters",
    "time", "given", "twice", "value", "count", "number", "whole", "characters", "limit", "position", "control",
    "character", "commands", "arguments", "quote", "other", "words", "admin", "reporter", "viewer", "refused",
}  # fmt: skip
# What is typed back as typed in every language: command words and their actions, `key=value`, placeholders the
# usage names, the names and sources these tests enter, the Slack shortcut's own name, zone keys.
TYPED = re.compile(
    r"/(?:callwatch )?help(?: [a-z]+)?"
    r"|/(?:callwatch )?[a-z]+(?: (?:show|retract|chart|grant|list|preview|confirm|edit|cancel))?"
    r"|\[?[\w-]+=\S*|\"Log as strike report\"|Trump|Putin|Reuters|Shahed-136|Iskander-M|Europe/Kyiv|Air Force"
    r"|CALLWATCH_ADMINS|callwatch|[a-z]+:\w+|\bID\b|\bN\b"
    r"|одним із: [a-z, ]+"  # the values a choice takes, listed as they are typed
    # Not ours: the pasted-report preview (handlers/strikes/from_report.py) is still being translated by its owner.
    r"|Read as a pasted Air Force report, it was refused too:"
)


def english_left(text: str) -> set[str]:
    words = re.findall(r"[A-Za-z]+", TYPED.sub(" ", text))
    return {word for word in words if word.lower() in ENGLISH_WORDS}


@pytest.fixture
def kyiv_core(database_url: str, clock: FrozenClock) -> Iterator[Core]:
    """A bot whose channels read Kyiv time (CALLWATCH_TZ), so replies show the zone's name beside UTC."""
    built = build_core(Settings(database_url=database_url, admins="slack:UADMIN,telegram:1001", tz="Kyiv"), clock=clock)
    yield built
    built.close()


def ukrainian(core: Core, make_request: RequestMaker, command: str, text: str = "", **overrides: object) -> Reply:
    """A command from Telegram user 1001 (an admin) whose app is in Ukrainian."""
    fields: dict[str, object] = {"platform": Platform.TELEGRAM, "user_id": "1001", "channel_id": "-100"}
    request = make_request(command, text, language="uk", **(fields | overrides))
    return core.router.handle(request)


def test_help_and_every_usage_of_these_commands_read_in_ukrainian(kyiv_core: Core, make_request: RequestMaker) -> None:
    overview = ukrainian(kyiv_core, make_request, "help")
    assert overview.ok and overview.title == "Команди callwatch"
    lines = {line.split(" — ")[0]: line for line in overview.text.splitlines() if " — " in line}
    assert "записати повідомлення про контакт лідерів" in lines["/contact"]
    assert "записати повідомлення про удар" in lines["/strike"]
    assert "збережена хронологія" in lines["/timeline"]
    assert "надати ролі" in lines["/role"] and "як користуватися" in lines["/help"]
    assert "Наберіть /help КОМАНДА" in overview.text and 'region="Київська область"' in overview.text
    mine = [lines[name] for name in ("/contact", "/strike", "/timeline", "/role", "/help")]
    assert not english_left("\n".join([overview.title or "", *mine, *overview.text.splitlines()[-2:]]))
    expected = {
        "contact": ["/contact без аргументів відкриває форму", '"вчора 23:30"', "2 год тому", "Без пояса діє пояс"],
        "strike": ["/strike без аргументів відкриває форму", "загальні кількості", "Ключі можна писати й українською"],
        "timeline": ["Спершу новіші, по 10 на сторінці", "[from=ЧАС]"],
        "role": ["user=КОРИСТУВАЧ", "role=none знімає надану роль"],
    }
    for command, phrases in expected.items():
        usage = ukrainian(kyiv_core, make_request, "help", command)
        assert usage.ok, usage.plain()
        for phrase in phrases:
            assert phrase in usage.text, (command, phrase)
        assert not english_left(usage.plain()), (command, english_left(usage.plain()))
        english = kyiv_core.router.handle(make_request("help", command))
        assert english_left(english.plain()), command  # the same help in English is caught by the same check


def test_a_contact_logged_shown_and_retracted_in_ukrainian(kyiv_core: Core, make_request: RequestMaker) -> None:
    logged = ukrainian(
        kyiv_core,
        make_request,
        "contact",
        'at="сьогодні 12:00" parties=Trump,Putin kind=meeting confidence=confirmed source=Reuters duration=1h30m',
    )
    assert logged.ok and logged.title == "Записано: Контакт №1 · зустріч · Trump, Putin"
    assert "Коли: 2025-07-05 09:00 UTC · 12:00 Київ" in logged.text
    assert "Достовірність: підтверджено · Джерело: Reuters" in logged.text
    assert "Тривалість: 1 год 30 хв" in logged.text
    assert "Записав(ла) telegram:1001, 2025-07-05 12:00 UTC · 15:00 Київ" in logged.text
    assert not english_left(logged.plain()), english_left(logged.plain())

    again = ukrainian(kyiv_core, make_request, "contact", 'at="вчора" parties=Putin,Trump')
    assert again.ok and "Коли: 2025-07-03 21:00 UTC · 2025-07-04 00:00 Київ (година не повідомлена)" in again.text
    assert "Достовірність: повідомлено · Джерело: не вказано" in again.text

    shown = ukrainian(kyiv_core, make_request, "contact", "show 1")
    assert shown.ok and shown.title == "Контакт №1 · зустріч · Trump, Putin"
    retracted = ukrainian(kyiv_core, make_request, "contact", 'retract 1 reason="подвійний запис"')
    assert retracted.ok and retracted.title == "Контакт №1 відкликано"
    assert (
        "ВІДКЛИКАНО 2025-07-05 12:00 UTC · 15:00 Київ, відкликав(ла) telegram:1001: подвійний запис" in retracted.text
    )
    twice = ukrainian(kyiv_core, make_request, "contact", 'retract 1 reason="ще раз"')
    assert not twice.ok and twice.text == "Контакт №1 уже відкликано (подвійний запис)."
    for reply in (again, shown, retracted, twice):
        assert not english_left(reply.plain()), english_left(reply.plain())

    english = kyiv_core.router.handle(make_request("contact", "show 1"))
    assert english.title == "Contact #1 · meeting · Trump, Putin" and "12:00 Kyiv" in english.text


@pytest.mark.parametrize(
    ("counts", "headline", "casualties"),
    [
        ("drones=21 missiles=1 killed=2 injured=5", "21 дрон, 1 ракета", "Жертви: 2 загиблі, 5 поранених"),
        ("drones=5 missiles=2 killed=1 injured=21", "5 дронів, 2 ракети", "Жертви: 1 загиблий, 21 поранений"),
        ("drones=11 missiles=22 killed=0 injured=14", "11 дронів, 22 ракети", "Жертви: 0 загиблих, 14 поранених"),
        ("drones=1 missiles=0 injured=3", "1 дрон, 0 ракет", "Жертви: 3 поранені"),
    ],
)
def test_a_strike_reads_in_ukrainian_with_each_numbers_plural_form(
    kyiv_core: Core, make_request: RequestMaker, counts: str, headline: str, casualties: str
) -> None:
    text = f'at="вчора 23:00 Київ" {counts} region=Київщина source=kpszsu'
    logged = ukrainian(kyiv_core, make_request, "strike", text)
    assert logged.ok and logged.title == f"Записано: Удар №1 · {headline} · Київщина", logged.title
    assert casualties in logged.text and "Коли: 2025-07-04 20:00 UTC · 23:00 Київ" in logged.text
    assert "Джерело: kpszsu" in logged.text
    assert not english_left(logged.plain()), english_left(logged.plain())
    repeated = ukrainian(kyiv_core, make_request, "strike", text, idempotency_key=None)
    assert repeated.ok  # a second report of the same night is stored: it is not a redelivery


def test_a_redelivered_strike_is_answered_in_ukrainian(kyiv_core: Core, make_request: RequestMaker) -> None:
    text = 'at="вчора 23:00" drones=10 weapons="Shahed-136:6,Iskander-M:2"'
    first = ukrainian(kyiv_core, make_request, "strike", text, idempotency_key="update-7")
    second = ukrainian(kyiv_core, make_request, "strike", text, idempotency_key="update-7")
    assert first.ok and second.ok and second.title == "Уже записано як удар №1"
    assert "Засоби ураження: Shahed-136 ×6, Iskander-M ×2" in second.text and "10 дронів, 2 ракети" in first.title


def test_the_timeline_reads_in_ukrainian(kyiv_core: Core, make_request: RequestMaker) -> None:
    empty = ukrainian(kyiv_core, make_request, "timeline")
    assert empty.ok and empty.title == "Хронологія" and "Нічого відповідного не збережено" in empty.text
    assert ukrainian(kyiv_core, make_request, "contact", 'at="3 липня 10:00" parties=Trump,Putin').ok
    for strike in ('at="4 липня 01:00" drones=539 missiles=11', 'at="3 липня 23:00" drones=20'):
        assert ukrainian(kyiv_core, make_request, "strike", strike).ok
    page = ukrainian(kyiv_core, make_request, "timeline")
    assert page.ok and page.title == "Хронологія · сторінка 1 з 1 · 3 записи, спершу новіші"
    contact = next(block for block in page.text.split("\n\n") if block.startswith("КОНТАКТ"))
    assert contact.startswith("КОНТАКТ №1 · 2025-07-03 07:00 UTC · 10:00 Київ · дзвінок · Trump, Putin (повідомлено)")
    assert "за 3 дн. після нього: 2 удари · 559 дронів · 11 ракет" in contact
    assert "УДАР №1 · 2025-07-03 22:00 UTC · 2025-07-04 01:00 Київ · 539 дронів, 11 ракет" in page.text
    assert not english_left(page.plain()), english_left(page.plain())
    beyond = ukrainian(kyiv_core, make_request, "timeline", "page=2")
    assert not beyond.ok and beyond.text == "За цими фільтрами є лише 1 сторінка."


@pytest.mark.parametrize(("stored", "title"), [(1, "1 запис"), (5, "5 записів"), (21, "21 запис"), (22, "22 записи")])
def test_the_timeline_counts_its_entries_in_ukrainian_plural_forms(
    kyiv_core: Core, make_request: RequestMaker, stored: int, title: str
) -> None:
    for day in range(stored):
        assert ukrainian(kyiv_core, make_request, "strike", f"at=2025-05-{day % 28 + 1:02d} drones={day}").ok
    page = ukrainian(kyiv_core, make_request, "timeline")
    pages = (stored + 9) // 10
    assert page.title == f"Хронологія · сторінка 1 з {pages} · {title}, спершу новіші"
    if pages > 1:
        assert page.footer == "Далі: /timeline page=2"


ERRORS = [
    ("contact", "at=now", "parties= обов'язковий"),
    ("contact", "kind=call", "at= і parties= обов'язкові"),
    ("contact", "at=2pmx parties=Trump,Putin", "не можу прочитати час '2pmx': пишіть як"),
    ("contact", 'at="today 2pm Mars" parties=Trump,Putin', "невідомий часовий пояс 'Mars': вкажіть UTC, Київ"),
    ("contact", 'at="2031-01-01 10:00" parties=Trump,Putin', "у майбутньому"),
    ("contact", "at=now parties=Trump", "назвіть принаймні дві сторони через кому"),
    ("contact", "at=now parties=Trump,Рutin", "змішує кириличні і латинські літери в одному слові"),
    ("contact", "at=now parties=Trump,Putin kind=dinner", "має бути одним із: call, meeting, message, envoy"),
    ("contact", "at=now parties=Trump,Putin duration=forever", "'forever' — не тривалість"),
    ("contact", "at=now parties=Trump,Putin at=now", "at= задано двічі"),
    ("contact", "at=now parties=Trump,Putin colour=red", "/contact не має аргументу colour= (приймає at="),
    ("contact", 'at=now parties=Trump,Putin "bad \x07 notes"', "примітки містять керівний символ (U+0007, дзвінок)"),
    ("contact", 'at=now parties="Trump,Putin', 'лапки не закрито: поставте " в кінці'),
    ("contact", "show abc", "'abc' — не номер контакту: номери — цілі числа, як-от 12"),
    ("contact", "show", "вкажіть, який контакт показати: /contact show ID"),
    ("contact", "retract 1", 'вкажіть причину: /contact retract 1 reason="…"'),
    ("strike", "at=now drones=-1", "кількість не може бути від'ємною"),
    ("strike", "at=now drones=many", "має бути цілим числом, як-от 12"),
    ("strike", "at=now drones=2000000", "неправдоподібно велике число (понад 1\xa0000\xa0000)"),
    ("strike", "at=now region=Київ", "вкажіть, що було запущено: drones=N, missiles=N або weapons=МОДЕЛЬ:N"),
    ("strike", 'at=now drones=10 weapons="Shahed-136:20"', "weapons= перелічує 20 дронів (Shahed-136:20)"),
    ("strike", 'at=now missiles=1 weapons="Iskander-M:2"', "weapons= перелічує 2 ракети (Iskander-M:2)"),
    ("strike", "drones=5", "at= обов'язковий: коли почався удар?"),
    ("strike", 'at=now weapons="Shahed"', "має бути у вигляді МОДЕЛЬ:КІЛЬКІСТЬ"),
    ("strike", "show 99", "Удару №99 немає."),
    ("timeline", "page=0", "сторінки нумеруються з 1"),
    ("timeline", "from=2025-07-05 to=2025-07-01", "from= має бути раніше за to="),
    ("timeline", "kind=dinner", "має бути одним із: contact, strike"),
    ("role", "grant user=5", "потрібні і user=, і role="),
    ("role", "list everyone", "/role list не приймає аргументів"),
    ("role", "grant user=1001 role=viewer", "Власну роль знизити не можна"),
    ("help", "nosuch", "Команди /nosuch немає. Команди: /contact"),
]


@pytest.mark.parametrize(("command", "text", "phrase"), ERRORS)
def test_bad_input_is_refused_in_ukrainian(
    kyiv_core: Core, make_request: RequestMaker, command: str, text: str, phrase: str
) -> None:
    reply = ukrainian(kyiv_core, make_request, command, text)
    assert not reply.ok and phrase in reply.text, reply.text
    assert not english_left(reply.text), english_left(reply.text)
    if "\nЯк користуватися:\n" in reply.text:  # the usage beneath an argument error is in Ukrainian too
        assert reply.text.split("\nЯк користуватися:\n")[1].startswith(f"/{command}")
    assert not kyiv_core.router.handle(make_request(command, text)).text.startswith(phrase[:12])


FRAGMENTS = ["at=", "at=2pmx", 'at="вчора 23:30"', "at=now", "drones=-1", "drones=5", "missiles=x", "parties=Trump",
             "parties=Trump,Putin", "kind=zz", "duration=zz", "weapons=X:", 'weapons="Shahed-136:9"', "region=Київ",
             "=", '"', "show", "retract", "page=0", "show 0", "killed=1e3", "\x07", "колір=сі", "дрони=3"]  # fmt: skip


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["contact", "strike", "timeline"]), words=st.lists(st.sampled_from(FRAGMENTS), max_size=5)
)
def test_any_mix_of_arguments_is_answered_in_ukrainian(
    core: Core, make_request: RequestMaker, command: str, words: list[str]
) -> None:
    reply = ukrainian(core, make_request, command, " ".join(words))
    if not reply.ok:
        assert reply.text.strip() and not english_left(reply.text), (words, reply.text)
    elif reply.form is None:
        assert not english_left(reply.plain()), (words, reply.plain())


def test_the_contact_form_reads_in_ukrainian_and_submits_what_english_does(
    core: Core, make_request: RequestMaker
) -> None:
    reply = ukrainian(core, make_request, "contact")
    form = reply.form
    assert form is not None and reply.title == form.title == "Записати контакт" and form.submit_label == "Записати"
    labels = {item.name: item.label for item in form.fields}
    assert labels == {"at": "Коли", "parties": "Сторони", "kind": "Вид", "confidence": "Достовірність",
                      "source": "Джерело", "duration": "Тривалість", "notes": "Примітки"}  # fmt: skip
    kind = form.field("kind")
    assert kind is not None and [(c.value, c.label) for c in kind.choices] == [
        ("call", "Дзвінок"), ("meeting", "Зустріч"), ("message", "Послання"), ("envoy", "Візит посланця")
    ]  # fmt: skip
    assert [item.asked for item in form.fields][:2] == ["Коли це відбулося?", "Хто брав участь?"]
    answers = {"at": "вчора 23:30", "parties": "Trump, Putin", "kind": "meeting", "notes": 'дзвінок "з" Мар\'ямом'}
    assert form.command_text(answers) == CONTACT_FORM.command_text(answers)
    submitted = ukrainian(core, make_request, "contact", form.command_text(answers))
    assert submitted.ok and submitted.title == "Записано: Контакт №1 · зустріч · Trump, Putin"
    assert core.router.handle(make_request("contact")).form is CONTACT_FORM  # English is the form as declared
    strike = ukrainian(core, make_request, "strike").form
    assert strike is not None and [item.label for item in strike.fields][:3] == [
        "Коли",
        "Запущено дронів",
        "Запущено ракет",
    ]


def test_roles_read_in_ukrainian(kyiv_core: Core, make_request: RequestMaker) -> None:
    granted = ukrainian(kyiv_core, make_request, "role", "grant user=555 role=reporter")
    assert granted.ok and granted.title == "Роль надано" and granted.text == "telegram:555 тепер має роль «репортер»."
    changed = ukrainian(kyiv_core, make_request, "role", "grant user=slack:U5 role=viewer")
    assert changed.text == "slack:U5 тепер має роль «глядач»."
    withdrawn = ukrainian(kyiv_core, make_request, "role", "grant user=slack:U5 role=none")
    assert withdrawn.text == "slack:U5 більше не має ролі (була: глядач)."
    listing = ukrainian(kyiv_core, make_request, "role", "list")
    assert listing.ok and listing.title == "Ролі · 3 користувачі" and listing.table is not None
    assert listing.table.columns == ("користувач", "роль", "надав(ла)", "коли")
    assert {row[1] for row in listing.table.rows} == {"адміністратор", "репортер"}
    assert "telegram: відмова" in listing.text and "slack: глядач" in listing.text
    for reply in (granted, changed, withdrawn, listing):
        assert not english_left(reply.plain()), english_left(reply.plain())


def test_lang_uk_switches_these_commands_for_a_slack_reporter(core: Core, make_request: RequestMaker) -> None:
    assert core.router.handle(make_request("role", "grant user=U2 role=reporter")).ok
    before = core.router.handle(make_request("strike", "at=now drones=2", user_id="U2"))
    assert before.title == "Logged Strike #1 · 2 drones, 0 missiles"
    assert core.router.handle(make_request("lang", "uk", user_id="U2")).ok
    after = core.router.handle(make_request("strike", "at=now drones=2", user_id="U2"))
    assert after.title == "Записано: Удар №2 · 2 дрони, 0 ракет" and after.language == "uk"
    usage = core.router.handle(make_request("help", "timeline", user_id="U2"))
    assert "Спершу новіші" in usage.text and "/callwatch timeline [from=ЧАС]" in usage.text  # Slack's spelling


@pytest.mark.parametrize(
    ("n", "drones", "missiles", "killed", "strikes"),
    [
        (1, "1 дрон", "1 ракета", "1 загиблий", "1 удар"),
        (2, "2 дрони", "2 ракети", "2 загиблі", "2 удари"),
        (5, "5 дронів", "5 ракет", "5 загиблих", "5 ударів"),
        (11, "11 дронів", "11 ракет", "11 загиблих", "11 ударів"),
        (21, "21 дрон", "21 ракета", "21 загиблий", "21 удар"),
        (24, "24 дрони", "24 ракети", "24 загиблі", "24 удари"),
        (111, "111 дронів", "111 ракет", "111 загиблих", "111 ударів"),
    ],
)
def test_counts_take_their_ukrainian_plural_form(n: int, drones: str, missiles: str, killed: str, strikes: str) -> None:
    from handlers.i18n import ngettext

    with activate("uk"):
        assert messages.drones(n) == drones and messages.missiles(n) == missiles
        assert ngettext("{n} killed", "{n} killed", n).format(n=n) == killed
        assert ngettext("{n} strike", "{n} strikes", n).format(n=n) == strikes
    assert messages.drones(n) == f"{n} drone{'s' if n != 1 else ''}"


@pytest.mark.parametrize(("listed", "said"), [(1, "1 дрон"), (2, "2 дрони"), (5, "5 дронів"), (21, "21 дрон")])
def test_a_total_below_its_detail_is_explained_with_the_right_form(listed: int, said: str) -> None:
    with activate("uk"):
        problem = contradiction({"Shahed-136": listed}, drones=0, missiles=None)
    assert problem is not None and problem[0] == "drones"
    assert f"drones=0, але weapons= перелічує {said} (Shahed-136:{listed})" in problem[1]
    assert f"має бути не меншою за {listed}" in problem[1] and not english_left(problem[1])


def test_times_durations_and_zones_are_shown_in_the_readers_language() -> None:
    from datetime import UTC, datetime

    at = datetime(2025, 7, 3, 14, 5, tzinfo=UTC)
    with activate("uk"):
        assert show_time(at, resolve_zone("Kyiv")) == "2025-07-03 14:05 UTC · 17:05 Київ"
        assert show_time(at, resolve_zone("Europe/Moscow")) == "2025-07-03 14:05 UTC · 17:05 Москва"
        assert show_time(at, resolve_zone("Asia/Tokyo")) == "2025-07-03 14:05 UTC · 23:05 Tokyo"  # tzdata's name
        assert show_time(at, resolve_zone("+03:00")) == "2025-07-03 14:05 UTC · 17:05 +03:00"
        assert [show_duration(s) for s in (45 * 60, 5400, 3 * 86400, 86400 + 6 * 3600, 0)] == [
            "45 хв", "1 год 30 хв", "3 дн.", "1 дн. 6 год", "0 год"
        ]  # fmt: skip
    assert show_time(at, resolve_zone("Kyiv")) == "2025-07-03 14:05 UTC · 17:05 Kyiv"
    assert [show_duration(s) for s in (45 * 60, 5400, 3 * 86400)] == ["45m", "1h30m", "3d"]


def test_numbers_grouped_for_people_follow_the_language() -> None:
    with activate("uk"), pytest.raises(ValueError, match="понад 1\xa0000\xa0000"):
        arguments.count("1000001")
    with pytest.raises(ValueError, match="over 1,000,000"):
        arguments.count("1000001")


def test_the_report_parsers_refusals_are_in_the_readers_language() -> None:
    russian = "Сегодня ночью противник атаковал Украину ударными беспилотниками, сбито много целей над областью."
    cases = [
        ("", "текст порожній"),
        ("x" * 30_000, "текст має 30\xa0000 символів; вставте один звіт (менше ніж 20\xa0000)"),
        ("Повітряні сили", "закороткий для звіту Повітряних сил"),
        (russian, "текст російською"),
    ]
    for text, said in cases:
        with activate("uk"):
            refused = parse_report(text)
        assert isinstance(refused, Refusal) and said in refused.reason, refused
        assert not english_left(refused.reason)
        english = parse_report(text)  # `callwatch parse` and English callers keep the English reason
        assert isinstance(english, Refusal) and english_left(english.reason), english.reason
