"""/analysis in Ukrainian: the same study, the same figures and the same structure as in English, with every word
translated — the verdict, the table, the footer, the errors and the charts — Ukrainian plurals (1 контакт,
2 контакти, 5 контактів, 21 контакт) and Ukrainian numbers (×1,47; p = 0,481; 4 842). `callwatch analyze` and its
JSON stay English."""

from __future__ import annotations

import json
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.cli.main import app
from bot.core import Core
from handlers.analysis import words
from handlers.analysis.parameters import METRICS, AnalysisParameters
from handlers.analysis.render import render
from handlers.analysis.statistics import analyse
from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from handlers.i18n import activate
from handlers.i18n.numbers import format_number
from storage.models import ContactReport, StrikeReport
from tests.analysis.frames import event_frames
from tests.conftest import RequestMaker

START = datetime(2025, 3, 1, tzinfo=UTC)
NBSP = "\u00a0"
# Latin text a Ukrainian reply may carry: what people type (commands, keys, a zone id) and the p of a p-value.
TYPED = re.compile(
    r"callwatch (?:import (?:strikes|contacts) FILE|analyze --json)|/(?:analysis chart|strike|contact)\b"
    r"|\b(?:from|to|window|metric)=|Europe/Kyiv"
)
LATIN_WORD = re.compile(r"[A-Za-z]+")
NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*")


def _seed(core: Core) -> None:
    """150 days of nightly waves (20:00 UTC); contacts every 20 days, two of them a day apart (one episode), two
    with a date only (the hours-known sensitivity), and one so late that its window outruns the data (left out)."""
    with core.db.transaction() as session:
        for day in range(150):
            session.add(
                StrikeReport(
                    started_at=START + timedelta(days=day, hours=20),
                    drones=100 + day % 9 + (300 if day % 20 == 0 else 0),
                    missiles=day % 3,
                    reported_by="test",
                    channel="test",
                    created_at=START,
                    source_key=f"t:{day}",
                )
            )
        for day, known in [(20, True), (40, True), (41, True), (60, False), (80, True), (100, False), (120, True)]:
            session.add(_contact(START + timedelta(days=day, hours=12 if known else 0), known))
        session.add(_contact(START + timedelta(days=148, hours=12), True))


def _contact(at: datetime, known: bool) -> ContactReport:
    return ContactReport(
        occurred_at=at,
        time_known=known,
        parties="Trump, Putin",
        parties_key="putin,trump",
        kind="call",
        confidence="confirmed",
        reported_by="test",
        channel="test",
        created_at=START,
    )


def _ukrainian(make_request: RequestMaker, command: str, text: str = "") -> object:
    """A Telegram user whose app speaks Ukrainian (an admin in the test settings)."""
    return make_request(command, text, platform=Platform.TELEGRAM, user_id="1001", language="uk")


def _everything(reply: Reply) -> str:
    table = reply.table
    cells = [*table.columns, *(cell for row in table.rows for cell in row)] if table else []
    return "\n".join([reply.title or "", reply.text, reply.footer or "", *cells])


def _numbers(text: str, language: str) -> Counter[str]:
    """Every figure in `text`, written the English way: the same multiset in both languages means the same figures."""
    found = NUMBER.findall(text)
    if language == "uk":
        return Counter(item.replace(NBSP, "").replace("\u202f", "").replace(",", ".") for item in found)
    return Counter(item.replace(",", "") for item in found)


def _latin_words(text: str) -> list[str]:
    return [word for word in LATIN_WORD.findall(TYPED.sub(" ", text)) if word != "p"]


