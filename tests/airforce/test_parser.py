"""The parser on short texts built to isolate one rule each (the corpus tests it on whole real reports)."""

from __future__ import annotations

import datetime as dt

import pytest

from handlers.airforce import ParsedReport, Refusal, parse_report
from handlers.imports.weapon_classes import classify


def read(text: str, posted_at: dt.date | dt.datetime | None = None) -> ParsedReport:
    result = parse_report(text, posted_at)
    assert isinstance(result, ParsedReport), result
    return result


NATIONAL = "Повітряні сили ЗСУ повідомляють. "


def test_number_words_in_a_report() -> None:
    report = read(
        NATIONAL + "У ніч на 3 червня 2025 року противник атакував шістьма балістичними ракетами Іскандер-М/KN-23 "
        "та сорока двома ударними БпЛА. Збито п'ять ракет і тридцять дронів."
    )
    assert report.by_weapon["Iskander-M/KN-23"].launched == 6
    assert (report.drones_launched, report.drones_destroyed) == (42, 30)
    assert report.missiles_destroyed == 5
    assert report.night == dt.date(2025, 6, 3)


def test_english_number_words() -> None:
    report = read("Ukraine's air force said Russia launched two hundred drones and four Kalibr missiles overnight.")
    assert report.drones_launched == 200
    assert report.by_weapon["Kalibr"].launched == 4


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("близько", "Повітряні сили: противник атакував близько 100 ударними БпЛА."),
        ("понад", "Повітряні сили: противник атакував понад 100 ударними БпЛА."),
        ("about", "The Air Force said Russia launched about 100 drones."),
        ("over", "The Air Force said Russia launched over 100 drones."),
        ("more than", "The Air Force said Russia launched more than 100 drones."),
    ],
)
def test_approximate_counts_keep_their_number_and_say_so(word: str, text: str) -> None:
    report = read(text)
    assert report.drones_launched == 100
    assert "drones_launched" in report.approximate, word


def test_an_exact_count_beats_an_approximate_one() -> None:
    report = read(
        "Повітряні сили: вночі росія атакувала понад п'ятьма десятками дронів. Противник застосував 54 ударні БпЛА."
    )
    assert report.drones_launched == 54 and "drones_launched" not in report.approximate


def test_numbers_that_are_not_counts_are_ignored() -> None:
    report = read(
        "У ніч на 12 липня 2025 року (з 18:00 11 липня) противник атакував 30 ударними БпЛА та 2 ракетами Х-101 "
        "з Ту-95МС. Станом на 08:30 збито 25 ворожих БпЛА у 12 областях. Тривога тривала 5 годин. "
        "Про це повідомили Повітряні сили."
    )
    assert report.night == dt.date(2025, 7, 12)
    assert report.drones_launched == 30 and report.drones_destroyed == 25
    assert report.by_weapon["X-101/X-555"].launched == 2
    assert report.missiles_launched == 2  # not 101, 95, 12, 18, 5 or 2025


@pytest.mark.parametrize(
    ("written", "model"),
    [
        ("ударними БпЛА типу Шахед", "Shahed-136/131"),
        ("Shahed-136/131 strike UAVs", "Shahed-136/131"),
        ("дронами Гербера", "Gerbera"),
        ("балістичними ракетами Іскандер-М", "Iskander-M/KN-23"),
        ("KN-23 ballistic missiles", "Iskander-M/KN-23"),
        ("крилатими ракетами Іскандер-К", "Iskander-K"),
        ("крилатими ракетами Х-101", "X-101/X-555"),
        ("Kh-101 cruise missiles", "X-101/X-555"),
        ("ракетами Калібр", "Kalibr"),
        ("Kalibr missiles", "Kalibr"),
        ("аеробалістичними ракетами Кинджал", "X-47 Kinzhal"),
        ("Kinzhal missiles", "X-47 Kinzhal"),
        ("керованими авіаційними ракетами Х-59/69", "X-59/X-69"),
        ("Kh-59/69 guided missiles", "X-59/X-69"),
        ("зенітними керованими ракетами С-300/400", "C-300/C-400"),
        ("S-400 missiles", "C-400"),
        ("ракетами Х-22", "X-22"),
        ("ракетами Х-31П", "X-31P"),
        ("ракетами Циркон", "3M22 Zircon"),
        ("реактивними БпЛА", "Jet UAV"),
        ("безпілотниками-імітаторами", "Decoy UAV"),
        ("decoy drones", "Decoy UAV"),
    ],
)
def test_weapon_names_map_to_the_import_table(written: str, model: str) -> None:
    report = read(f"Повітряні сили ЗСУ: противник атакував 7 {written}.")
    assert report.by_weapon[model].launched == 7, report.by_weapon
    kind = classify(model).kind
    assert (report.drones_launched if kind == "drone" else report.missiles_launched) == 7


