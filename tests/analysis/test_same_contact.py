"""The same call is counted once (issue 12, item 8): a report with an hour and a date-only report of the same
parties on the same day are one contact, whichever comes first; two reports with hours stay one contact only
within two hours."""

from __future__ import annotations

import pytest

from bot.core import Core
from storage import series
from tests.conftest import RequestMaker


def _log(core: Core, make_request: RequestMaker, text: str) -> str:
    reply = core.router.handle(make_request("contact", f"{text} kind=call"))
    assert reply.ok, reply.plain()
    return reply.plain()


def _live_contacts(core: Core) -> int:
    with core.db.reader() as session:
        return len(series.contacts(session))


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("at=2025-07-03 parties=Trump,Putin", "at=2025-07-03T14:00Z parties=Putin,Trump", True),  # the 14 h
        ("at=2025-07-03T14:00Z parties=Trump,Putin", "at=2025-07-03 parties=putin,trump", True),  # other order
        ("at=2025-07-03 parties=Trump,Putin", "at=2025-07-03T23:59Z parties=Trump,Putin", True),
        ("at=2025-07-03 parties=Trump,Putin", "at=2025-07-04T00:00Z parties=Trump,Putin", False),  # next day
        ("at=2025-07-03T14:00Z parties=Trump,Putin", "at=2025-07-02 parties=Trump,Putin", False),  # day before
        ("at=2025-07-03 parties=Trump,Putin", 'at="2025-07-03 Kyiv" parties=Trump,Putin', True),  # zones 3 h apart
        ("at=2025-07-03 parties=Trump,Putin", 'at="2025-07-04 Kyiv" parties=Trump,Putin', False),
        ("at=2025-07-03T14:00Z parties=Trump,Putin", "at=2025-07-03T15:30Z parties=Trump,Putin", True),  # 2 h rule
        ("at=2025-07-03T14:00Z parties=Trump,Putin", "at=2025-07-03T17:00Z parties=Trump,Putin", False),
        ("at=2025-07-03 parties=Trump,Putin", "at=2025-07-03T14:00Z parties=Trump,Zelensky", False),
    ],
)
def test_a_timed_and_a_date_only_report_of_one_day_are_one_contact(
    core: Core, make_request: RequestMaker, first: str, second: str, same: bool
) -> None:
    _log(core, make_request, first)
    reply = _log(core, make_request, second)
    assert ("This matches contact #1" in reply) is same
    assert _live_contacts(core) == (1 if same else 2)
