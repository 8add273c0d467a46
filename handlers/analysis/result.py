"""What an analysis found: every figure the reply, the chart and `callwatch analyze --json` show, as plain values."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from handlers.analysis.parameters import AnalysisParameters
from handlers.analysis.profile import ProfileDay
from handlers.analysis.randomisation import RandomisationResult, Subset
from handlers.analysis.regression import ModelResult
from handlers.analysis.windows import Excluded


@dataclass(frozen=True)
class ContactFigures:
    """One contact and the strikes in its window and in the same span just before it."""

    id: int | None
    at: datetime
    time_known: bool
    parties: str
    kind: str
    confidence: str
    window_start: datetime
    window_end: datetime
    episode: int  # index into Analysis.episodes
    after: dict[str, int]
    before: dict[str, int]


@dataclass(frozen=True)
class EpisodeFigures:
    label: str
    contact_ids: tuple[int | None, ...]
    start: datetime
    end: datetime
    reach_days: int  # its window was moved within ± this many days
    observed: dict[str, int]
    expected: dict[str, float]


@dataclass(frozen=True)
class MetricResult:
    """The primary test for one metric, and the figures shown beside it."""

    metric: str
    primary: RandomisationResult
    p_holm: float  # Holm-corrected over every metric shown
    p_common_shift: float  # every episode moved by the same days (keeps the contacts' clustering)
    common_shifts: int
    detectable_ratio: float | None  # the rise this test finds 80 % of the time at the corrected level
    model: ModelResult | None  # the second opinion, fitted for the headline metric
    before_ratio: float | None  # secondary: after ÷ the same span just before each episode
    whole_data_ratio: float | None  # secondary: after, per day ÷ the whole data's daily mean


@dataclass(frozen=True)
class Influence:
    """Leave-one-out: the episode whose removal moves the headline ratio most, and the test without it."""

    episode: int
    label: str
    without: Subset


@dataclass(frozen=True)
class DataExtent:
    """The whole strike data, for the period's bounds and the secondary whole-data ratio."""

    first: datetime | None
    last: datetime | None
    reports: int
    drones: int
    missiles: int

    @property
    def totals(self) -> dict[str, int]:
        return {"drones": self.drones, "missiles": self.missiles, "total": self.drones + self.missiles}


@dataclass(frozen=True)
class Analysis:
    params: AnalysisParameters
    zone: str
    conventions: tuple[str, ...]
    verdict: str
    positive: bool  # the verdict says "more than chance"
    extent: DataExtent
    period_start: datetime | None = None
    period_end: datetime | None = None
    days: int = 0
    strikes: int = 0  # strike reports in the period
    contacts: tuple[ContactFigures, ...] = ()
    episodes: tuple[EpisodeFigures, ...] = ()
    excluded: tuple[Excluded, ...] = ()
    metrics: dict[str, MetricResult] = field(default_factory=dict)
    influence: Influence | None = None
    hours_known: Subset | None = None
    date_only: Subset | None = None
    profile: tuple[ProfileDay, ...] = ()
    daily: dict[str, list[int]] = field(default_factory=dict)  # per metric, one value per Kyiv day of the period
    problem: str | None = None  # why nothing could be tested (no strikes, no contacts, …)

    @property
    def window_days(self) -> int:
        return self.params.window_days

    @property
    def metric(self) -> str:
        return self.params.metric

    @property
    def result(self) -> MetricResult | None:
        return self.metrics.get(self.params.metric)

    @property
    def tested_contacts(self) -> int:
        return sum(len(episode.contact_ids) for episode in self.episodes)

    def to_dict(self) -> dict[str, Any]:
        """Every figure, JSON-ready: times ISO 8601 UTC, NaN and infinity as null."""
        payload = {
            "verdict": self.verdict,
            "positive": self.positive,
            "parameters": self.params,
            "window_days": self.window_days,
            "metric": self.metric,
            "zone": self.zone,
            "conventions": list(self.conventions),
            "period_start": self.period_start,
            "period_end": self.period_end,
            "days": self.days,
            "strikes": self.strikes,
            "data": self.extent,
            "problem": self.problem,
            "results": self.metrics,
            "episodes": self.episodes,
            "contacts": self.contacts,
            "excluded": self.excluded,
            "sensitivity": {
                "most_influential": self.influence,
                "hours_known": self.hours_known,
                "date_only": self.date_only,
            },
            "profile": self.profile,
            "daily": self.daily,
        }
        return _plain(payload)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
