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
    contacts = [
        (contact, np.arange(-episode.reach, episode.reach + 1)) for episode in episodes for contact in episode.contacts
    ]
    if not contacts:
        return []
    sits = np.array([ns_of(contact.at) + (0 if contact.time_known else DATE_ONLY_STRIKE_NS) for contact, _ in contacts])
    first = np.datetime64(period.first_day, "D")
    day_index = (kyiv_dates(sits) - first).astype(np.int64)
    counts = daily.astype(float)
    n_days = len(counts)
    profile = []
    for offset in range(-days, days + 1):
        observed, means, variances = [], [], []
        for (_, moves), day in zip(contacts, day_index.tolist(), strict=True):
            target = day + offset
            around = target + moves[moves != 0]
            around = around[(around >= 0) & (around < n_days)]
            if not 0 <= target < n_days or len(around) == 0:
                continue
            observed.append(counts[target])
            means.append(counts[around].mean(axis=0))
            variances.append(counts[around].var(axis=0))
        if not observed:
            continue
        n = len(observed)
        seen, expected = np.mean(observed, axis=0), np.mean(means, axis=0)
        spread = 1.96 * np.sqrt(np.sum(variances, axis=0)) / n
        profile.append(
            ProfileDay(
                offset=offset,
                contacts=n,
                observed=dict(zip(METRICS, seen.tolist(), strict=True)),
                expected=dict(zip(METRICS, expected.tolist(), strict=True)),
                low=dict(zip(METRICS, np.maximum(expected - spread, 0).tolist(), strict=True)),
                high=dict(zip(METRICS, (expected + spread).tolist(), strict=True)),
            )
        )
    return profile
