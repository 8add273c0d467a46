"""The one counting rule: where a contact's window starts and ends, where a strike of unknown hour sits, and where
Kyiv days begin. `/timeline`, the window-close summary and `/analysis` all count by it, so one contact shows one
"after" figure everywhere.

- **A contact with an hour** owns [its time, its time + window).
- **A contact with a date only** (stored at midnight of its day, "hour not reported") owns the window that starts
  at the *end* of its day: only strikes that surely followed it count. Counting from midnight would credit it
  with a strike that morning, and calls often come the day after a heavy night.
- **A strike with an hour** sits at its start; **a strike with a date only** sits at midday of its day, the
  middle of the hours it could have started in (and, for reports logged in Kyiv or UTC, inside its Kyiv day).
- **Days are Kyiv days** (Europe/Kyiv midnights, 23 or 25 hours long when the clocks change), because the Air
  Force counts its nights that way. A record of unknown hour belongs to the Kyiv day of its midday.

"End of its day" and "midday" are the stored midnight + 24 h and + 12 h: the reporter's zone is not stored, and
an hour's error on the two days a year the clocks change is far below the resolution of a date-only report.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.i18n import N_
from storage import timeline
from storage.timeline import WindowTotals

KYIV = ZoneInfo("Europe/Kyiv")
DATE_ONLY_STRIKE_AT = timedelta(hours=12)  # a strike of unknown hour sits at midday of its day
DATE_ONLY_CONTACT_FROM = timedelta(hours=24)  # a contact of unknown hour: its window opens when its day ends

CONVENTIONS = (  # shown at the foot of /analysis, through `_`
    N_(
        "a contact's window starts at its time; a contact with a date only starts its window at the end of that day, "
        "so only strikes that surely followed it count"
    ),
    N_("a strike with a date only sits at midday of its day"),
    N_("days are Kyiv days (Europe/Kyiv midnight to midnight)"),
)


def _utc(value: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def window_start(at: datetime, time_known: bool) -> datetime:
    """When the window of a contact reported at `at` opens."""
    return _utc(at) if time_known else _utc(at) + DATE_ONLY_CONTACT_FROM


def contact_window(at: datetime, time_known: bool, length: timedelta) -> tuple[datetime, datetime]:
    """[start, end) of the window of a contact reported at `at`."""
    start = window_start(at, time_known)
    return start, start + length


def strike_time(at: datetime, time_known: bool) -> datetime:
    """Where a strike reported at `at` sits when strikes are counted."""
    return _utc(at) if time_known else _utc(at) + DATE_ONLY_STRIKE_AT


def kyiv_day(at: datetime, time_known: bool = True) -> date:
    """The Kyiv day a record belongs to (one of unknown hour: the day of its midday)."""
    moment = _utc(at) if time_known else _utc(at) + DATE_ONLY_STRIKE_AT
    return moment.astimezone(KYIV).date()


def kyiv_midnight(day: date) -> datetime:
    """Where Kyiv day `day` begins, in UTC."""
    return datetime.combine(day, time(0), tzinfo=KYIV).astimezone(UTC)


def strikes_between(session: Session, start: datetime, end: datetime) -> WindowTotals:
    """Live strikes that sit (by the rule above) in [start, end)."""
    return timeline.window_totals(session, _utc(start), _utc(end), date_only_at=DATE_ONLY_STRIKE_AT)


def strikes_after(session: Session, at: datetime, time_known: bool, length: timedelta) -> WindowTotals:
    """The strikes in the window of a contact reported at `at`: the "after" figure every view shows."""
    start, end = contact_window(at, time_known, length)
    return strikes_between(session, start, end)
