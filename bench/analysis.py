"""Benchmark: `/analysis` on the path a user takes, against a plain, obviously-correct implementation of the same
test run in the same process (issue 12's ≤ 2 s for 20 contacts over four years; issue 13's ≤ 1.5 s at 2,000
contacts with p-values unchanged for the same seed).

The strikes go through the real importer into a real SQLite database: the Air Force's full table when `--data`
names it (e.g. ../shared/data/attacks/missile_attacks_daily.csv), else a synthetic four-year file in its layout.
Contacts are logged with the real contact import. Each case times `Router.handle("/analysis")` (load, test,
model, profile, reply), median of `--repeat` runs with min–max, and then `reference_p_values` — loops over
draws, episodes and strikes with `bisect`, zoneinfo arithmetic and no numpy beyond the seeded generator — on the
same frames and seed. The p-values must be identical, or the script stops.

    python -m bench.analysis [--data FILE] [--repeat 5] [--quick]
"""

from __future__ import annotations

import argparse
import bisect
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from handlers.analysis.parameters import METRICS, AnalysisParameters
from handlers.records.window import KYIV, kyiv_midnight, strike_time, window_start


# --- the plain reference ---------------------------------------------------------------------------------------
@dataclass
class _Episode:
    start: datetime
    end: datetime


def _kyiv_date(moment: datetime) -> date:
    return moment.astimezone(KYIV).date()


def _moved(moment: datetime, days: int) -> datetime:
    """The same Kyiv wall-clock time `days` later (zoneinfo's fold=0 for repeated and skipped times)."""
    local = moment.astimezone(KYIV)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=KYIV).astimezone(UTC)


def reference_p_values(strikes: pd.DataFrame, contacts: pd.DataFrame, params: AnalysisParameters) -> dict[str, float]:
    """The primary test's p-value per metric, computed the slow and obvious way from the same rule and seed."""
    events = sorted(
        (strike_time(at.to_pydatetime(), bool(known)), int(drones), int(missiles))
        for at, known, drones, missiles in zip(
            pd.to_datetime(strikes["at"], utc=True),
            strikes["time_known"],
            strikes["drones"],
            strikes["missiles"],
            strict=True,
        )
    )
    times = [event[0] for event in events]
    running = [(0, 0, 0)]
    for _, drones, missiles in events:
        last = running[-1]
        running.append((last[0] + drones, last[1] + missiles, last[2] + drones + missiles))

    def total(start: datetime, end: datetime) -> tuple[int, int, int]:
        high, low = running[bisect.bisect_left(times, end)], running[bisect.bisect_left(times, start)]
        return (high[0] - low[0], high[1] - low[1], high[2] - low[2])

    length = timedelta(days=params.window_days)
    starts = sorted(
        window_start(at.to_pydatetime(), bool(known))
        for at, known in zip(pd.to_datetime(contacts["at"], utc=True), contacts["time_known"], strict=True)
    )
    starts = [
        s for s in starts if (params.start is None or s >= params.start) and (params.end is None or s < params.end)
    ]
    first_day, last_day = _kyiv_date(times[0]), _kyiv_date(times[-1])
    first_day = max(first_day, _kyiv_date(starts[0]) - timedelta(days=params.lead_in_days))
    last_day = min(
        last_day, _kyiv_date(starts[-1] + length - timedelta(microseconds=1)) + timedelta(days=params.shift_days)
    )
    if params.start is not None:
        first_day = max(first_day, _kyiv_date(params.start))
    if params.end is not None:
        last_day = min(last_day, _kyiv_date(params.end - timedelta(microseconds=1)))
    period_start, period_end = kyiv_midnight(first_day), kyiv_midnight(last_day + timedelta(days=1))
    episodes: list[_Episode] = []
    for start in starts:
        if episodes and start < episodes[-1].end:
            episodes[-1].end = max(episodes[-1].end, start + length)
        else:
            episodes.append(_Episode(start, start + length))
    tested: list[tuple[_Episode, int]] = []
    for episode in episodes:
        span = episode.end - episode.start

        def fits(days: int, episode: _Episode = episode, span: timedelta = span) -> bool:
            moved = _moved(episode.start, days)
            return moved >= period_start and moved + span <= period_end

        reach = -1
        for m in range(params.shift_days + 1):
            if not (fits(-m) and fits(m)):
                break
            reach = m
        if reach >= params.min_shift_days and episode.start >= period_start and episode.end <= period_end:
            tested.append((episode, reach))
    observed = [0, 0, 0]
    for episode, _ in tested:
        for k, value in enumerate(total(episode.start, episode.end)):
            observed[k] += value
    rng = np.random.default_rng(params.seed)
    reaches = np.array([reach for _, reach in tested], dtype=np.int64).reshape(-1, 1)
    draws = rng.integers(-reaches, reaches + 1, size=(len(tested), params.permutations)).tolist()
    hits = [0, 0, 0]
    for draw in range(params.permutations):
        sums = [0, 0, 0]
        for (episode, _), moves in zip(tested, draws, strict=True):
            start = _moved(episode.start, moves[draw])
            for k, value in enumerate(total(start, start + (episode.end - episode.start))):
                sums[k] += value
        for k in range(3):
            hits[k] += sums[k] >= observed[k]
    return {name: (1 + hits[k]) / (1 + params.permutations) for k, name in enumerate(METRICS)}


