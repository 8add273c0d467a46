"""Which morning a report is for, from its own date phrases, or from the date it was posted.

The Air Force counts a night by the morning it ends on: "у ніч на 4 липня" and "from 18:00 on 3 July" are both
the night of 4 July. A report that names no year takes it from `posted_at`; without that, a weekday it names
("в ніч на четвер, 22 травня") settles the year when exactly one year of the war fits. Anything else is unknown:
the parser never guesses a year.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

KYIV = "Europe/Kyiv"  # loaded only when a posting time with a zone has to be turned into a Kyiv date
FIRST_YEAR = 2022  # the reports this parser reads start with the full-scale invasion

_UK_MONTHS = {
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6, "липня": 7, "серпня": 8,
    "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
}  # fmt: skip
_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_UK_WEEKDAYS = {
    "понеділ": 0, "вівтор": 1, "серед": 2, "четвер": 3, "п'ятниц": 4, "субот": 5, "неділ": 6,
}  # fmt: skip
_EN_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_UK_MONTH = "|".join(_UK_MONTHS)
_EN_MONTH = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_YEAR = r"(?:,?\s*(?P<year>20\d\d)(?:\s*(?:року|р\.|р\b))?)?"
_UK_DATE = rf"(?P<day>\d{{1,2}})\s+(?P<month>{_UK_MONTH}){_YEAR}"
_EN_DATE = (
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_EN_MONTH})\.?|(?P<month2>{_EN_MONTH})\.?\s+(?P<day2>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?){_YEAR}"
)
_UK_WEEKDAY = r"(?P<weekday>понеділ|вівтор|серед|четвер|п'ятниц|субот|неділ)\w*"
_EN_WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# The night is named: "у ніч на 26 січня", "в ніч проти 21 вересня", "у ніч з 6 на 7 січня",
# "в ніч на четвер, 22 травня".
_UK_NIGHT = re.compile(
    rf"(?:ніч\w*|вночі)\s+(?:з\s+\d{{1,2}}\s+)?(?:на|проти)\s+(?:{_UK_WEEKDAY},?\s+)?{_UK_DATE}", re.IGNORECASE
)
# "On the night of 22–23 April", "night of October 23, 2024", "night from 3 to 4 July".
_EN_NIGHT = re.compile(
    rf"night\s+(?:of|to|on|from)\s+(?:(?:the\s+)?\d{{1,2}}\s*(?:–|-|to)\s*)?{_EN_DATE}", re.IGNORECASE
)
# The wave started in the evening: "(з 18:00 25 січня)", "from 18:00 on 3 July", "from 19:00 on Wednesday, December 24".
_UK_FROM = re.compile(rf"з\s+(?P<hour>\d{{1,2}})[:.]\d\d\s+(?:{_UK_WEEKDAY},?\s+)?{_UK_DATE}", re.IGNORECASE)
_EN_FROM = re.compile(
    rf"from\s+(?P<hour>\d{{1,2}})[:.]\d\d\s+(?:on\s+)?(?:{_EN_WEEKDAY},?\s+)?{_EN_DATE}", re.IGNORECASE
)
# A dated day without "night": "Увечері 7 квітня", "On Dec. 25", "as of 08:30 Thursday, December 25".
_DAY_CONTEXT = (
    r"(?<!\w)(?:увечері|ввечері|вдень|вранці|вночі|зранку|станом\s+на(?:\s+\S+){0,2}|on|as\s+of(?:\s+\S+){0,2}|"
    r"evening\s+of|morning\s+of)"
)
_UK_DAY = re.compile(rf"{_DAY_CONTEXT},?\s+(?:{_UK_WEEKDAY},?\s+)?{_UK_DATE}", re.IGNORECASE)
_EN_DAY = re.compile(rf"{_DAY_CONTEXT},?\s+(?:{_EN_WEEKDAY},?\s+)?{_EN_DATE}", re.IGNORECASE)
# Only the weekday: "в ніч на понеділок", "станом на ранок неділі", "said on Monday".
_UK_WEEKDAY_ONLY = re.compile(
    rf"(?:ніч\w*\s+(?:на|проти)|ранок|ранку|станом\s+на\s+\S+)\s+{_UK_WEEKDAY}", re.IGNORECASE
)
_EN_WEEKDAY_ONLY = re.compile(rf"(?:on|early|late|said|morning|overnight)\s+(?:on\s+)?{_EN_WEEKDAY}", re.IGNORECASE)
_UK_FROM_WEEKDAY = re.compile(rf"з\s+\d{{1,2}}[:.]\d\d\s+{_UK_WEEKDAY}", re.IGNORECASE)


def _weekday_of(match: re.Match[str]) -> int | None:
    word = (match.groupdict().get("weekday") or "").casefold()
    if not word:
        return None
    for stem, number in {**_UK_WEEKDAYS, **_EN_WEEKDAYS}.items():
        if word.startswith(stem):
            return number
    return None


def _day_month_year(match: re.Match[str]) -> tuple[int, int, int | None] | None:
    groups = match.groupdict()
    day = groups.get("day") or groups.get("day2")
    month_word = (groups.get("month") or groups.get("month2") or "").casefold()
    month = _UK_MONTHS.get(month_word) or _EN_MONTHS.get(month_word)
    if not day or not month:
        return None
    year = int(groups["year"]) if groups.get("year") else None
    return int(day), month, year


def _resolve(day: int, month: int, year: int | None, weekday: int | None, posted: dt.date | None) -> dt.date | None:
    """A calendar date from day and month, with the year given, taken from the posting date, or fixed by a weekday."""
    if year is not None:
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    if posted is not None:
        candidates = []
        for candidate_year in (posted.year - 1, posted.year, posted.year + 1):
            try:
                candidates.append(dt.date(candidate_year, month, day))
            except ValueError:
                continue
        # The report is for a morning at most a day after it was posted (time zones), never months ahead.
        earlier = [date for date in candidates if date <= posted + dt.timedelta(days=1)]
        return max(earlier) if earlier else None
    if weekday is not None:
        fits = []
        for candidate_year in range(FIRST_YEAR, dt.date.today().year + 1):
            try:
                date = dt.date(candidate_year, month, day)
            except ValueError:
                continue
            if date.weekday() == weekday:
                fits.append(date)
        return fits[0] if len(fits) == 1 else None
    return None


def _posted_date(posted_at: dt.datetime | dt.date | None) -> dt.date | None:
    if posted_at is None:
        return None
    if isinstance(posted_at, dt.datetime):
        if posted_at.tzinfo is None:
            return posted_at.date()
        return posted_at.astimezone(ZoneInfo(KYIV)).date()
    return posted_at


def _first_weekday(text: str) -> int | None:
    for pattern in (_UK_WEEKDAY_ONLY, _EN_WEEKDAY_ONLY):
        match = pattern.search(text)
        if match:
            return _weekday_of(match)
    match = _UK_FROM_WEEKDAY.search(text)
    if match:  # "з 19:00 суботи": the wave began on Saturday evening, so the morning is Sunday
        weekday = _weekday_of(match)
        return None if weekday is None else (weekday + 1) % 7
    return None


def night_of(text: str, posted_at: dt.datetime | dt.date | None = None) -> dt.date | None:
    """The morning date the report is for, or None when neither the text nor `posted_at` can say."""
    posted = _posted_date(posted_at)
    weekday = _first_weekday(text)
    for pattern, evening_start in ((_UK_NIGHT, False), (_EN_NIGHT, False), (_UK_FROM, True), (_EN_FROM, True)):
        for match in pattern.finditer(text):
            parts = _day_month_year(match)
            if parts is None:
                continue
            day, month, year = parts
            named_weekday = _weekday_of(match)
            evening = evening_start and int(match.group("hour")) >= 12
            if named_weekday is None and weekday is not None:
                named_weekday = (weekday - 1) % 7 if evening else weekday  # the text's weekday is the morning's
            date = _resolve(day, month, year, named_weekday, posted)
            if date is None:
                continue
            # A wave that began in the evening ends the next morning, and that morning names the night.
            return date + dt.timedelta(days=1) if evening else date
    for pattern in (_UK_DAY, _EN_DAY):
        for match in pattern.finditer(text):
            parts = _day_month_year(match)
            if parts is None:
                continue
            day, month, year = parts
            named_weekday = _weekday_of(match)
            date = _resolve(day, month, year, named_weekday if named_weekday is not None else weekday, posted)
            if date is not None and (posted is None or abs((date - posted).days) <= 2):
                return date  # a date far from the posting is another event (a photo caption, a reminder)
    if posted is not None:
        return posted
    return None
