"""An Air Force report read into the strike report it would become: the values a draft holds until Confirm.

Pure: text and where it came from in, values out; storage and chat live in `from_report.py`.

- **When**: the Air Force counts a night from 18:00 Kyiv the evening before to the morning it is named after
  ("у ніч на 4 липня (з 18:00 3 липня)"), and the Air Force data set the importer reads starts its overnight
  rows there too. So the night of 4 July is stored as starting 3 July 18:00 Kyiv: the same place on the timeline
  as the imported row of the same report, and a call on the afternoon of 3 July is followed by it.
- **Counts** the text does not state stay unknown (`None`); a draft with an unknown total cannot be confirmed
  until someone fills it in with Edit. The parser's destroyed, lost-from-radar and hit counts have no column in
  the strike table, so they are kept in the notes, in words.
- **Same source, same night, one report**: the key is the origin (the channel or Slack conversation of the post,
  else the issuing command) and the night. The origin of a link is the link without its last part, the post:
  `https://t.me/kpszsu/12345` → `t.me/kpszsu`.
- **Words**: what is written for people (the night's label, the notes' summary, why a draft cannot be stored) is in
  the active language, the language of whoever asked for the preview; the notes are theirs, as typed notes are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from handlers.i18n import DEFAULT_LANGUAGE, _, current_language, ngettext
from handlers.records.messages import drones, missiles
from handlers.strikes.totals import contradiction
from handlers.text import cleaning

if TYPE_CHECKING:  # the parser is imported when a report is read: /help and /contact need not load its patterns
    from handlers.airforce import ParsedReport, Refusal

KYIV = ZoneInfo("Europe/Kyiv")
COUNT_STARTS = time(18, 0)  # the Air Force's night starts at 18:00 Kyiv the evening before
SOURCE_LIMIT = 200  # as typed `source=`; the Edit form's field holds no more
NOTES_LIMIT = 2000
_URL = re.compile(r"https?://\S+", re.IGNORECASE)

# Where the night came from: the report (completed from the post's date where it gives no year), or nowhere.
NIGHT_STATED, NIGHT_UNKNOWN = "stated", "unknown"


@dataclass(frozen=True)
class Origin:
    """Where a report text came from: a forwarded post's channel and link, a Slack message's permalink, or nothing
    (pasted). `posted_at` is the post's own time when known; a paste only has the time it arrived."""

    source: str | None = None
    posted_at: datetime | None = None

    @property
    def forwarded(self) -> bool:
        return self.posted_at is not None


@dataclass(frozen=True)
class Draft:
    """The strike fields (`strike`, as stored on Confirm) and what the parser read (`reading`, for the preview)."""

    strike: dict[str, Any]
    reading: dict[str, Any]

    @property
    def source_key(self) -> str | None:
        night = night_of(self.started_at, bool(self.strike.get("time_known", True))) if self.started_at else None
        return key_for(self.reading.get("origin") or "unknown", night) if night else None

    @property
    def started_at(self) -> datetime | None:
        raw = self.strike.get("started_at")
        return datetime.fromisoformat(raw) if raw else None


def read(text: str, origin: Origin, received_at: datetime) -> Draft | Refusal:
    """The report in `text` as a draft, or the parser's refusal.

    The parser completes a date given without a year from the posting date, and takes a report that names no date
    at all as of the day it was posted. A forwarded post's date is a fact, so a forward is read once, with it. A
    paste only has the time it arrived: when its night is that very day, it is read a second time as if it had
    arrived a day later, and if the night moves with that day the text names no date, so the night is left unknown
    for the person to set rather than taken from today.
    """
    from handlers.airforce import ParsedReport, Refusal, parse_report

    parsed = parse_report(text, origin.posted_at or received_at)
    if isinstance(parsed, Refusal):
        return parsed
    night_from = NIGHT_STATED
    named = parsed.night is not None and parsed.night != received_at.astimezone(KYIV).date()  # not the fallback
    if origin.posted_at is None and parsed.night is not None and not named:
        later = parse_report(text, received_at + timedelta(days=1))
        if not isinstance(later, ParsedReport) or later.night != parsed.night:
            parsed, night_from = replace(parsed, night=None), NIGHT_UNKNOWN
    return Draft(_strike(parsed, origin), _reading(parsed, origin, night_from))