def primary_test(strikes: pd.DataFrame, contacts: pd.DataFrame, params: AnalysisParameters) -> dict[str, float]:
    """The engine's primary test alone (what `reference_p_values` computes), through its own steps."""
    from handlers.analysis.randomisation import LocalNull
    from handlers.analysis.series import StrikeSeries
    from handlers.analysis.statistics import data_days, extent_of
    from handlers.analysis.windows import plan

    first, last = data_days(extent_of(strikes))
    layout = plan(contacts, first, last, params)
    null = LocalNull(StrikeSeries.from_frame(strikes), layout.episodes, params.permutations, params.seed)
    return {name: result.p_value for name, result in null.results().items()}


# --- the benchmark ------------------------------------------------------------------------------------------------
def _contacts_csv(path: Path, count: int, first: date, last: date, *, seed: int) -> Path:
    """`count` contacts on random days first … last, a third with a UTC hour, the rest date-only."""
    rng = np.random.default_rng(seed)
    days = (last - first).days
    chosen = rng.integers(0, days, count)
    rows = []
    for index, day in enumerate(chosen.tolist()):
        when = first + timedelta(days=day)
        hour = f"{rng.integers(8, 20):02d}:{rng.integers(0, 60):02d}" if index % 3 == 0 else ""
        rows.append(f'{when.isoformat()},{hour},UTC,call,"Leader{index % 7},Other{index}",,bench,reported,')
    path.write_text("date,time,zone,kind,parties,duration,source,confidence,notes\n" + "\n".join(rows) + "\n")
    return path


def _timed(call: object, repeat: int) -> tuple[list[float], object]:
    runs, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = call()  # type: ignore[operator]
        runs.append(time.perf_counter() - began)
    return runs, result