def test_a_group_counted_together_keeps_one_count_and_one_name() -> None:
    report = read(
        "У ніч на 26 січня (з 18:00 25 січня) противник атакував 138 ударними БпЛА типу Shahed, «Гербера» і "
        "безпілотниками інших типів, близько 90 із них – «Шахеди». За попередніми даними, станом на 08:00, "
        "протиповітряною обороною збито/подавлено 110 ворожих БпЛА. Повітряні сили ЗСУ.",
        dt.date(2026, 1, 26),
    )
    group = report.by_weapon["Shahed-136/131 and Gerbera and Unknown UAV"]
    assert (group.launched, group.destroyed) == (138, 110)
    assert dict(report.composition) == {"Shahed-136/131": 90}
    assert report.missiles_launched == 0 and report.missiles_destroyed == 0


def test_what_the_report_does_not_say_stays_unknown() -> None:
    report = read("Ukraine's air force said it shot down 15 drones overnight and that Russia launched a Kh-59 missile.")
    assert report.drones_destroyed == 15 and report.drones_launched is None
    assert report.missiles_launched == 1 and report.missiles_destroyed is None


def test_of_and_all_shorthand() -> None:
    assert read("Air Force: air defence destroyed 28 out of 31 drones.").by_weapon["Unknown UAV"].launched == 31
    all_of_them = read("Ukraine shot down all 14 drones launched overnight, its air force said.")
    assert (all_of_them.drones_launched, all_of_them.drones_destroyed) == (14, 14)
    uk = read("Повітряні сили: ППО знищили 53 з 119 безпілотників.")
    assert (uk.drones_launched, uk.drones_destroyed) == (119, 53)


def test_lost_and_hits_are_kept_apart_from_destroyed() -> None:
    report = read(
        "Повітряні сили: противник атакував 72 ударними БпЛА. Збито 50 ворожих БпЛА. 9 безпілотників-імітаторів "
        "локаційно втрачені. Зафіксовано влучання 13 ударних БпЛА на 7 локаціях."
    )
    assert (report.drones_launched, report.drones_destroyed, report.drones_lost) == (72, 50, 9)
    assert (report.hits.weapons, report.hits.locations) == (13, 7)


def test_night_rules() -> None:
    assert read("Повітряні сили: у ніч з 6 на 7 січня 2025 противник атакував 38 БпЛА.").night == dt.date(2025, 1, 7)
    assert read("Air Force: from 18:00 on 3 July 2025 Russia launched 539 drones.").night == dt.date(2025, 7, 4)
    # No year and no posting time: the year is not guessed...
    assert read("Повітряні сили: у ніч на 4 липня противник атакував 539 БпЛА.").night is None
    # ...unless the weekday settles it (4 July was a Friday only in 2025 among the war's years).
    assert read("Повітряні сили: у ніч на п'ятницю, 4 липня, противник атакував 539 БпЛА.").night == dt.date(2025, 7, 4)
    assert read("Повітряні сили: цієї ночі противник атакував 5 БпЛА.", dt.date(2025, 7, 4)).night == dt.date(
        2025, 7, 4
    )
    assert read("Повітряні сили: цієї ночі противник атакував 5 БпЛА.").night is None


