"""Arbitrary input: any strikes and contacts give an analysis whose figures hang together, and any text after
/analysis gets a reply, never a crash (hypothesis, derandomised and bounded)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Core
from handlers.analysis.parameters import METRICS, AnalysisParameters
from handlers.analysis.statistics import analyse
from tests.analysis.frames import event_frames
from tests.conftest import RequestMaker
from tests.helpers import row_counts

BASE = datetime(2025, 1, 1, tzinfo=UTC)
minutes = st.integers(min_value=0, max_value=200 * 24 * 60)
strike_rows = st.lists(
    st.tuples(minutes, st.booleans(), st.integers(0, 900), st.integers(0, 60)), min_size=0, max_size=120
)
contact_rows = st.lists(st.tuples(minutes, st.booleans()), min_size=0, max_size=14)


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strike_rows, contact_rows, st.integers(1, 5), st.sampled_from(METRICS))
def test_any_data_gives_figures_that_hang_together(strikes: list, contacts: list, window: int, metric: str) -> None:
    strike_frame, contact_frame = event_frames(strikes, contacts, BASE)
    params = AnalysisParameters(window_days=window, metric=metric, permutations=200, model=False, min_episodes=1)
    result = analyse(strike_frame, contact_frame, params)
    json.dumps(result.to_dict())
    assert result.verdict
    assert "(s)" not in result.verdict
    tested = {contact.id for contact in result.contacts}
    left_out = {item.id for item in result.excluded}
    assert not tested & left_out
    for name, figures in result.metrics.items():
        test = figures.primary
        assert 0 < test.p_value <= 1 and 0 <= figures.p_holm <= 1 and figures.p_holm >= test.p_value
        assert test.observed == sum(episode.observed[name] for episode in result.episodes)
        if test.ratio is not None and test.ci_low is not None and test.ci_high is not None:
            assert test.ci_low <= test.ratio * (1 + 1e-9) and test.ratio <= test.ci_high * (1 + 1e-9)
    if result.positive:
        headline = result.metrics[metric]
        assert headline.p_holm < 0.05 and (headline.primary.ratio or 0) > 1
    if result.hours_known is not None and result.date_only is not None:
        for name in METRICS:
            both = result.hours_known.results[name].observed + result.date_only.results[name].observed
            assert both == result.metrics[name].primary.observed


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.sampled_from(
            [
                "window=",
                "window=2",
                "from=",
                "to=",
                "metric=",
                "metric=drones",
                "chart",
                "2025-07-01",
                "x",
                '"',
                "=",
                "window=-1",
                "from=yesterday",
                "to=now",
                "metric=total",
                "ü",
                "\u200b",
                "from=2025-13-01",
            ]
        ),
        max_size=5,
    ).map(" ".join)
)
def test_any_text_gets_a_reply_and_changes_nothing(core: Core, make_request: RequestMaker, text: str) -> None:
    before = row_counts(core)
    reply = core.router.handle(make_request("analysis", text))
    assert reply.text and "Traceback" not in reply.plain()
    assert "Something went wrong" not in reply.text, (text, reply.text)
    assert row_counts(core) == before
