"""One counting rule (issue 12, item 9): /timeline, the window-close summary and /analysis place records of unknown
hour the same way, cut Kyiv days the same way, and show one "after" figure for one contact."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from bot.core import Core
from handlers.analysis.command import run_analysis
from handlers.analysis.series import StrikeSeries, kyiv_midnights, window_starts
from handlers.records.window import (
    contact_window,
    kyiv_day,
    kyiv_midnight,
    strike_time,
    strikes_after,
    window_start,
)
from storage import series
from storage.models import ContactReport, StrikeReport
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, make_worker, platform, run, subscribe
from tests.conftest import FrozenClock, RequestMaker

__all__ = ["make_worker", "platform"]  # fixtures used below

THREE_DAYS = timedelta(days=3)


def test_the_rule() -> None:
    call = datetime(2025, 7, 3, 14, tzinfo=UTC)
    assert contact_window(call, True, THREE_DAYS) == (call, call + THREE_DAYS)
    # A date-only contact (stored at midnight of its day) opens its window when the day ends.
    assert window_start(datetime(2025, 7, 3, tzinfo=UTC), False) == datetime(2025, 7, 4, tzinfo=UTC)
    # A date-only strike sits at midday: one stored at Kyiv midnight (21:00 UTC the day before, in summer) is
    # counted at 09:00 UTC on its own day, and belongs to that Kyiv day.
    kyiv_night = datetime(2025, 7, 2, 21, tzinfo=UTC)
    assert strike_time(kyiv_night, False) == datetime(2025, 7, 3, 9, tzinfo=UTC)
    assert kyiv_day(kyiv_night, False) == date(2025, 7, 3)
    assert kyiv_day(datetime(2025, 7, 2, 22, tzinfo=UTC)) == date(2025, 7, 3)  # 01:00 Kyiv
    assert kyiv_day(datetime(2025, 7, 2, 20, 59, tzinfo=UTC)) == date(2025, 7, 2)
    # Kyiv days are 23 h and 25 h long when the clocks change, in the rule and in the analysis' vector form.
    assert kyiv_midnight(date(2025, 3, 31)) - kyiv_midnight(date(2025, 3, 30)) == timedelta(hours=23)
    assert kyiv_midnight(date(2025, 10, 27)) - kyiv_midnight(date(2025, 10, 26)) == timedelta(hours=25)
    vector = kyiv_midnights(date(2025, 3, 28), date(2025, 10, 28))
    days = [date(2025, 3, 28) + timedelta(days=n) for n in range(len(vector))]
    assert [pd.Timestamp(ns, tz="UTC").to_pydatetime() for ns in vector] == [kyiv_midnight(day) for day in days]


def _insert_strikes(core: Core, rows: list[tuple[datetime, bool, int, int]]) -> None:
    with core.db.transaction() as session:
        for index, (at, known, drones, missiles) in enumerate(rows):
            session.add(
                StrikeReport(
                    started_at=at,
                    time_known=known,
                    drones=drones,
                    missiles=missiles,
                    reported_by="test",
                    channel="test",
                    created_at=at,
                    source_key=f"rule:{index}",
                )
            )


def test_the_database_and_the_analysis_count_every_window_alike(core: Core) -> None:
    """Random strikes and contacts of both kinds, with strikes placed on window edges: the SQL count behind
    /timeline and the summary equals the analysis' count for every contact."""
    rng = np.random.default_rng(12)
    base = datetime(2025, 3, 20, tzinfo=UTC)  # spans the clock change of 30 March
    contacts = [
        (base + timedelta(days=int(rng.integers(0, 20)), minutes=int(rng.integers(0, 1440))), bool(known))
        for known in rng.random(12) < 0.5
    ]
    contacts = [(at.replace(hour=0, minute=0) if not known else at, known) for at, known in contacts]
    rows = []
    for _ in range(300):
        at = base + timedelta(minutes=int(rng.integers(-3 * 1440, 26 * 1440)))
        known = bool(rng.random() < 0.6)
        rows.append(
            (at if known else at.replace(hour=0, minute=0), known, int(rng.integers(0, 50)), int(rng.integers(0, 3)))
        )
    for at, known in contacts:  # edges: exactly at the start (in), exactly at the end (out), a date-only at midday
        start, end = contact_window(at, known, THREE_DAYS)
        rows += [(start, True, 1000, 1), (end, True, 7000, 7), (start - timedelta(hours=12), False, 300, 3)]
    _insert_strikes(core, rows)
    with core.db.reader() as session:
        frame = series.strike_counts(session)
        sql = [strikes_after(session, at, known, THREE_DAYS) for at, known in contacts]
    table = StrikeSeries.from_frame(frame)
    opens = window_starts(
        pd.DataFrame(
            {"at": pd.to_datetime([at for at, _ in contacts], utc=True), "time_known": [known for _, known in contacts]}
        )
    )
    counted = table.totals(opens, opens + 3 * 86_400 * 10**9)
    for got, expected in zip(sql, counted, strict=True):
        assert (got.drones, got.missiles) == (int(expected[0]), int(expected[1]))
    assert all(total.drones >= 1000 + 300 for total in sql)  # the start-edge and midday strikes are in


