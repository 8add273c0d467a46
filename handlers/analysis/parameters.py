"""Everything the analysis can be asked, in one value: the chat command, the CLI, the benches and the tests all build
an `AnalysisParameters` and hand it to `statistics.analyse`. The defaults are the pre-specified test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from handlers.i18n import N_, _, ngettext

METRICS = ("drones", "missiles", "total")
# The metric as a sentence names it ("drones and missiles in the 3 days after …"); shown through `_`.
METRIC_WORDS = {"drones": N_("drones"), "missiles": N_("missiles"), "total": N_("drones and missiles")}
MAX_WINDOW_DAYS = 30
DEFAULT_PERMUTATIONS = 10_000
DEFAULT_SEED = 20220224


@dataclass(frozen=True)
class AnalysisParameters:
    window_days: int = 3  # a contact owns the window_days × 24 h from its time
    metric: str = "total"  # the headline; every metric is tested and corrected for
    start: datetime | None = None  # from=: narrows the period (aware)
    end: datetime | None = None  # to=: narrows the period, exclusive (aware)
    permutations: int = DEFAULT_PERMUTATIONS
    seed: int = DEFAULT_SEED
    shift_days: int = 30  # the local null moves each window up to this many days either way
    min_shift_days: int = 7  # a contact with less room than this on either side is left out
    lead_in_days: int = 60  # the default period starts this long before the first contact
    alpha: float = 0.05
    power: float = 0.8  # the detectable ratio is the one found this often
    min_episodes: int = 5  # below this the verdict says the sample is too small
    profile_days: int = 7  # the event-time profile runs D−7 … D+7
    model: bool = True  # fit the negative-binomial second opinion (statsmodels); the verdict never reads it

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ValueError(_("metric must be one of {choices}").format(choices=", ".join(METRICS)))
        if not 1 <= self.window_days <= MAX_WINDOW_DAYS:
            raise ValueError(
                ngettext(
                    "the window must be between 1 and {n} day",
                    "the window must be between 1 and {n} days",
                    MAX_WINDOW_DAYS,
                ).format(n=MAX_WINDOW_DAYS)
            )
        if self.permutations < 100:
            raise ValueError("at least 100 permutations are needed for a p-value")  # i18n: internal
        if not 1 <= self.min_shift_days <= self.shift_days:
            raise ValueError("min_shift_days must be between 1 and shift_days")  # i18n: internal
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                object.__setattr__(self, name, value.replace(tzinfo=UTC))
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(_("the period is empty: from= must be before to="))

    @property
    def window_hours(self) -> int:
        return self.window_days * 24
