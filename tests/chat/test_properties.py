"""Arbitrary input never crashes a handler, and input a handler refuses changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Core
from bot.wiring import build_core
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from handlers.text.arguments import ArgumentError, count, parse, text_value
from handlers.text.times import parse_time
from tests.conftest import FrozenClock, fresh_postgres_schema
from tests.helpers import row_counts

KEYS = [
    "at",
    "parties",
    "kind",
    "source",
    "confidence",
    "duration",
    "drones",
    "missiles",
    "weapons",
    "region",
    "killed",
    "injured",
    "from",
    "to",
    "page",
    "party",
    "user",
    "role",
    "reason",
    "window",
    "metric",
    "tz",
    "offsets",
    "nonsense",
]
WORDS = [
    "show",
    "retract",
    "grant",
    "list",
    "chart",
    "subscribe",
    "unsubscribe",
    "status",
    "pending",
    "ack",
    "snooze",
    "1",
    "#2",
    "now",
    "2h",
    "yesterday",
    "today",
    "Kyiv",
    "14:00",
    "2025-07-03",
    "<!channel>",
    '"',
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "now",
            "2025-07-03T14:00Z",
            "2025-07-03 14:00 Kyiv",
            "-1",
            "0",
            "10",
            "Trump,Putin",
            "call",
            "Shahed-136:400,Iskander-M:6",
            "99999999999",
            "",
            '"a b"',
            "admin",
            "3",
            "0h,24h",
        ]
    ),
)
TOKEN = st.one_of(
    st.builds(lambda key, value: f"{key}={value}", st.sampled_from(KEYS), VALUES),
    st.sampled_from(WORDS),
    st.text(max_size=12),
)
COMMAND_TEXT = st.one_of(st.text(max_size=200), st.lists(TOKEN, max_size=8).map(" ".join))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_core(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Core]:
    """One database for all examples (a fresh one each would make hypothesis crawl), on both backends."""
    clock = FrozenClock(datetime(2025, 7, 5, 12, tzinfo=UTC))
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}"
        else:
            url = stack.enter_context(fresh_postgres_schema(request.getfixturevalue("postgres_admin")))
        core = build_core(Settings(database_url=url, admins="slack:UADMIN"), clock=clock)
        stack.callback(core.close)  # before the schema is dropped
        yield core


@given(text=st.text(max_size=300))
def test_the_parser_only_ever_raises_argument_errors(text: str) -> None:
    now = datetime(2025, 7, 5, 12, tzinfo=UTC)
    spec = {"at": lambda raw: parse_time(raw, now=now, zone=UTC), "drones": count, "region": text_value(50)}
    try:
        parse(text, spec, command="strike", joinable=frozenset({"at"}))
    except ArgumentError as error:
        assert str(error)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["contact", "strike", "timeline", "role", "help", "alerts", "analysis"]),
    text=COMMAND_TEXT,
    user=st.sampled_from(["UADMIN", "UVIEW"]),
)
def test_no_input_crashes_a_handler_and_refusals_write_nothing(
    shared_core: Core, command: str, text: str, user: str
) -> None:
    before = row_counts(shared_core)
    reply = shared_core.router.handle(
        ChatRequest(platform=Platform.SLACK, user_id=user, channel_id="CPROP", command=command, text=text)
    )
    assert "Something went wrong on our side" not in reply.text, (command, text, reply.text)
    assert reply.text or reply.title
    if not reply.ok:
        assert row_counts(shared_core) == before, (command, text)