def test_one_date_only_contact_shows_one_after_figure_in_timeline_summary_and_analysis(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    reply = core.router.handle(make_request("contact", "at=2025-07-05 parties=Trump,Putin kind=call"))
    assert reply.ok and "hour not reported" in reply.plain(), reply.plain()
    # Background: a night wave every day of June and July, so the analysis can compare the window with its weeks.
    background = [
        (datetime(2025, 6, 1, 19, tzinfo=UTC) + timedelta(days=day), True, 40 + day % 5, day % 2) for day in range(61)
    ]
    _insert_strikes(core, background)
    clock.set(datetime(2025, 8, 1, 12, tzinfo=UTC))
    for text in (
        "at=2025-07-05T08:00Z drones=500",  # the contact's own day: its hour is unknown, so not "after"
        "at=2025-07-06T01:00Z drones=120 missiles=4",
        "at=2025-07-07 drones=33",  # a date-only strike: midday of 7 July, inside
        "at=2025-07-08T23:59Z drones=7 missiles=1",  # the window's last minute
        "at=2025-07-09T00:00Z drones=900",  # the window has closed
    ):
        assert core.router.handle(make_request("strike", text)).ok
    run(make_worker().run_once())  # the whole ladder, late: alert, reminders, summary
    summary = next(post.text for post in platform.posts if post.reply.title.startswith("Window closed"))  # type: ignore[union-attr]
    in_summary = re.search(r"In the window: (\d+) strikes? \((\d+) drones, (\d+) missiles\)", summary)
    assert in_summary, summary
    timeline = core.router.handle(make_request("timeline", "kind=contact")).text
    in_timeline = re.search(
        r"in the 3d after its day \(hour not reported\): "
        r"(\d+) (?:strikes?|strike\(s\)) · (\d+) drones? · (\d+) missiles?",  # the old "strike(s)" or "6 strikes"
        timeline,
    )
    assert in_timeline, timeline
    result = run_analysis(core.ctx, window_days=3)
    (figures,) = result.contacts
    in_analysis = (figures.after["drones"], figures.after["missiles"])
    assert in_summary.group(2, 3) == in_timeline.group(2, 3) == tuple(str(n) for n in in_analysis)
    assert in_summary.group(1) == in_timeline.group(1)
    # Hand count: 6, 7 and 8 July's background nights (40 + 41 + 42 drones, 1 + 0 + 1 missiles) and the three
    # reports inside; not 5 July's night or the morning report, not 9 July.
    assert in_analysis == (40 + 41 + 42 + 120 + 33 + 7, 1 + 0 + 1 + 4 + 1)
    assert figures.window_start == datetime(2025, 7, 6, tzinfo=UTC)


def test_live_contacts_stay_one_each_in_the_analysis(core: Core, make_request: RequestMaker) -> None:
    """Retracted reports and repeat reports are left out of every count."""
    with core.db.transaction() as session:
        session.add(
            ContactReport(
                occurred_at=datetime(2025, 7, 1, 12, tzinfo=UTC),
                parties="Trump, Putin",
                parties_key="putin,trump",
                kind="call",
                confidence="reported",
                reported_by="t",
                channel="t",
                created_at=datetime(2025, 7, 1, tzinfo=UTC),
                retracted_at=datetime(2025, 7, 2, tzinfo=UTC),
                retracted_by="t",
                retract_reason="wrong",
            )
        )
    with core.db.reader() as session:
        assert series.contacts(session).empty
