"""The event-time profile: strikes per day from D−7 to D+7 around the tested contacts (D = the contact's Kyiv day),
observed beside what the days around each contact predict, so a lull *before* contacts shows apart from a rise
*after* them.

Expected for day D+k is the mean, over contacts, of the daily counts on the days D+k+d for the moves d the test
draws from (every day within the contact's reach but D+k itself); the band is ±1.96 standard errors of that mean
across those days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from handlers.analysis.parameters import METRICS
from handlers.analysis.series import DATE_ONLY_STRIKE_NS, kyiv_dates, ns_of
from handlers.analysis.windows import Episode, Period


@dataclass(frozen=True)
class ProfileDay:
    offset: int  # k in D+k
    contacts: int  # how many contacts have day D+k inside the period
    observed: dict[str, float]  # mean per contact
    expected: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]


def event_profile(daily: np.ndarray, period: Period, episodes: tuple[Episode, ...], days: int) -> list[ProfileDay]:
    """`daily` is (period days, 3): counts per Kyiv day of the period."""
    contacts = [(contact, episode.reach) for episode in episodes for contact in episode.contacts]
    if not contacts:
        return []
    sits = np.array([ns_of(contact.at) + (0 if contact.time_known else DATE_ONLY_STRIKE_NS) for contact, _ in contacts])
    first = np.datetime64(period.first_day, "D")
    day_index = (kyiv_dates(sits) - first).astype(np.int64)
    reach = np.array([reach for _, reach in contacts])
    counts = daily.astype(float)
    prefix = np.vstack([np.zeros((1, counts.shape[1])), np.cumsum(counts, axis=0)])
    squares = np.vstack([np.zeros((1, counts.shape[1])), np.cumsum(counts**2, axis=0)])
    n_days = len(counts)
    profile = []
    for offset in range(-days, days + 1):
        target = day_index + offset
        inside = (target >= 0) & (target < n_days)
        t, m = target[inside], reach[inside]
        low, high = np.clip(t - m, 0, n_days), np.clip(t + m + 1, 0, n_days)
        width = (high - low - 1).astype(float)  # the days around D+k, without D+k itself
        usable = width > 0
        t, low, high, width = t[usable], low[usable], high[usable], width[usable][:, None]
        if len(t) == 0:
            continue
        mean = (prefix[high] - prefix[low] - counts[t]) / width
        variance = np.maximum((squares[high] - squares[low] - counts[t] ** 2) / width - mean**2, 0)
        n = len(t)
        observed = counts[t].mean(axis=0)
        expected = mean.mean(axis=0)
        spread = 1.96 * np.sqrt(variance.sum(axis=0)) / n
        profile.append(
            ProfileDay(
                offset=offset,
                contacts=n,
                observed=dict(zip(METRICS, observed.tolist(), strict=True)),
                expected=dict(zip(METRICS, expected.tolist(), strict=True)),
                low=dict(zip(METRICS, np.maximum(expected - spread, 0).tolist(), strict=True)),
                high=dict(zip(METRICS, (expected + spread).tolist(), strict=True)),
            )
        )
    return profile
