"""A contact reported with a date only: its alert goes out at once, but its window opens at the end of its day —
the rule /timeline and /analysis count by — so its reminders and its window-close summary are due from there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core import Core
from storage.models import PostKind
from tests.alerts.conftest import log_contact, plan_rows, subscribe
from tests.conftest import FrozenClock, RequestMaker


def test_a_date_only_contacts_window_runs_from_the_end_of_its_day(
    core: Core, make_request: RequestMaker, clock: FrozenClock
) -> None:
    subscribe(core, make_request)  # the default ladder: 0h, 24h, 48h, 72h
    contact_id, _ = log_contact(core, make_request, "at=2025-07-05 parties=Trump,Putin")  # today, date only
    rows = {row.kind: row for row in plan_rows(core, contact_id) if row.kind != PostKind.REMINDER}
    reminders = sorted(row.due_at for row in plan_rows(core, contact_id) if row.kind == PostKind.REMINDER)
    opens = datetime(2025, 7, 6, tzinfo=UTC)  # the end of 5 July in the channel's zone (UTC)
    assert rows[PostKind.ALERT].due_at.replace(tzinfo=UTC) == clock()  # the alert does not wait for midnight
    assert [due.replace(tzinfo=UTC) for due in reminders] == [opens + timedelta(hours=24), opens + timedelta(hours=48)]
    assert rows[PostKind.SUMMARY].due_at.replace(tzinfo=UTC) == opens + timedelta(hours=72)


def test_a_timed_contacts_window_runs_from_its_time(core: Core, make_request: RequestMaker, clock: FrozenClock) -> None:
    subscribe(core, make_request)
    contact_id, _ = log_contact(core, make_request, "at=now parties=Trump,Putin")
    [summary] = [row for row in plan_rows(core, contact_id) if row.kind == PostKind.SUMMARY]
    assert summary.due_at.replace(tzinfo=UTC) == clock() + timedelta(hours=72)