def test_the_issuer_and_region_of_a_regional_report() -> None:
    report = read("Сили оборони півдня: вночі збито 11 ударних БпЛА типу Shahed над Одещиною.")
    assert (report.issuer, report.region) == ("Defence Forces of the South", "south")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("17", "short"),
        ("Министерство обороны РФ: над территорией Брянской области уничтожены 12 украинских БПЛА.", "Russian"),
        (
            "Russia's Defence Ministry said its air defences destroyed 45 Ukrainian drones over Russian regions.",
            "Russian",
        ),
        ("Вчера вечером в Москве прошёл концерт, на который пришли 500 человек и два оркестра.", "Russian"),
        ("Повітряні сили: загроза застосування балістичного озброєння, прямуйте до укриття.", "no count"),
        ("A drone attack on Kyiv killed three people and damaged 12 buildings, the mayor said.", "news story"),
    ],
)
def test_refusals_say_why(text: str, fragment: str) -> None:
    result = parse_report(text)
    assert isinstance(result, Refusal)
    assert fragment.lower() in result.reason.lower(), result.reason


def test_the_result_serialises_with_the_contract_keys() -> None:
    report = read("Повітряні сили: противник атакував 10 ударними БпЛА типу Shahed, збито 9.")
    keys = set(report.as_json())
    assert {
        "night",
        "drones_launched",
        "missiles_launched",
        "drones_destroyed",
        "missiles_destroyed",
        "by_weapon",
    } <= keys
    assert parse_report("").as_json() == {"refused": "the text is empty"}


def test_a_count_given_as_of_which_takes_the_verb_after_it() -> None:
    report = read(
        "Ukraine's air force said Russia launched a total of 67 drones, 58 of which it was able to shoot down."
    )
    assert (report.drones_launched, report.drones_destroyed) == (67, 58)


def test_a_missile_total_of_several_types_is_not_renamed_after_one_of_them() -> None:
    report = read(
        "Речник Повітряних сил: було збито три балістичні ракети, що летіли на Київ. "
        "Загалом РФ застосувала 22 ракети та понад 460 безпілотників."
    )
    assert report.missiles_launched == 22 and report.missiles_destroyed is None
    assert report.by_weapon["Ballistic Missile"].destroyed == 3
    assert report.drones_launched == 460 and "drones_launched" in report.approximate


def test_drone_as_an_adjective_is_no_drone() -> None:
    report = read("Air Force: Russia launched 40 drones overnight amid a wave of Ukrainian drone interceptions.")
    assert report.drones_launched == 40


def test_every_name_the_parser_gives_is_classed_by_the_import_table() -> None:
    from handlers.airforce.weapons import _MODELS

    missiles = {"Iskander-K", "Iskander-M/KN-23", "Iskander", "X-101/X-555", "Kalibr", "X-47 Kinzhal", "X-59/X-69",
                "X-59MK2", "X-59", "X-69", "X-22", "X-32", "X-31PD", "X-31P", "X-31", "X-35", "C-300/C-400", "C-300",
                "C-400", "3M22 Zircon", "P-800 Oniks", "Oreshnik", "Intercontinental Ballistic Missile",
                "Cruise Missile", "Ballistic Missile", "Guided Air Missile", "Unknown Missile"}  # fmt: skip
    names = {name for _pattern, name in _MODELS} | {"Cruise Missile", "Ballistic Missile", "Guided Air Missile"}
    for name in names | {"Unknown UAV", "Unknown Missile", "Shahed-136/131 and Gerbera and Decoy UAV and Unknown UAV"}:
        assert classify(name).kind == ("missile" if name in missiles else "drone"), name


def test_an_over_long_paste_is_refused_and_a_long_one_still_read() -> None:
    assert isinstance(parse_report("Повітряні сили: противник атакував 5 БпЛА. " * 1000), Refusal)
    long_one = read("Повітряні сили: противник атакував 5 ударними БпЛА, " + "без наслідків, " * 900)
    assert long_one.drones_launched == 5


def test_an_approximate_weapon_count_is_marked_on_the_weapon_too() -> None:
    report = read("The Air Force said Russia launched over 100 Shahed drones and 6 Kalibr missiles.")
    assert report.by_weapon["Shahed-136/131"].approximate and not report.by_weapon["Kalibr"].approximate
    assert report.as_json()["by_weapon"]["Shahed-136/131"]["approximate"] is True


