"""Whether a text is an Air Force overnight report at all, and which sentences of it speak for the Air Force.

A news story that mentions an attack, a Russian Ministry of Defence claim or an air-raid alert is refused with a
reason, never read as a report: a wrong count logged as a strike is worse than none. Inside a report, sentences
that quote a governor, recall an earlier night or give a year's background carry numbers that are not this
night's national counts, so the parser skips them.
"""

from __future__ import annotations

import re

from handlers.i18n import _

# Who speaks: the Air Force, its regional air commands, the southern defence forces; or the report's own wording.
_ISSUERS: tuple[tuple[str, str, str | None], ...] = (
    (r"повітрян\w+\s+командуванн\w+\s+[\"']?схід|пвк\s+[\"']?схід|air\s+command\s+[\"']?east",
     "Air Command East", "east"),
    (r"повітрян\w+\s+командуванн\w+\s+[\"']?захід|пвк\s+[\"']?захід|air\s+command\s+[\"']?west",
     "Air Command West", "west"),
    (r"повітрян\w+\s+командуванн\w+\s+[\"']?центр|air\s+command\s+[\"']?cent", "Air Command Centre", "centre"),
    (r"повітрян\w+\s+командуванн\w+\s+[\"']?південь|пвк\s+[\"']?південь|air\s+command\s+[\"']?south",
     "Air Command South", "south"),
    (r"сил\w*\s+оборони\s+півдня|оперативн\w+\s+командуванн\w+\s+[\"']?південь|ок\s+[\"']?південь|"
     r"defen[cs]e\s+forces\s+of\s+(?:the\s+)?south|southern\s+defen[cs]e\s+forces",
     "Defence Forces of the South", "south"),
    (r"повітрян\w+\s+сил|пс\s+зсу|\bkpszsu\b|air\s*forces?\b|air\s+command|ukraine's\s+air|"
     r"командувач\w*\s+повітрян", "Air Force of Ukraine", None),
)  # fmt: skip
_COMPILED_ISSUERS = tuple((re.compile(pattern, re.IGNORECASE), name, region) for pattern, name, region in _ISSUERS)

# The report's own wording, enough to recognise a reposted report that no longer names the Air Force.
_REPORT_WORDING = re.compile(
    r"противник\s+атакував|протиповітрян\w+\s+оборон\w+\s+(?:збит|знищ|збил|знешкод|подави)|повітряний\s+напад\s+відбивал|"
    r"сил\w*\s+протиповітряної\s+оборони\s+(?:україни\s+)?(?:знищил|збил|перехопил)|the\s+enemy\s+attacked|"
    r"air\s+attack\s+was\s+repelled",
    re.IGNORECASE,
)
# A Russian claim: Ukrainian drones downed over Russia, by the Russian ministry, in its own words.
_RUSSIAN_CLAIM = re.compile(
    r"минобороны|министерств\w*\s+обороны|пво\s+росси|украинск\w+\s+(?:беспилотн|бпла|дрон)|"
    r"над\s+территори\w+\s+\w+\s+област|міноборони\s+рф|міноборони\s+росії|"
    r"russia'?s?\s+(?:ministry\s+of\s+defen[cs]e|defen[cs]e\s+ministry)|russian\s+(?:ministry\s+of\s+defen[cs]e|"
    r"defen[cs]e\s+ministry|air\s+defen[cs]e)|ministry\s+of\s+defen[cs]e\s+of\s+(?:the\s+)?russia|"
    r"ukrainian\s+(?:aircraft-type\s+)?(?:drones|uavs|unmanned)",
    re.IGNORECASE,
)
_RUSSIAN_LETTERS = re.compile(r"[ыэъё]", re.IGNORECASE)
_UKRAINIAN_LETTERS = re.compile(r"[іїєґ]", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яіїєґёыэъ]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)

# Sentences whose numbers are not this night's report.
# Sentences whose numbers are not this night's report: a reminder of another night, a quoted governor or
# mayor, a year's background, a week's tally, a Russian claim. Word-anchored, so one pass is cheap.
_ANOTHER_STORY = re.compile(
    r"^\W*(?:нагадаємо|нагадуємо|як\s+повідомлялося|раніше|читайте\s+також|дивіться\s+також|бекграунд|recall|"
    r"earlier|previously|also\s+read|read\s+also|related)\b",
    re.IGNORECASE,
)
_NOT_THIS_REPORT = re.compile(
    r"(?<!\w)(?:губернатор|governor|mayor\b|мер\b|міськ\w*\s+голов|очільник|начальник\w*\s+\S+\s+(?:міськ|облас)|"
    r"ова\b|мва\b|кмва\b|військов\w*\s+адміністрац|administration|police|поліці|дснс|emergency\s+service|"
    r"регулярно|regularly|in\s+a\s+year|за\s+рік|during\s+20\d\d|протягом\s+20\d\d|since\s+the\s+start|"
    r"з\s+початку|these\s+attacks|цих\s+атак|тиждень|тижня|місяць|місяця|week\b|month\b|this\s+year|"
    r"last\s+days\s+of|ukrainian\s+(?:aircraft-type\s+)?drones|украинск|over\s+the\s+territory|над\s+территори)",
    re.IGNORECASE,
)
_OBLAST_PLACE = re.compile(r"\w+(?:щин|ччин)(?:і|и|ою|у)\b", re.IGNORECASE)


def issuer_of(text: str) -> tuple[str | None, str | None]:
    """(issuer, region): a regional command when the text names one, else the Air Force, else (None, None)."""
    for pattern, name, region in _COMPILED_ISSUERS:
        if pattern.search(text):
            return name, region
    if _REPORT_WORDING.search(text):
        return "Air Force of Ukraine", None
    return None, None


def refusal_reason(text: str, issuer: str | None) -> str | None:
    """Why this text is not a report the parser will read, or None when it may be one (`issuer` from `issuer_of`)."""
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if cyrillic + latin < 20:
        return _("too short to be an Air Force report: paste the whole post")
    russian_claim = _RUSSIAN_CLAIM.search(text)
    if russian_claim and issuer is None:
        return _(
            "this reads as a Russian Ministry of Defence claim (Ukrainian drones downed over Russia), "
            "not a Ukrainian Air Force report"
        )
    if cyrillic > latin and len(_RUSSIAN_LETTERS.findall(text)) > len(_UKRAINIAN_LETTERS.findall(text)):
        if russian_claim:
            return _("this reads as a Russian claim written in Russian, not a Ukrainian Air Force report")
        return _("the text is in Russian; the parser reads Air Force reports in Ukrainian or English")
    if issuer is None:
        return _(
            "the text neither cites the Air Force (Повітряні сили, Air Force, a regional air command) nor uses the "
            "report's wording: it reads as a news story or a comment, not an overnight report"
        )
    return None


def speaks_for_report(sentence: str) -> bool:
    """False for a sentence whose numbers belong to someone else or to another time."""
    if _ANOTHER_STORY.match(sentence) or _NOT_THIS_REPORT.search(sentence):
        return False
    # A per-oblast split ("над Миколаївщиною один, над Одещиною 13") is a share of the total, not the total.
    return len(_OBLAST_PLACE.findall(sentence)) < 2