def test_the_same_analysis_reads_the_same_in_ukrainian_with_every_word_translated(
    core: Core, make_request: RequestMaker
) -> None:
    _seed(core)
    english = core.router.handle(make_request("analysis"))
    ukrainian = core.router.handle(_ukrainian(make_request, "analysis"))
    assert english.ok and ukrainian.ok, (english.text, ukrainian.text)
    assert ukrainian.language == "uk" and english.language == "en"
    # The same structure: the same paragraphs and footer lines, the same table shape.
    assert len(ukrainian.text.splitlines()) == len(english.text.splitlines())
    assert len((ukrainian.footer or "").splitlines()) == len((english.footer or "").splitlines())
    assert english.table is not None and ukrainian.table is not None
    assert len(ukrainian.table.columns) == len(english.table.columns)
    assert [len(row) for row in ukrainian.table.rows] == [len(row) for row in english.table.rows]
    # The same figures, written the Ukrainian way.
    assert _numbers(_everything(ukrainian), "uk") == _numbers(_everything(english), "en")
    for en_row, uk_row in zip(english.table.rows, ukrainian.table.rows, strict=True):
        assert uk_row[1:] == tuple(
            cell.replace(",", NBSP).replace(".", ",") if cell[:1].isdigit() else cell.replace(".", ",")
            for cell in en_row[1:]
        ), (en_row, uk_row)
    assert [row[0] for row in ukrainian.table.rows] == ["дрони", "ракети", "усього"]
    assert ukrainian.table.columns[:5] == ("показник", "після", "очікувано", "відношення", "95 % ДІ")
    # Every word translated: only what people type (commands, keys, the zone id) and p stay Latin.
    assert _latin_words(_everything(ukrainian)) == []
    assert re.search(r"×\d+,\d\d", ukrainian.text) and re.search(r"p = \d,\d{3}", ukrainian.text)
    assert ukrainian.title.startswith("Удари після контактів · 3-денні вікна · дрони й ракети · 2025-")
    text, footer = ukrainian.text, ukrainian.footer or ""
    assert "Основний тест, визначений заздалегідь" in text and "метод Голма" in text
    assert "Друга думка, модель (не другий тест): негативна біноміальна регресія" in text
    assert "7 контактів у 6 епізодах: у #2 і #3 вікна перекриваються" in text
    assert "Не враховано: 1 контакт — #8 (2025-07-27): його вікно не закінчується до кінця даних про удари" in text
    assert "Чутливість: без найвпливовішого епізоду" in footer and "лише з датою (2 контакти)" in footer
    assert "Д−7 ×" in footer and "Д+1 ×" in footer and "Додаткові показники, не тести" in footer
    assert "Правила підрахунку: вікно — це 72 год після контакту" in footer
    assert f"p-значення з 10{NBSP}000 випадкових вибірок (зерно 20220224)" in footer


def test_the_verdict_says_the_same_thing_in_both_languages() -> None:
    """The calibrated claim is read from figures, never from words: 'more than chance' and 'no evidence' are said
    for the same data in both languages, and only then."""
    strikes, contacts = _frames(days=460, contacts=20, lift=400)
    params = AnalysisParameters(permutations=400, model=False)
    results = {}
    for language in ("en", "uk"):
        with activate(language):
            results[language] = analyse(strikes, contacts, params)
    assert results["en"].positive and results["uk"].positive
    assert results["en"].metrics == results["uk"].metrics
    assert "more than chance explains" in results["en"].verdict
    assert "більше, ніж пояснює випадковість" in results["uk"].verdict
    assert "не доказ того, що контакти спричинили удари" in results["uk"].verdict
    quiet_strikes, quiet_contacts = _frames(days=460, contacts=20, lift=0)
    with activate("uk"):
        quiet = analyse(quiet_strikes, quiet_contacts, params)
    assert not quiet.positive and quiet.verdict.startswith("Доказів зростання після контактів немає")


