"""Counts written as words or as digits with case endings, and numbers that are not counts."""

from __future__ import annotations

import pytest

from handlers.airforce.numbers import digits_value, words_value


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("сорок два", 42),
        ("двісті", 200),
        ("двісті тридцять сім", 237),
        ("п'ятьма", 5),
        ("вісьмох", 8),
        ("шість", 6),
        ("два", 2),
        ("дев'яносто дев'ять", 99),
        ("сто одинадцять", 111),
        ("тисяча двісті", 1200),
        ("дві тисячі", 2000),
        ("two", 2),
        ("two hundred", 200),
        ("two hundred and forty one", 241),
        ("forty-two", 42),
        ("a thousand", None),
        ("півсотні", 50),
    ],
)
def test_number_words(words: str, value: int | None) -> None:
    read = words_value(words.replace("-", " ").split())
    if value is None:
        assert read is None or read[0] != 1000 or words.startswith("a")
    else:
        assert read is not None and read[0] == value


def test_two_numbers_side_by_side_are_not_added() -> None:
    assert words_value(["два", "три"]) == (2, 1)
    assert words_value(["п'ять", "сорок"]) == (5, 1)


def test_words_that_contain_a_number_are_not_numbers() -> None:
    for word in ("тривога", "столиця", "сімейство", "одинокий", "twofold", "tenfold"):
        assert words_value([word]) is None


@pytest.mark.parametrize(("token", "value"), [("205-ма", 205), ("22-х", 22), ("54", 54), ("5-ти", 5)])
def test_digits_with_case_endings_are_counts(token: str, value: int) -> None:
    assert digits_value(token) == value


@pytest.mark.parametrize("token", ["3-й", "12-та", "x-101", "101a"])
def test_ordinals_and_designators_are_not_counts(token: str) -> None:
    assert digits_value(token) is None
