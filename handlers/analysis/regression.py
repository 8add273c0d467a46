"""A model-based second opinion, shown beside the randomisation result (the verdict never reads it).

A negative-binomial regression (statsmodels GLM) of each Kyiv day's count on the share of that day inside a
contact's window, with one effect per calendar month (the trend) and per weekday, and standard errors robust to
autocorrelation (Newey–West HAC, 7 lags: attack waves come in runs of days). exp(coefficient) is the rate ratio
of a day wholly inside a window against a day outside, in the same month and on the same weekday.

The dispersion is estimated once by moments (Cameron & Trivedi's auxiliary regression) around month and weekday
means; the HAC errors do not depend on it being exact. Months without a single strike carry no information on the effect
and are dropped. statsmodels is imported here, lazily, so nothing on the plain command path pays for it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from handlers.analysis.windows import Episode, Period
from handlers.i18n import _

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
    midnights = period.midnights
    covered = np.zeros(period.days, dtype=float)
    for episode in episodes:
        first = max(int(np.searchsorted(midnights, episode.start, side="right")) - 1, 0)
        last = min(int(np.searchsorted(midnights, episode.end, side="left")), period.days)
        starts, ends = midnights[first:last], midnights[first + 1 : last + 1]
        covered[first:last] += np.clip(np.minimum(ends, episode.end) - np.maximum(starts, episode.start), 0, None)
    return np.minimum(covered / np.diff(midnights), 1.0)


def _design(period: Period, share: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(design, the days kept): the window share, a constant, one effect per calendar month but the first, one per
    weekday but Monday — over the days of months that saw at least one strike (the others say nothing of the
    effect and would have an effect of minus infinity)."""
    days = np.arange(np.datetime64(period.first_day, "D"), np.datetime64(period.last_day, "D") + 1)
    months = days.astype("datetime64[M]")
    levels, month_of_day = np.unique(months, return_inverse=True)
    struck = np.bincount(month_of_day, weights=y, minlength=len(levels)) > 0
    kept = struck[month_of_day]
    weekdays = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    columns = [share, np.ones(len(days))]  # an explicit constant: statsmodels then skips its rank check
    columns += [(month_of_day == level).astype(float) for level in np.flatnonzero(struck)[1:]]
    columns += [(weekdays == day).astype(float) for day in range(1, 7)]
    design = np.column_stack(columns)[kept]
    present = design.any(axis=0)
    present[:2] = True  # the share (checked by the caller) and the constant
    return design[:, present], kept


def _start(design: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Starting values without a fit: no window effect, and the log of each month's and weekday's mean — the
    Poisson fit's answer for a design of dummies, up to the weekday–month interaction. It also gives the mean for
    the moment estimate of the dispersion (Cameron & Trivedi), so a single IRLS fit remains."""
    dummies = design[:, 2:]
    base = np.log(max(y.mean(), 1e-9))
    start = np.zeros(design.shape[1])
    start[1] = base
    for column in range(dummies.shape[1]):
        members = dummies[:, column] > 0
        start[column + 2] = np.log(max(y[members].mean(), 1e-3)) - base
    # Weekday and month columns overlap (every day is in both), so halve the sum of their offsets.
    start[2:] /= 2
    return start


def fit(daily: np.ndarray, period: Period, episodes: tuple[Episode, ...]) -> ModelResult:
    """The model for one metric's daily counts (`daily` is one column of the period's days)."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    y = daily.astype(float)
    design, kept = _design(period, window_share(period, episodes), y)
    y = y[kept]
    if len(y) == 0 or y.sum() == 0:
        return ModelResult(None, None, None, None, len(y), _("no strikes in the period"))
    if np.ptp(design[:, 0]) == 0:
        return ModelResult(None, None, None, None, len(y), _("no day inside a window has strike data"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = _start(design, y)
            mu = np.exp(design @ start)
            dispersion = max(float(np.sum((y - mu) ** 2 - y) / np.sum(mu**2)), 1e-6)
            model = GLM(y, design, family=families.NegativeBinomial(alpha=dispersion)).fit(
                start_params=start, cov_type="HAC", cov_kwds={"maxlags": HAC_LAGS}
            )
        beta, se = float(model.params[0]), float(model.bse[0])
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as error:
        return ModelResult(
            None, None, None, None, len(y), _("the model could not be fitted ({error})").format(error=error)
        )
    if not (math.isfinite(beta) and math.isfinite(se)) or se <= 0:
        return ModelResult(None, None, None, None, len(y), _("the model did not converge"))
    return ModelResult(
        ratio=math.exp(beta),
        ci_low=math.exp(beta - 1.959964 * se),
        ci_high=math.exp(beta + 1.959964 * se),
        p_value=0.5 * math.erfc(beta / se / math.sqrt(2)),  # the normal upper tail
        days=len(y),
    )
