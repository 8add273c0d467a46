"""A model-based second opinion, shown beside the randomisation result (the verdict never reads it).

A negative-binomial regression (statsmodels GLM) of each Kyiv day's count on the share of that day inside a
contact's window, with one effect per calendar month (the trend) and per weekday, and standard errors robust to
autocorrelation (Newey–West HAC, 7 lags: attack waves come in runs of days). exp(coefficient) is the rate ratio
of a day wholly inside a window against a day outside, in the same month and on the same weekday.

The dispersion is estimated once by moments from a Poisson fit (Cameron & Trivedi's auxiliary regression); the
HAC errors do not depend on it being exact. Months without a single strike carry no information on the effect
and are dropped. statsmodels is imported here, lazily, so nothing on the plain command path pays for it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from handlers.analysis.windows import Episode, Period

HAC_LAGS = 7


@dataclass(frozen=True)
class ModelResult:
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None  # one-sided, for a rise
    days: int
    note: str | None = None  # why there is no estimate, or what went wrong


def window_share(period: Period, episodes: tuple[Episode, ...]) -> np.ndarray:
    """For each Kyiv day of the period, the share of it covered by a tested window (0 … 1)."""
    starts, ends = period.midnights[:-1], period.midnights[1:]
    covered = np.zeros(period.days, dtype=float)
    for episode in episodes:
        overlap = np.minimum(ends, episode.end) - np.maximum(starts, episode.start)
        covered += np.clip(overlap, 0, None)
    return np.minimum(covered / (ends - starts), 1.0)


def _design(period: Period, share: np.ndarray) -> np.ndarray:
    days = np.arange(np.datetime64(period.first_day, "D"), np.datetime64(period.last_day, "D") + 1)
    months = days.astype("datetime64[M]")
    weekdays = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    month_levels = np.unique(months)
    columns = [share]
    columns += [(months == level).astype(float) for level in month_levels]  # one intercept per month
    columns += [(weekdays == day).astype(float) for day in range(1, 7)]  # Monday is the reference
    return np.column_stack(columns)


def fit(daily: np.ndarray, period: Period, episodes: tuple[Episode, ...]) -> ModelResult:
    """The model for one metric's daily counts (`daily` is one column of the period's days)."""
    import statsmodels.api as sm

    share = window_share(period, episodes)
    design = _design(period, share)
    y = daily.astype(float)
    months = design[:, 1 : design.shape[1] - 6]
    keep = (months * y[:, None]).sum(axis=0) > 0  # months with at least one strike
    rows = (months[:, keep].sum(axis=1) > 0) if keep.any() else np.zeros(len(y), dtype=bool)
    design = np.column_stack([design[:, :1], months[:, keep], design[:, -6:]])[rows]
    y = y[rows]
    if len(y) == 0 or y.sum() == 0:
        return ModelResult(None, None, None, None, len(y), "no strikes in the period")
    if np.ptp(design[:, 0]) == 0:
        return ModelResult(None, None, None, None, len(y), "no day inside a window has strike data")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            poisson = sm.GLM(y, design, family=sm.families.Poisson()).fit()
            mu = poisson.fittedvalues
            dispersion = max(float(np.sum((y - mu) ** 2 - y) / np.sum(mu**2)), 1e-6)
            model = sm.GLM(y, design, family=sm.families.NegativeBinomial(alpha=dispersion)).fit(
                cov_type="HAC", cov_kwds={"maxlags": HAC_LAGS}
            )
        beta, se = float(model.params[0]), float(model.bse[0])
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as error:
        return ModelResult(None, None, None, None, len(y), f"the model could not be fitted ({error})")
    if not (math.isfinite(beta) and math.isfinite(se)) or se <= 0:
        return ModelResult(None, None, None, None, len(y), "the model did not converge")
    return ModelResult(
        ratio=math.exp(beta),
        ci_low=math.exp(beta - 1.959964 * se),
        ci_high=math.exp(beta + 1.959964 * se),
        p_value=0.5 * math.erfc(beta / se / math.sqrt(2)),  # the normal upper tail
        days=len(y),
    )