def _spread(runs: list[float]) -> str:
    return f"{statistics.median(runs) * 1000:8.1f} ms (min {min(runs) * 1000:.1f} – max {max(runs) * 1000:.1f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="the Air Force's missile_attacks_daily.csv (default: synthetic)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer draws in the plain reference")
    parser.add_argument(
        "--blas-threads", type=int, default=1, help="OpenBLAS threads (default 1, as the bot sets; try the core count)"
    )
    args = parser.parse_args(argv)
    if os.environ.get("OPENBLAS_NUM_THREADS") != str(args.blas_threads):
        # numpy reads it when it loads, and this module loaded numpy before handlers.analysis could set the bot's
        # default, so start afresh with it set.
        environment = {**os.environ, "OPENBLAS_NUM_THREADS": str(args.blas_threads)}
        os.execve(sys.executable, [sys.executable, "-m", "bench.analysis", *(argv or sys.argv[1:])], environment)

    from bench.synthetic import write_strike_csv
    from bot.wiring import build_core
    from handlers.analysis.command import run_analysis
    from handlers.analysis.statistics import analyse
    from handlers.chat.request import ChatRequest, Platform
    from handlers.chat.settings import Settings
    from handlers.imports.importer import import_contacts, import_strikes
    from storage import series

    threads = os.environ.get("OPENBLAS_NUM_THREADS", "OpenBLAS's default")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; BLAS threads: {threads}")
    with tempfile.TemporaryDirectory() as folder:
        data = args.data or write_strike_csv(Path(folder) / "strikes.csv", 12_000, seed=3)
        print(f"strike data: {data if args.data else 'synthetic, 12,000 rows over 4 years'}")
        cases = [("20 contacts", 20, 3), ("2,000 contacts", 2_000, 1)]
        for label, count, window in cases:
            url = f"sqlite:///{Path(folder) / f'{count}.db'}"
            core = build_core(Settings(database_url=url, tz="UTC"), clock=lambda: datetime(2026, 5, 1, tzinfo=UTC))
            import_strikes(core.ctx, Path(data), "uaf-daily")
            with core.db.reader() as session:
                extent = series.strike_extent(session)
            assert extent.first and extent.last
            first, last = extent.first.date() + timedelta(days=90), extent.last.date() - timedelta(days=45)
            import_contacts(core.ctx, _contacts_csv(Path(folder) / f"c{count}.csv", count, first, last, seed=count))
            request = ChatRequest(
                platform=Platform.CONSOLE,
                user_id="bench",
                channel_id="bench",
                command="analysis",
                text=f"window={window}",
                received_at=datetime(2026, 5, 1, tzinfo=UTC),
            )
            core.router.handle(request)  # warm-up: imports statsmodels once, as a running bot has
            runs, reply = _timed(lambda request=request, core=core: core.router.handle(request), args.repeat)
            assert reply.ok, reply.plain()  # type: ignore[attr-defined]
            result = run_analysis(core.ctx, window_days=window)
            params = result.params
            with core.db.reader() as session:
                strikes, contacts = series.strike_counts(session), series.contacts(session)
            if args.quick:
                params = AnalysisParameters(window_days=window, permutations=1_000)
            engine_runs, engine = _timed(lambda p=params, s=strikes, c=contacts: analyse(s, c, p), 3)
            test_runs, ours = _timed(lambda p=params, s=strikes, c=contacts: primary_test(s, c, p), 3)
            began = time.perf_counter()
            reference = reference_p_values(strikes, contacts, params)
            plain = time.perf_counter() - began
            if ours != reference:
                sys.exit(f"p-values differ for {label}: engine {ours} vs reference {reference}")
            tested = f"{engine.tested_contacts:,} tested in {len(engine.episodes):,} episodes"  # type: ignore[attr-defined]
            print(
                f"\n{label} over {result.days:,} Kyiv days ({tested}), window={window}, "
                f"{params.permutations:,} draws, seed {params.seed}:"
            )
            print(f"  /analysis through the router (load, test, model, profile, reply): {_spread(runs)}")
            print(f"  the whole study alone (statistics.analyse, same frames):           {_spread(engine_runs)}")
            print(f"  its primary test (plan, window totals, draws, p):                  {_spread(test_runs)}")
            print(f"  the same test, plain reference (loops, bisect, same draws):        {plain * 1000:8.1f} ms")
            print(
                f"  ratio reference / engine test: {plain / statistics.median(test_runs):.0f}×; p-values identical: "
                f"{', '.join(f'{k} {v:.4f}' for k, v in reference.items()) or 'no test'}"
            )
            core.close()


if __name__ == "__main__":
    main()
