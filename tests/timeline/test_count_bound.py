"""/timeline counts only so far: past the bound the page says "N+", and paging stays exact on either side of it.

The bound (10,000 entries past the page's start in production) is lowered here so a few dozen reports cross it;
the same reports are paged with and without it and must come back identical.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.wiring import Core
from handlers.timeline import command as timeline_command
from storage import timeline
from tests.conftest import RequestMaker

STRIKES, CONTACTS, RETRACTED = 23, 6, 2


def _store(core: Core, make_request: RequestMaker) -> None:
    for hour in range(STRIKES):
        reply = core.router.handle(make_request("strike", f"at=2025-07-01T{hour:02d}:00Z drones={hour + 1}"))
        assert reply.ok, reply.text
    for day in range(CONTACTS):
        reply = core.router.handle(make_request("contact", f"at=2025-06-0{day + 2}T12:00Z parties=Lead{day},Other"))
        assert reply.ok, reply.text
    for strike_id in range(1, RETRACTED + 1):  # retracted reports are neither listed nor counted
        reply = core.router.handle(make_request("strike", f'retract {strike_id} reason="test"'))
        assert reply.ok, reply.text


@pytest.fixture
def stored(core: Core, make_request: RequestMaker) -> Core:
    _store(core, make_request)
    return core


def _ids(page: timeline.TimelinePage) -> list[tuple[str, int | None]]:
    return [(type(entry).__name__, entry.id) for entry in page.entries]


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from([None, "contact", "strike"]),
    offset=st.integers(min_value=0, max_value=35),
    count_limit=st.integers(min_value=0, max_value=40),
)
def test_a_bounded_count_pages_exactly_and_reports_at_least(
    stored: Core, kind: str | None, offset: int, count_limit: int
) -> None:
    filters = timeline.TimelineFilter(kind=kind)
    live = {None: STRIKES - RETRACTED + CONTACTS, "contact": CONTACTS, "strike": STRIKES - RETRACTED}[kind]
    with stored.db.reader() as session:
        exact = timeline.page(session, filters, limit=10, offset=offset)
        bounded = timeline.page(session, filters, limit=10, offset=offset, count_limit=count_limit)
    assert exact.total == live and not exact.total_is_floor
    assert _ids(bounded) == _ids(exact)
    assert bounded.total == min(live, count_limit)
    assert bounded.total_is_floor == (live > count_limit)


def test_past_the_bound_the_title_says_at_least_and_more_pages_follow(
    stored: Core, make_request: RequestMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_command, "COUNT_AHEAD", 15)
    live = STRIKES - RETRACTED  # 21 strikes: page 1 counts 15 of them, page 2 counts up to 25
    first = stored.router.handle(make_request("timeline", "kind=strike"))
    assert first.ok and first.title == "Timeline · page 1 of 2+ · 15+ entries, newest first"
    assert first.footer == "More: /timeline kind=strike page=2"
    assert first.text.count("STRIKE #") == 10
    third = stored.router.handle(make_request("timeline", "kind=strike page=3"))
    assert third.ok and third.title == f"Timeline · page 3 of 3 · {live} entries, newest first"
    assert third.text.count("STRIKE #") == live - 20 and third.footer is None
    beyond = stored.router.handle(make_request("timeline", "kind=strike page=4"))
    assert not beyond.ok and "only 3 pages" in beyond.text


def test_below_the_bound_the_count_is_exact(stored: Core, make_request: RequestMaker) -> None:
    reply = stored.router.handle(make_request("timeline"))
    live = STRIKES - RETRACTED + CONTACTS
    assert reply.ok and reply.title == f"Timeline · page 1 of 3 · {live} entries, newest first"
