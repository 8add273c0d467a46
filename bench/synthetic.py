"""Synthetic data for the benchmarks: a large strike CSV in the `uaf-daily` layout, and daily series."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# The excerpt the repository ships (tests/data/uaf/SOURCE.md); pass `--data` to use the full 2022–2026 table.
DAILY_CSV = Path(__file__).resolve().parents[1] / "tests" / "data" / "uaf" / "missile_attacks_daily_2024-10_2026-04.csv"


def write_strike_csv(path: Path, rows: int, *, seed: int = 1, source: Path = DAILY_CSV) -> Path:
    """`rows` distinct rows shaped like the real file: real rows resampled, with new times and counts."""
    rng = np.random.default_rng(seed)
    real = pd.read_csv(source, dtype=str, keep_default_na=False)
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
