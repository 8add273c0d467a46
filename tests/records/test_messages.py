"""How a report names who logged and who retracted it: one form, the name shown once."""

from __future__ import annotations

import pytest

from bot.core import Core
from handlers.chat.request import Platform
from handlers.records.messages import who
from tests.conftest import RequestMaker


@pytest.mark.parametrize(
    ("user", "name", "shown"),
    [
        ("console:root", "root", "console:root"),  # the console user's name is its id: shown once
        ("console:root", None, "console:root"),
        ("slack:U123", "Ann", "Ann (slack:U123)"),
        ("slack:U123", "slack:U123", "slack:U123"),
        ("import", "missile_attacks_daily.csv", "missile_attacks_daily.csv (import)"),
    ],
)
def test_who_shows_the_id_and_a_name_only_when_it_adds_something(user: str, name: str | None, shown: str) -> None:
    assert who(user, name) == shown


def test_a_console_report_reads_console_root_in_both_lines(core: Core, make_request: RequestMaker) -> None:
    console = {"platform": Platform.CONSOLE, "user_id": "root", "user_name": "root", "channel_id": "console"}
    core.settings.__dict__["admin_ids"] = frozenset({"console:root"})
    logged = core.router.handle(make_request("contact", "at=2025-07-03 parties=Trump,Putin", **console))
    assert logged.ok, logged.text
    retracted = core.router.handle(make_request("contact", 'retract 1 reason="wrong day"', **console))
    assert retracted.ok, retracted.text
    assert "Logged by console:root at" in retracted.text and "by console:root: wrong day" in retracted.text
    assert "Logged by root" not in retracted.text
