"""Synthetic data for the benchmarks and the calibration tests: a large strike CSV in the `uaf-daily` layout, and
daily strike worlds shaped like the real 2025 series, with or without an effect planted after contacts.

`strike_world` is shaped on the Air Force data of 2025 (shipped excerpt): drones about 155 a day, standard
deviation about 140, monthly means roughly doubling over the year, a Friday peak, mild day-to-day persistence;
missiles on about half the days, mostly a few, sometimes dozens. One national report a night (hour known, 18:00 to
23:59 Kyiv) and, on a third of the days, a small regional report with a date only, as the real data has both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "attacks"
DAILY_CSV = SHARED / "missile_attacks_daily.csv"
KYIV = "Europe/Kyiv"
WEEKDAY_FACTOR = np.array([0.85, 1.05, 0.97, 0.98, 1.3, 1.02, 0.93])  # Monday first, as in 2025's drones


def write_strike_csv(path: Path, rows: int, *, seed: int = 1) -> Path:
    """`rows` distinct rows shaped like the real file: real rows resampled, with new times and counts."""
    rng = np.random.default_rng(seed)
    real = pd.read_csv(DAILY_CSV, dtype=str, keep_default_na=False)
    real = real[real["launched"] != ""]
    frame = real.iloc[rng.integers(0, len(real), rows)].reset_index(drop=True)
    minutes = np.sort(rng.integers(0, 4 * 365 * 24 * 60, rows))[::-1]  # newest first, like the real file
    start = pd.Timestamp("2022-01-01") + pd.to_timedelta(minutes, unit="min")
    frame["time_start"] = start.strftime("%Y-%m-%d %H:%M")
    frame["time_end"] = (start + pd.to_timedelta(rng.integers(10, 600, rows), unit="min")).strftime("%Y-%m-%d %H:%M")
    frame["launched"] = rng.integers(1, 500, rows).astype(str)
    frame["source"] = "synthetic/" + pd.Series(np.arange(rows)).astype(str)  # every row distinct
    frame.to_csv(path, index=False)
    return path


@dataclass(frozen=True)
class World:
    strikes: pd.DataFrame  # at, time_known, drones, missiles (the analysis' input frame)
    contacts: pd.DataFrame  # id, at, time_known, parties, kind, confidence


def _negative_binomial(rng: np.random.Generator, mean: np.ndarray, shape: float) -> np.ndarray:
    """Gamma–Poisson counts with the given means and shape (variance = mean + mean² / shape)."""
    return rng.poisson(rng.gamma(shape, np.maximum(mean, 1e-9) / shape)).astype(np.int64)


def random_contacts(
    rng: np.random.Generator,
    start: datetime,
    days: int,
    count: int,
    *,
    hours: list[timedelta | None] | None = None,
    margin_days: int = 0,
) -> pd.DataFrame:
    """`count` contacts on distinct random days of [start + margin, start + days − margin); each takes one entry of
    `hours` (a time of day in UTC, or None for a date-only report), shuffled; default: all at 14:00 UTC."""
    pattern = list(hours) if hours else [timedelta(hours=14)] * count
    pattern = [pattern[i % len(pattern)] for i in range(count)]
    chosen = np.sort(rng.choice(np.arange(margin_days, days - margin_days), size=count, replace=False))
    order = rng.permutation(count)
    rows = []
    for index, (day, which) in enumerate(zip(chosen.tolist(), order.tolist(), strict=True)):
        hour = pattern[which]
        rows.append(
            {
                "id": index + 1,
                "at": start + timedelta(days=day) + (hour or timedelta(0)),
                "time_known": hour is not None,
                "parties": "Trump, Putin",
                "kind": "call",
                "confidence": "reported",
            }
        )
    frame = pd.DataFrame(rows)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def strike_world(
    seed: int,
    *,
    days: int = 365,
    start: datetime = datetime(2025, 1, 1, tzinfo=UTC),
    contacts: int = 11,
    trend: float = 2.0,
    effect: float = 1.0,
    window_days: int = 3,
    hours: list[timedelta | None] | None = None,
) -> World:
    """A year of strikes shaped like 2025 and `contacts` contacts on random days; drones and missiles in each
    contact's window (by the analysis' own rule) are drawn with their mean × `effect`. `trend` is the ratio of the
    last day's mean to the first's (2.0 ≈ 2025: 88 → 185 drones a day)."""
    from handlers.analysis.series import strike_times, window_starts

    rng = np.random.default_rng(seed)
    world_contacts = random_contacts(rng, start, days, contacts, hours=hours, margin_days=0)
    day = np.arange(days)
    weekdays = (pd.Timestamp(start).day_of_week + day) % 7
    persistence = np.zeros(days)
    noise = rng.normal(0, 0.21, days)
    for t in range(1, days):
        persistence[t] = 0.65 * persistence[t - 1] + noise[t]
    level = np.exp(np.log(trend) * day / max(days - 1, 1) + persistence) * WEEKDAY_FACTOR[weekdays]
    drone_mean = 140 * level / np.exp(np.log(trend) / 2)  # about 155 a day on average over the year
    missile_day = rng.random(days) < 0.62
    missile_mean = np.where(missile_day, 9 * level / np.exp(np.log(trend) / 2), 0.0)
    midnights = pd.date_range(start.date(), periods=days, freq="D").tz_localize(KYIV)
    national = midnights + pd.to_timedelta(rng.integers(18 * 60, 24 * 60, days), unit="min")
    regional_days = day[rng.random(days) < 1 / 3]
    regional = midnights[regional_days]  # a date-only report is stored at midnight of its (Kyiv) day
    frame = pd.DataFrame(
        {
            "at": national.append(regional).tz_convert("UTC"),
            "time_known": np.concatenate([np.ones(days, dtype=bool), np.zeros(len(regional_days), dtype=bool)]),
        }
    )
    drone_means = np.concatenate([drone_mean, 0.05 * drone_mean[regional_days]])
    missile_means = np.concatenate([missile_mean, 0.1 * missile_mean[regional_days]])
    if effect != 1.0 and len(world_contacts):
        sits = strike_times(frame)
        opens = window_starts(world_contacts)
        length = window_days * 86_400 * 10**9
        inside = ((sits[:, None] >= opens[None, :]) & (sits[:, None] < opens[None, :] + length)).any(axis=1)
        drone_means = np.where(inside, drone_means * effect, drone_means)
        missile_means = np.where(inside, missile_means * effect, missile_means)
    frame["drones"] = _negative_binomial(rng, drone_means, 1.8)
    frame["missiles"] = _negative_binomial(rng, missile_means, 0.6)
    return World(frame.sort_values("at", ignore_index=True), world_contacts)