def _frames(*, days: int, contacts: int, lift: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily waves at 20:00 UTC for `days` days; `contacts` calls 20 days apart at 12:00 UTC from day 40; the night
    after each call `lift` drones heavier."""
    calls = [40 + 20 * index for index in range(contacts)]
    after = {day for call in calls for day in (call, call + 1)}
    strikes = pd.DataFrame(
        {
            "at": pd.to_datetime([START + timedelta(days=day, hours=20) for day in range(days)], utc=True),
            "time_known": True,
            "drones": pd.Series([100 + (day * 7) % 23 + (lift if day in after else 0) for day in range(days)]),
            "missiles": pd.Series([day % 4 for day in range(days)]),
        }
    )
    frame = pd.DataFrame(
        {
            "id": range(1, contacts + 1),
            "at": pd.to_datetime([START + timedelta(days=day, hours=12) for day in calls], utc=True),
            "time_known": True,
            "parties": "Trump, Putin",
            "kind": "call",
            "confidence": "confirmed",
        }
    )
    return strikes, frame


@pytest.mark.parametrize(
    ("contacts", "english", "ukrainian"),
    [
        (1, "Too few contacts to conclude: 1 contact could be tested", "перевірити вдалося 1 контакт,"),
        (2, "Too few contacts to conclude: 2 contacts could be tested", "перевірити вдалося 2 контакти,"),
        (5, "in the 3 days after 5 contacts came to", "за 3 дні після 5 контактів —"),
        (11, "in the 3 days after 11 contacts came to", "за 3 дні після 11 контактів —"),
        (21, "in the 3 days after 21 contacts came to", "за 3 дні після 21 контакту —"),
        (22, "in the 3 days after 22 contacts came to", "за 3 дні після 22 контактів —"),
    ],
)
def test_contacts_are_counted_with_ukrainian_plurals(contacts: int, english: str, ukrainian: str) -> None:
    strikes, frame = _frames(days=60 + 20 * contacts, contacts=contacts, lift=400)
    params = AnalysisParameters(permutations=200, model=False)
    with activate("en"):
        assert english in analyse(strikes, frame, params).verdict
    with activate("uk"):
        result = analyse(strikes, frame, params)
        assert ukrainian in result.verdict, result.verdict
        assert _latin_words(result.verdict) == []


@pytest.mark.parametrize(
    ("n", "contacts", "episodes", "days"),
    [
        (1, "1 контакт", "(1 епізод: деякі вікна перекриваються)", "1 день"),
        (2, "2 контакти", "(2 епізоди: деякі вікна перекриваються)", "2 дні"),
        (4, "4 контакти", "(4 епізоди: деякі вікна перекриваються)", "4 дні"),
        (5, "5 контактів", "(5 епізодів: деякі вікна перекриваються)", "5 днів"),
        (11, "11 контактів", "(11 епізодів: деякі вікна перекриваються)", "11 днів"),
        (12, "12 контактів", "(12 епізодів: деякі вікна перекриваються)", "12 днів"),
        (21, "21 контакт", "(21 епізод: деякі вікна перекриваються)", "21 день"),
        (1234, f"1{NBSP}234 контакти", f"(1{NBSP}234 епізоди: деякі вікна перекриваються)", f"1{NBSP}234 дні"),
    ],
)
def test_counted_phrases_take_the_ukrainian_form_for_each_number(
    n: int, contacts: str, episodes: str, days: str
) -> None:
    with activate("uk"):
        assert words.contacts_text(n) == contacts
        assert words.overlap_text(n + 1, n) == " " + episodes
        assert words.days_text(n) == days
    with activate("en"):
        assert words.contacts_text(n) == (f"{n:,} contact" if n == 1 else f"{n:,} contacts")


def test_figures_are_written_the_ukrainian_way() -> None:
    with activate("uk"):
        assert words.ratio_text(1.47) == "×1,47"
        assert words.ratio_text(None) == words.ratio_text(math.inf) == "—"
        assert words.p_text(0.48) == "0,480" and words.p_text(0.4815) == "0,481"  # rounded as English rounds
        assert words.interval_text(0.8, 1.31) == "95 % ДІ ×0,80–×1,31"
        assert words.day_label(0) == "Д" and words.day_label(-7) == "Д−7" and words.day_label(3) == "Д+3"
        assert words.listed(["#3", "#4", "#5"]) == "#3, #4 і #5"
    with activate("en"):
        assert words.ratio_text(1.47) == "×1.47" and words.p_text(0.4815) == "0.481"
        assert words.day_label(-7) == "D−7" and words.listed(["#3", "#4"]) == "#3 and #4"


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_both_languages_show_the_same_digits(value: float, digits: int) -> None:
    """One rounding for both languages (Python's), so a figure never reads 0.481 in English and 0,482 in Ukrainian;
    and English skips Babel only because CLDR's English says the same."""
    from decimal import Decimal

    from babel.numbers import format_decimal

    with activate("en"):
        english = format_number(value, digits)
    with activate("uk"):
        ukrainian = format_number(value, digits)
    assert english.replace(",", "") == ukrainian.replace(NBSP, "").replace("\u202f", "").replace(",", ".")
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    assert format_decimal(Decimal(f"{value:.{digits}f}"), format=pattern, locale="en") == english


STRIKE_ROWS = st.lists(
    st.tuples(st.integers(0, 200 * 24 * 60), st.booleans(), st.integers(0, 900), st.integers(0, 60)), max_size=120
)
CONTACT_ROWS = st.lists(st.tuples(st.integers(0, 200 * 24 * 60), st.booleans()), max_size=14)


@settings(max_examples=30, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STRIKE_ROWS, CONTACT_ROWS, st.integers(1, 5), st.sampled_from(METRICS), st.integers(1, 6))
def test_any_data_reads_the_same_in_ukrainian(
    strikes: list, contacts: list, window: int, metric: str, min_episodes: int
) -> None:
    """Whatever the data — nothing stored, no contact inside it, too few episodes, contacts left out, a clear
    verdict — the Ukrainian reply has the English one's figures and no English word."""

    strike_frame, contact_frame = event_frames(strikes, contacts, START)
    params = AnalysisParameters(
        window_days=window, metric=metric, permutations=200, model=False, min_episodes=min_episodes
    )
    replies = {}
    for language in ("en", "uk"):
        with activate(language):
            result = analyse(strike_frame, contact_frame, params)
            replies[language] = _everything(render(result))
    assert _numbers(replies["uk"], "uk") == _numbers(replies["en"], "en")
    assert _latin_words(replies["uk"]) == [], replies["uk"]
    assert re.search("[а-яіїєґ]", replies["uk"])


def test_nothing_to_test_is_said_in_ukrainian_and_chart_falls_back_to_words(
    core: Core, make_request: RequestMaker
) -> None:
    reply = core.router.handle(_ukrainian(make_request, "analysis"))
    assert reply.ok and reply.text.startswith("Повідомлень про удари ще немає, тож нема з чим порівнювати")
    assert "callwatch import strikes FILE" in reply.text and _latin_words(reply.plain()) == []
    core.router.handle(make_request("strike", "at=2025-07-01T20:00Z drones=10"))
    chart = core.router.handle(_ukrainian(make_request, "analysis", "chart"))
    assert chart.ok and chart.image is None
    assert chart.text.startswith("Контактів для перевірки ще немає: запишіть контакт командою /contact")


def test_bad_arguments_are_refused_in_ukrainian_with_the_usage(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(_ukrainian(make_request, "analysis", "window=99"))
    assert not reply.ok
    assert "має бути від 1 до 30 днів" in reply.text
    assert "Як користуватися:" in reply.text and "Чи більше ударів за window= днів після контактів" in reply.text
    english = core.router.handle(make_request("analysis", "window=99"))
    assert "must be between 1 and 30 days" in english.text and "Usage:" in english.text


def test_parameter_errors_are_ukrainian_for_a_ukrainian_caller() -> None:
    with activate("uk"), pytest.raises(ValueError, match="вікно має бути від 1 до 30 днів"):
        AnalysisParameters(window_days=31)
    with activate("uk"), pytest.raises(ValueError, match="період порожній: from= має бути раніше за to="):
        AnalysisParameters(start=START, end=START)
    with activate("uk"), pytest.raises(ValueError, match="metric= має бути одним із: drones, missiles, total"):
        AnalysisParameters(metric="tanks")


@pytest.fixture
def chart_texts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The text of every chart saved while the test runs, as matplotlib drew it (titles, axes, ticks, legend)."""
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    saved: list[list[str]] = []
    original = Figure.savefig

    def savefig(figure: Figure, *args: object, **kwargs: object) -> None:
        original(figure, *args, **kwargs)  # draws: the date axis' tick labels exist from here on
        saved.append([text.get_text() for text in figure.findobj(Text) if text.get_visible() and text.get_text()])

    monkeypatch.setattr(Figure, "savefig", savefig)
    yield saved


def _glyphless(texts: list[str]) -> set[str]:
    """Characters of `texts` that matplotlib's default font has no glyph for."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(font_manager.FontProperties()))
    charmap = font.get_charmap()
    return {char for text in texts for char in text if not char.isspace() and ord(char) not in charmap}


def test_the_profile_chart_is_drawn_in_ukrainian(
    core: Core, make_request: RequestMaker, chart_texts: list[list[str]]
) -> None:
    _seed(core)
    assert core.router.handle(make_request("lang", "uk")).ok  # the Slack admin chooses Ukrainian
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reply = core.router.handle(make_request("analysis", "chart metric=missiles"))
    assert reply.ok and reply.image is not None and reply.image.png.startswith(b"\x89PNG"), reply.text
    assert not [str(w.message) for w in caught if "missing from" in str(w.message).lower()]
    assert (
        reply.image.title == "Ракети за добу (київський час) навколо контактів, 2025-03-01 → 2025-07-28 (7 контактів)"
    )
    assert reply.title == reply.image.title and reply.text.startswith("Доказів зростання після контактів немає")
    (texts,) = chart_texts
    assert reply.image.title in texts
    assert "спостережено (середнє на контакт)" in texts and "очікувано за сусідніми днями" in texts
    assert "ракети за добу" in texts and "Доба відносно доби контакту (за київським часом, Europe/Kyiv)" in texts
    assert {"Д−7", "Д", "Д+7"} <= set(texts) and "Д … Д+3: доби, яких сягають 72-годинні вікна" in texts
    assert "очікувано ±1,96 ст. похибки (дні в межах зсуву тесту)" in texts
    # Missiles average about one a day: the y axis has decimals, written with a comma.
    assert [text for text in texts if re.fullmatch(r"\d+,\d+", text)]
    assert not [text for text in texts if re.fullmatch(r"\d+\.\d+", text)]
    assert _latin_words(" ".join(texts)) == [], texts
    assert not _glyphless(texts), "DejaVu Sans draws every letter"


def test_the_timeline_chart_is_drawn_in_ukrainian_months_and_all(
    core: Core, make_request: RequestMaker, chart_texts: list[list[str]]
) -> None:
    _seed(core)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reply = core.router.handle(_ukrainian(make_request, "timeline", "chart from=2025-03-01 to=2025-06-01"))
    assert reply.ok and reply.image is not None, reply.text
    assert not [str(w.message) for w in caught if "missing from" in str(w.message).lower()]
    # to= a bare date includes that day: 2 June 00:00 UTC is 03:00 in Kyiv, so 2 June is the last Kyiv day drawn.
    assert reply.image.title == "Удари й контакти, 2025-03-01 → 2025-06-02 (доби за київським часом)"
    (texts,) = chart_texts
    heading = "Удари й контакти, 2025-03-01 → 2025-06-02 (доби за київським часом): дрони й ракети за добу"
    assert any(text.startswith(heading) for text in texts), texts
    assert {"дронів за добу", "ракет за добу", "вікно контакту (72 год)", "контакт (у свій час)"} <= set(texts)
    assert "контакт, година не повідомлена (його доба)" in texts
    assert {"квіт.", "трав."} <= set(texts), texts  # the months, named in Ukrainian
    assert _latin_words(" ".join(texts)) == [], texts
    assert not _glyphless(texts)


def test_an_empty_chart_says_so_in_ukrainian(core: Core, chart_texts: list[list[str]]) -> None:
    from handlers.analysis.charts import render_timeline_chart

    with activate("uk"):
        image = render_timeline_chart(core.ctx, START - timedelta(days=400), START - timedelta(days=300), UTC)
    assert image.png.startswith(b"\x89PNG")
    assert "За цей період немає ні ударів, ні контактів" in chart_texts[0]


def test_the_command_line_stays_english_whatever_people_chose(
    core: Core, make_request: RequestMaker, monkeypatch: pytest.MonkeyPatch, chart_texts: list[list[str]]
) -> None:
    _seed(core)
    assert core.router.handle(make_request("lang", "uk")).ok
    monkeypatch.setenv("CALLWATCH_DATABASE_URL", core.settings.database_url)
    monkeypatch.setenv("CALLWATCH_TZ", "UTC")
    runner = CliRunner()
    plain = runner.invoke(app, ["analyze"])
    assert plain.exit_code == 0 and "Primary test, fixed in advance" in plain.stdout
    as_json = runner.invoke(app, ["analyze", "--json"])
    payload = json.loads(as_json.stdout)
    assert not re.search("[а-яіїєґ]", plain.stdout + as_json.stdout, re.IGNORECASE)
    assert payload["conventions"][-1] == "retracted reports and repeat reports of the same contact are left out"
    assert runner.invoke(app, ["export", "--format", "png", "-o", "/dev/null"]).exit_code == 0
    assert not re.search("[а-яіїєґ]", " ".join(chart_texts[-1]), re.IGNORECASE)
