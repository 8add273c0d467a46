"""Synthetic data for the benchmarks: a large strike CSV in the `uaf-daily` layout, and daily series."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "attacks"
DAILY_CSV = SHARED / "missile_attacks_daily.csv"


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
