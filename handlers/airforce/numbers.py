"""Counts written as words, in Ukrainian (every case form) and English: "сорок два", "двісті", "two hundred".

Reports mix digits and words ("54-ма ударними БпЛА", "на восьми локаціях", "all five drones"); a number word is
read only as part of a run of number words, so "три" never matches inside "тривога" and "сто" not in "столиця".
"""

from __future__ import annotations

import re

# Each stem takes the case endings of its row; forms are listed out rather than matched by prefix on purpose.
_UK_FORMS: dict[int, tuple[str, ...]] = {
    1: ("один", "одна", "одне", "одно", "одного", "одної", "одній", "одному", "одним", "одною", "одну", "одні"),
    2: ("два", "дві", "двох", "двом", "двома"),
    3: ("три", "трьох", "трьом", "трьома"),
    4: ("чотири", "чотирьох", "чотирьом", "чотирма", "чотирьома"),
    5: ("п'ять", "п'яти", "п'ятьох", "п'ятьом", "п'ятьма"),
    6: ("шість", "шести", "шістьох", "шістьом", "шістьма", "шістьома"),
    7: ("сім", "семи", "сімох", "сімом", "сьома", "сімома"),
    8: ("вісім", "восьми", "вісьмох", "восьмох", "вісьмом", "вісьмома", "вісьма"),
    9: ("дев'ять", "дев'яти", "дев'ятьох", "дев'ятьом", "дев'ятьма"),
    40: ("сорок", "сорока"),
    90: ("дев'яносто", "дев'яноста"),
    100: ("сто", "ста", "сотня", "сотню", "сотні"),
    200: ("двісті", "двохсот", "двомстам", "двомастами", "двохстах"),
    300: ("триста", "трьохсот", "трьомстам", "трьомастами", "трьохстах"),
    400: ("чотириста", "чотирьохсот", "чотирьомстам", "чотирмастами", "чотирьохстах"),
    500: ("п'ятсот", "п'ятисот", "п'ятистам", "п'ятьмастами", "п'ятистах"),
    600: ("шістсот", "шестисот", "шестистам", "шістьмастами", "шестистах"),
    700: ("сімсот", "семисот", "семистам", "сімомастами", "семистах"),
    800: ("вісімсот", "восьмисот", "восьмистам", "вісьмомастами", "восьмистах"),
    900: ("дев'ятсот", "дев'ятисот", "дев'ятистам", "дев'ятьмастами", "дев'ятистах"),
}
# Numerals ending in -ять/-ать decline alike: одинадцять, одинадцяти, одинадцятьох, одинадцятьом, одинадцятьма.
_UK_DECLINED = {
    10: "десят",
    11: "одинадцят",
    12: "дванадцят",
    13: "тринадцят",
    14: "чотирнадцят",
    15: "п'ятнадцят",
    16: "шістнадцят",
    17: "сімнадцят",
    18: "вісімнадцят",
    19: "дев'ятнадцят",
    20: "двадцят",
    30: "тридцят",
}
_UK_TENS = {50: "п'ятдесят", 60: "шістдесят", 70: "сімдесят", 80: "вісімдесят"}
_THOUSAND_UK = ("тисяча", "тисячі", "тисяч", "тисячу", "тисячею", "тисячам", "тисячами")

_EN_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip


def _word_values() -> dict[str, int]:
    words: dict[str, int] = dict(_EN_UNITS)
    for value, forms in _UK_FORMS.items():
        words.update(dict.fromkeys(forms, value))
    for value, stem in _UK_DECLINED.items():
        words.update(dict.fromkeys((stem + "ь", stem + "и", stem + "ьох", stem + "ьом", stem + "ьма"), value))
    for value, stem in _UK_TENS.items():
        words.update(dict.fromkeys((stem, stem + "и", stem + "ьох", stem + "ьом", stem + "ьма"), value))
    return words


WORD_VALUES: dict[str, int] = _word_values()
HUNDRED = frozenset({"hundred"})  # "hundreds of drones" is no count
THOUSAND = frozenset({"thousand", *_THOUSAND_UK})
NUMBER_WORDS = frozenset(WORD_VALUES) | HUNDRED | THOUSAND
HALF_HUNDRED = frozenset({"півсотні", "півсотня"})  # "пів сотні" is joined into this by the tokenizer's caller
CONNECTORS = frozenset({"and"})  # "two hundred and forty"

# "205-ма", "22-х", "5-ти", "знищення 81-го": a case ending written after digits is still a count (a date
# "12-го березня" is told apart by its month, an ordinal "3-й" is not read).
_DIGIT_CASE = re.compile(r"^(\d{1,6})(?:-(?:ма|ти|ми|х|ох|ьох|ом|ьом|ю|го|му))?$")


def digits_value(token: str) -> int | None:
    """The count written in digits, or None for ordinals ("3-й") and anything else."""
    match = _DIGIT_CASE.match(token)
    return int(match.group(1)) if match else None


def words_value(words: list[str]) -> tuple[int, int] | None:
    """Read the longest run of number words at the start of `words`: (value, how many words it used).

    Each word must be of a smaller order than the one before ("сорок два", never "два сорок"), so two separate
    numbers side by side are not added up.
    """
    total = current = used = 0
    last_order = 10**9
    index = 0
    while index < len(words):
        word = words[index]
        if word in CONNECTORS and used and index + 1 < len(words) and words[index + 1] in WORD_VALUES:
            index += 1
            continue
        if word in HALF_HUNDRED and not used:
            return 50, 1
        if word in HUNDRED and current < 100:
            current = max(current, 1) * 100
            last_order = 100
        elif word in THOUSAND and (current or not used):
            total += max(current, 1) * 1000
            current = 0
            last_order = 1000
        elif word in WORD_VALUES:
            value = WORD_VALUES[word]
            order = 100 if value >= 100 else (10 if value >= 20 else 1)
            if value >= 10 and value < 20:
                order = 1
            if order >= last_order or (current and order == 1 and current % 10):
                break
            current += value
            last_order = order
        else:
            break
        used = index + 1
        index += 1
    if not used:
        return None
    return total + current, used