def _strike(parsed: ParsedReport, origin: Origin) -> dict[str, Any]:
    started = count_start(parsed.night) if parsed.night else None
    weapons = {weapon.name: weapon.launched for weapon in parsed.weapons if weapon.launched is not None}
    source = _shortened(origin.source, SOURCE_LIMIT) if origin.source else parsed.issuer
    return {
        "started_at": started.isoformat() if started else None,
        "time_known": True,
        "drones": parsed.drones_launched,
        "missiles": parsed.missiles_launched,
        "weapons": weapons,
        "region": parsed.region.capitalize() if parsed.region else None,
        "killed": None,
        "injured": None,
        "source": source,
        "notes": _shortened(summary(parsed), NOTES_LIMIT) or None,
    }


def _reading(parsed: ParsedReport, origin: Origin, night_from: str) -> dict[str, Any]:
    return {
        "night": parsed.night.isoformat() if parsed.night else None,
        "night_from": night_from,
        "issuer": parsed.issuer,
        "region": parsed.region,
        "origin": origin_of(origin.source, parsed.issuer),
        "link": link_in(origin.source),
        "weapons": [
            {
                "name": weapon.name,
                "kind": weapon.kind,
                "launched": weapon.launched,
                "destroyed": weapon.destroyed,
                "lost": weapon.lost,
                "approximate": weapon.approximate,
            }
            for weapon in parsed.weapons
        ],
        "drones_destroyed": parsed.drones_destroyed,
        "missiles_destroyed": parsed.missiles_destroyed,
        "drones_lost": parsed.drones_lost,
        "hits": parsed.hits.as_json(),
        "approximate": sorted(parsed.approximate),
        "edited": False,
    }


# --- the night ------------------------------------------------------------------------------------------------
def count_start(night: date) -> datetime:
    """Where the Air Force's count for the night ending on the morning of `night` starts: 18:00 Kyiv the day
    before, in UTC."""
    return datetime.combine(night - timedelta(days=1), COUNT_STARTS, tzinfo=KYIV).astimezone(UTC)


def night_of(started_at: datetime, time_known: bool = True) -> date:
    """The night (named by its morning) a strike starting at `started_at` belongs to: a start from noon on counts
    towards the next morning. A start of unknown hour is stored at midnight of its day, which is its own night."""
    moment = started_at.astimezone(KYIV) if started_at.tzinfo else started_at.replace(tzinfo=UTC).astimezone(KYIV)
    if not time_known:
        return moment.date()
    return (moment + timedelta(hours=12)).date()


def night_window(night: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the starts that belong to `night` (noon the day before to noon that day, Kyiv)."""
    start = datetime.combine(night - timedelta(days=1), time(12), tzinfo=KYIV)
    end = datetime.combine(night, time(12), tzinfo=KYIV)
    return start.astimezone(UTC), end.astimezone(UTC)


def night_label(night: date) -> str:
    """`3–4 July 2025`; `31 July – 1 August 2025`; `31 December 2025 – 1 January 2026` (in Ukrainian
    `з 3 на 4 липня 2025 р.`, as the Air Force names a night)."""
    eve = night - timedelta(days=1)
    names = {"eve_day": eve.day, "day": night.day, "month": month_name(night), "year": night.year}
    if eve.month == night.month:
        return _("{eve_day}–{day} {month} {year}").format(**names)
    names |= {"eve_month": month_name(eve)}
    if eve.year == night.year:
        return _("{eve_day} {eve_month} – {day} {month} {year}").format(**names)
    return _("{eve_day} {eve_month} {eve_year} – {day} {month} {year}").format(**names, eve_year=eve.year)


def month_name(day: date) -> str:
    """The month of `day` as it is written after a day's number in the active language: `July`; `липня` (CLDR's
    format-context names, the genitive, through Babel, which only a language other than English loads)."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return _ENGLISH_MONTHS[day.month - 1]
    from babel.dates import get_month_names

    return str(get_month_names("wide", context="format", locale=language)[day.month])


_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


# --- where it came from -------------------------------------------------------------------------------------
def link_in(source: str | None) -> str | None:
    found = _URL.search(source or "")
    return found.group(0).rstrip(".,;)»\"'") if found else None


def origin_of(source: str | None, issuer: str | None) -> str:
    """What "the same source" means for the key: the channel or conversation of a linked post, else the source's
    words, else the issuing command (a paste)."""
    link = link_in(source)
    if link:
        parts = urlsplit(link)
        host = (parts.hostname or "").removeprefix("www.")
        segments = [segment for segment in parts.path.split("/") if segment]
        kept = segments[:-1] if len(segments) > 1 else segments
        return "/".join([host, *kept]).lower()
    if source and source.strip():
        return cleaning.fold(" ".join(source.split()))
    return f"issuer:{cleaning.fold(issuer or 'unknown')}"


