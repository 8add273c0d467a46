"""Benchmark: the vectorised analysis against a plain-Python loop doing the same computation, same run.

Four years of daily strike data (several waves a day), 20 contacts, 10,000 permutations. The loop draws the
very same random days, so both must give identical p-values; the script checks that and prints the ratio.

    python -m bench.analysis
"""

from __future__ import annotations

import bisect
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from handlers.analysis.statistics import (
    DAY_NS,
    analyse,
    contact_anchor_times,
    contact_frame,
    strike_event_times,
    strike_frame,
)

DAYS = 4 * 365 + 1
CONTACTS = 20
PERMUTATIONS = 10_000
SEED = 11


def synthetic(seed: int = 1) -> tuple[object, object]:
    rng = np.random.default_rng(seed)
    start = datetime(2022, 1, 1, tzinfo=UTC)
    rows = []
    for day in range(DAYS):
        for _ in range(rng.poisson(3)):
            rows.append(
                {
                    "at": start + timedelta(days=day, minutes=int(rng.integers(0, 1440))),
                    "drones": int(rng.poisson(60)),
                    "missiles": int(rng.poisson(4)),
                    "time_known": bool(rng.random() > 0.3),
                }
            )
    contacts = [{"at": start + timedelta(days=float(rng.uniform(10, DAYS - 10)))} for _ in range(CONTACTS)]
    return strike_frame(rows), contact_frame(contacts)


def python_p_values(strikes: object, contacts: object, window_days: int, seed: int) -> tuple[float, float]:
    """The same test for the total, in plain Python: bisect on sorted times, loops over draws and contacts."""
    times = [int(value) for value in strike_event_times(strikes)]  # type: ignore[arg-type]
    totals = [int(d) + int(m) for d, m in zip(strikes["drones"], strikes["missiles"], strict=True)]  # type: ignore[index]
    order = sorted(range(len(times)), key=times.__getitem__)
    times = [times[i] for i in order]
    cumulative = [0]
    for i in order:
        cumulative.append(cumulative[-1] + totals[i])

    def window(a: int, b: int) -> int:
        return cumulative[bisect.bisect_left(times, b)] - cumulative[bisect.bisect_left(times, a)]

    window_ns = window_days * DAY_NS
    period_start = (min(times) // DAY_NS) * DAY_NS  # UTC days in this benchmark
    period_end = (max(times) // DAY_NS + 1) * DAY_NS
    day_starts = list(range(period_start, period_end, DAY_NS))
    anchors = [int(value) for value in contact_anchor_times(contacts)]  # type: ignore[arg-type]
    offsets = [anchor - ((anchor - period_start) // DAY_NS * DAY_NS + period_start) for anchor in anchors]
    lows, highs = [], []
    for offset in offsets:
        fits = [
            d
            for d, s in enumerate(day_starts)
            if s + offset - window_ns >= period_start and s + offset + window_ns <= period_end
        ]
        lows.append(fits[0])
        highs.append(fits[-1])
    observed_post = sum(window(a, a + window_ns) for a in anchors)
    observed_diff = sum(window(a, a + window_ns) - window(a - window_ns, a) for a in anchors)
    draws = (
        np.random.default_rng(seed)
        .integers(np.array(lows), np.array(highs) + 1, size=(PERMUTATIONS, len(anchors)))
        .tolist()
    )
    hits_post = hits_diff = 0
    for draw in draws:
        post = diff = 0
        for c, day in enumerate(draw):
            at = day_starts[day] + offsets[c]
            after = window(at, at + window_ns)
            post += after
            diff += after - window(at - window_ns, at)
        hits_post += post >= observed_post
        hits_diff += diff >= observed_diff
    return (1 + hits_post) / (1 + PERMUTATIONS), (1 + hits_diff) / (1 + PERMUTATIONS)


def main() -> None:
    strikes, contacts = synthetic()
    print(f"data: {DAYS} days, {len(strikes):,} strike reports, {CONTACTS} contacts, {PERMUTATIONS:,} permutations")
    analyse(strikes, contacts, zone=UTC, permutations=100)  # warm-up
    runs = []
    for _ in range(5):
        began = time.perf_counter()
        result = analyse(strikes, contacts, window_days=3, zone=UTC, permutations=PERMUTATIONS, seed=SEED)
        runs.append(time.perf_counter() - began)
    vectorised = min(runs)
    began = time.perf_counter()
    p_post, p_diff = python_p_values(strikes, contacts, 3, SEED)
    loop = time.perf_counter() - began
    total = result.metrics["total"]
    assert (p_post, p_diff) == (total.p_value, total.p_value_local), ((p_post, p_diff), total)
    print(
        f"vectorised analysis (all three metrics, baseline, per-contact table): {vectorised * 1000:.1f} ms (best of 5)"
    )
    print(f"plain-Python loop (total only, same draws):                          {loop * 1000:.1f} ms")
    print(f"ratio: {loop / vectorised:.0f}x faster; identical p-values: {p_post:.4f} / {p_diff:.4f}")


if __name__ == "__main__":
    main()