LIST_REPORT = """У ніч на 4 липня 2025 року (з 18:00 3 липня) противник атакував 550 засобами повітряного нападу:
– 539 ударними БпЛА типу Shahed та імітаторами різних типів;
– 6 балістичними ракетами Іскандер-М/KN-23;
– 4 крилатими ракетами Іскандер-К;
– 1 аеробалістичною ракетою Кинджал.
За попередніми даними, станом на 10:00, протиповітряною обороною знешкоджено 270 повітряних цілей:
– 268 ворожих БпЛА;
– 2 крилаті ракети Іскандер-К.
Ще 208 імітаторів локаційно втрачено.
Повітряні сили ЗСУ."""


def test_a_report_laid_out_as_lists() -> None:
    """The Air Force's own layout for combined attacks: a verb, a colon, one bullet line per weapon. (Built here
    after that layout, with the data set's counts for 3–4 July 2025; the corpus has no copy of such a post.)"""
    report = read(LIST_REPORT)
    assert report.night == dt.date(2025, 7, 4)
    assert (report.drones_launched, report.drones_destroyed, report.drones_lost) == (539, 268, 208)
    assert (report.missiles_launched, report.missiles_destroyed) == (11, 2)
    weapons = report.by_weapon
    assert (weapons["Iskander-K"].launched, weapons["Iskander-K"].destroyed) == (4, 2)
    # The destroyed list adds up to its stated total, so what it leaves out was not destroyed.
    assert weapons["Iskander-M/KN-23"].destroyed == 0 and weapons["X-47 Kinzhal"].destroyed == 0


def test_an_incomplete_destroyed_list_leaves_the_rest_unknown() -> None:
    report = read(LIST_REPORT.replace("270 повітряних цілей", "275 повітряних цілей"))
    assert report.by_weapon["Iskander-M/KN-23"].destroyed is None and report.missiles_destroyed is None


def test_the_english_list_layout_and_a_shared_passive() -> None:
    report = read(
        "On the night of July 4 (from 18:00 on July 3), the enemy attacked with 550 means of air attack: 539 "
        "Shahed-type attack UAVs and decoy drones of various types; 6 Iskander-M/KN-23 ballistic missiles; 4 "
        "Iskander-K cruise missiles; 1 Kinzhal aeroballistic missile. As of 10:00, air defense neutralized 270 air "
        "targets: 268 enemy UAVs and 2 Iskander-K cruise missiles. Ukraine's Air Force reported on Telegram.",
        dt.date(2025, 7, 4),
    )
    assert (report.drones_launched, report.missiles_launched, report.drones_destroyed) == (539, 11, 268)
    assert report.missiles_destroyed == 2
    shared = read(
        "Ukraine's Air Force said Russia attacked overnight with 40 drones and 5 missiles (three Kh-101 and two "
        "Kalibr); 35 drones and all missiles were shot down."
    )
    assert (shared.drones_destroyed, shared.missiles_destroyed) == (35, 5)
    assert shared.by_weapon["Kalibr"].launched == 2 and shared.by_weapon["X-101/X-555"].destroyed == 3


@pytest.mark.parametrize(
    "text",
    [
        "Повітряні сили: за минулий тиждень ворог запустив по Україні понад 1200 ударних БпЛА та 40 ракет.",
        "The Air Force said Russia launched 1,270 drones and 39 missiles over the past week.",
    ],
)
def test_a_weekly_tally_is_not_an_overnight_report(text: str) -> None:
    assert isinstance(parse_report(text), Refusal)


def test_struck_with_names_the_model_as_attacked_with_does() -> None:
    """ "завдав удару N ракетами" is a launch verb like "атакував": the model is read, not lost as Unknown Missile."""
    for verb in ("атакував", "завдав удару", "завдав масованого удару"):
        parsed = parse_report(
            f"У ніч на 6 липня 2025 року противник {verb} 4 балістичними ракетами Іскандер-М. Усі 4 ракети збито. "
            "Повітряні сили ЗСУ"
        )
        assert isinstance(parsed, ParsedReport), verb
        assert parsed.missiles_launched == 4 and parsed.missiles_destroyed == 4, verb
        assert {weapon.name: weapon.launched for weapon in parsed.weapons} == {"Iskander-M/KN-23": 4}, verb
