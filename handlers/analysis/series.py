"""Strikes as the analysis counts them: event times placed by `handlers.records.window`'s rule, totals over any
time span by two binary searches on a cumulative sum, and daily counts per Kyiv day.

Times are int64 nanoseconds since the epoch (UTC) throughout, so a million window totals are one `searchsorted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from handlers.analysis.parameters import METRICS
from handlers.records.window import DATE_ONLY_CONTACT_FROM, DATE_ONLY_STRIKE_AT, KYIV

NS = 10**9
DAY_NS = 86_400 * NS
DATE_ONLY_STRIKE_NS = int(DATE_ONLY_STRIKE_AT.total_seconds()) * NS
DATE_ONLY_CONTACT_NS = int(DATE_ONLY_CONTACT_FROM.total_seconds()) * NS


def to_ns(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Aware times as int64 ns since the epoch, whatever unit pandas chose."""
    index = pd.DatetimeIndex(pd.to_datetime(values, utc=True))
    return index.as_unit("ns").asi8.copy()


def ns_of(value: datetime) -> int:
    return int(pd.Timestamp(value).tz_convert("UTC").as_unit("ns").value)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def datetime_of(value: int) -> datetime:
    """ns since the epoch as an aware UTC datetime (to the microsecond, which is all a datetime holds)."""
    return EPOCH + timedelta(microseconds=int(value) // 1000)


def empty_strikes() -> pd.DataFrame:
    """A strike frame with no rows, shaped like `storage.series.strike_counts`'."""
    return pd.DataFrame(
        {
            "at": pd.Series([], dtype="datetime64[ns, UTC]"),
            "time_known": pd.Series([], dtype=bool),
            "drones": pd.Series([], dtype="int64"),
            "missiles": pd.Series([], dtype="int64"),
        }
    )


def strike_times(frame: pd.DataFrame) -> np.ndarray:
    """Where each strike sits (ns): its start, or midday of its day when the hour is unknown."""
    times = to_ns(frame["at"])
    return np.where(frame["time_known"].to_numpy(dtype=bool), times, times + DATE_ONLY_STRIKE_NS)


def window_starts(frame: pd.DataFrame) -> np.ndarray:
    """Where each contact's window opens (ns): its time, or the end of its day when the hour is unknown."""
    times = to_ns(frame["at"])
    return np.where(frame["time_known"].to_numpy(dtype=bool), times, times + DATE_ONLY_CONTACT_NS)


def kyiv_midnights(first: date, last: date) -> np.ndarray:
    """Where each Kyiv day first … last begins (ns, UTC); the day after `last` closes the last one."""
    days = pd.date_range(first, last + timedelta(days=1), freq="D")
    return days.tz_localize(KYIV).tz_convert("UTC").as_unit("ns").asi8.copy()


def kyiv_dates(ns: np.ndarray) -> np.ndarray:
    """The Kyiv date of each instant, as numpy datetime64[D]."""
    local = pd.DatetimeIndex(pd.to_datetime(ns, utc=True)).tz_convert(KYIV).tz_localize(None)
    return local.normalize().to_numpy().astype("datetime64[D]")


def shift_local_days(ns: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Each instant moved by whole Kyiv calendar days, keeping its Kyiv hour of day: an (n, len(days)) array.

    Across a clock change the move is 23 or 25 hours, so a 22:00 contact is compared with 22:00 on other days. A
    wall time that occurs twice takes its first (summer-time) reading and one the clocks skip is read an hour
    later — exactly what Python's zoneinfo does with `fold=0`, so a plain reference implementation agrees.
    """
    local = pd.DatetimeIndex(pd.to_datetime(ns, utc=True)).tz_convert(KYIV).tz_localize(None).as_unit("ns").asi8
    moved = local[:, None] + days[None, :].astype(np.int64) * DAY_NS
    wall = pd.DatetimeIndex(moved.ravel())
    aware = wall.tz_localize(KYIV, ambiguous=np.ones(len(wall), dtype=bool), nonexistent=pd.Timedelta(hours=1))
    return aware.tz_convert("UTC").as_unit("ns").asi8.reshape(moved.shape)


@dataclass(frozen=True)
class StrikeSeries:
    """Strike event times (sorted) with a running total per metric: drones, missiles, total."""

    times: np.ndarray  # (n,) int64 ns
    cumulative: np.ndarray  # (n + 1, 3) int64

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> StrikeSeries:
        if frame.empty:
            return cls(np.zeros(0, dtype=np.int64), np.zeros((1, len(METRICS)), dtype=np.int64))
        times = strike_times(frame)
        drones = frame["drones"].to_numpy(dtype=np.int64)
        missiles = frame["missiles"].to_numpy(dtype=np.int64)
        values = np.column_stack([drones, missiles, drones + missiles])
        order = np.argsort(times, kind="stable")
        cumulative = np.vstack([np.zeros((1, len(METRICS)), dtype=np.int64), np.cumsum(values[order], axis=0)])
        return cls(times[order], cumulative)

    def __len__(self) -> int:
        return len(self.times)

    def totals(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Totals in [start, end) for each pair; shape starts.shape + (3,)."""
        left = np.searchsorted(self.times, starts, side="left")
        right = np.searchsorted(self.times, ends, side="left")
        return self.cumulative[right] - self.cumulative[left]

    def count(self, start: int, end: int) -> int:
        """How many strike reports sit in [start, end)."""
        return int(np.searchsorted(self.times, end) - np.searchsorted(self.times, start))

    def daily(self, midnights: np.ndarray) -> np.ndarray:
        """Totals per day between consecutive midnights: (days, 3)."""
        return self.totals(midnights[:-1], midnights[1:])