def key_for(origin: str, night: date) -> str:
    """The strike's `source_key`: one report per origin and night."""
    return f"airforce:{origin}:{night.isoformat()}"


# --- what the strike table has no column for ------------------------------------------------------------------
def summary(parsed: ParsedReport) -> str:
    """The stated destroyed, lost and hit counts in words, for the stored report's notes."""
    drones_down = _destroyed(parsed.drones_launched, parsed.drones_destroyed, missile=False)
    missiles_down = _destroyed(parsed.missiles_launched, parsed.missiles_destroyed, missile=True)
    lines = []
    if drones_down and missiles_down:
        both = _("{drones} and {missiles}").format(drones=drones_down, missiles=missiles_down)
        lines.append(_("shot down or suppressed {counts}").format(counts=both))
    elif drones_down or missiles_down:
        lines.append(_("shot down or suppressed {counts}").format(counts=drones_down or missiles_down))
    if parsed.drones_lost is not None:
        lost = parsed.drones_lost
        lines.append(ngettext("{n} drone lost from radar", "{n} drones lost from radar", lost).format(n=lost))
    hits = hits_line(parsed.hits.as_json())
    if hits:
        lines.append(hits)
    if not lines:
        return ""
    details = "; ".join(lines)
    if parsed.night:
        return _("Air Force report for the night of {night}: {details}.").format(
            night=night_label(parsed.night), details=details
        )
    return _("Air Force report: {details}.").format(details=details)


def _destroyed(launched: int | None, destroyed: int | None, *, missile: bool) -> str | None:
    """`10 of 12 drones`, `6 missiles`: what the report says was shot down of one class; None when it says
    nothing (`0 of 0 missiles` says nothing either)."""
    if destroyed is None or (destroyed == 0 and not launched):
        return None
    if launched is None:
        return missiles(destroyed) if missile else drones(destroyed)
    if missile:
        return ngettext("{destroyed} of {n} missile", "{destroyed} of {n} missiles", launched).format(
            destroyed=destroyed, n=launched
        )
    return ngettext("{destroyed} of {n} drone", "{destroyed} of {n} drones", launched).format(
        destroyed=destroyed, n=launched
    )


def hits_line(hits: dict[str, int]) -> str:
    """`20 weapons hit at 8 locations, debris fell at 3 locations` from what the report stated."""
    if not hits:
        return ""
    words = []
    weapons, locations, debris = hits.get("weapons"), hits.get("locations"), hits.get("debris_locations")
    weapons_hit = "" if weapons is None else ngettext("{n} weapon hit", "{n} weapons hit", weapons).format(n=weapons)
    if weapons is not None and locations is not None:
        words.append(_("{weapons_hit} {at_locations}").format(weapons_hit=weapons_hit, at_locations=_at(locations)))
    elif weapons is not None:
        words.append(weapons_hit)
    elif locations is not None:
        words.append(_("hits {at_locations}").format(at_locations=_at(locations)))
    if debris is not None:
        words.append(_("debris fell {at_locations}").format(at_locations=_at(debris)))
    return ", ".join(words)


def _at(locations: int) -> str:
    return ngettext("at {n} location", "at {n} locations", locations).format(n=locations)


# --- whether it can be stored ----------------------------------------------------------------------------------
def blockers(strike: dict[str, Any]) -> list[str]:
    """Why these values cannot be stored yet, each a sentence naming what to fill in; empty when they can."""
    reasons = []
    if not strike.get("started_at"):
        reasons.append(_("the night is unknown (the report names no date): set When"))
    unknown = {noun for noun in ("drones", "missiles") if strike.get(noun) is None}
    if unknown == {"drones", "missiles"}:
        reasons.append(_("the report does not say how many drones or missiles were launched: fill that in"))
    elif unknown == {"drones"}:
        reasons.append(_("the report does not say how many drones were launched: fill that in"))
    elif unknown:
        reasons.append(_("the report does not say how many missiles were launched: fill that in"))
    weapons = strike.get("weapons") or {}
    problem = contradiction(weapons, drones=strike.get("drones"), missiles=strike.get("missiles"))
    if problem:
        reasons.append(problem[1])
    return reasons


def _shortened(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split()) if limit == SOURCE_LIMIT else (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
