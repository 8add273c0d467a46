"""Air Force report parser: how often it reads each field right, and how long a report takes to read.

    python -m bench.parse_reports              # 7 timed runs over the corpus
    python -m bench.parse_reports --runs 15

Accuracy: per-field exact-match rates over tests/airforce/corpus/reports (real texts, expected counts checked
against the data set) and the refusal rate over tests/airforce/corpus/non_reports (must be 100 %).

Speed: every corpus text parsed with `parse_report`, the call `callwatch parse` and the chat preview make,
timed per report as the median of several runs with the min–max spread, beside the least work any parser must
do in the same run: one bare regex scan of the same texts for all numbers. Both wall time (what a user waits)
and this process's CPU time (the same work, without the other processes of a busy machine) are printed, with
the load average. The ratio is the figure to watch; the goal is under 5 ms a report. A cold start like
`callwatch parse` (import the parser and read one report in a fresh interpreter) is timed against reading the
report file alone.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from handlers.airforce import Refusal, parse_report
from tests.airforce.corpus import FIELDS, non_reports, read_fields, reports

ROOT = Path(__file__).resolve().parents[1]
_ANY_NUMBER = re.compile(r"\d+")


def _rates(corpus: list) -> tuple[Counter[str], int]:
    hits: Counter[str] = Counter()
    refused = 0
    for report in corpus:
        result = parse_report(report.text, report.posted_at)
        if isinstance(result, Refusal):
            refused += 1
            continue
        got = read_fields(result.as_json())
        for field in FIELDS:
            hits[field] += got[field] == report.expected[field]
    return hits, refused


def accuracy() -> None:
    everything = reports()
    groups = [
        ("all reports", everything),
        ("  developed on", [r for r in everything if not r.source.get("held_out")]),
        ("  added later (held out)", [r for r in everything if r.source.get("held_out")]),
    ]
    print(f"reports: {len(everything)} ({sum(r.language == 'uk' for r in everything)} uk, "
          f"{sum(r.language == 'en' for r in everything)} en)")  # fmt: skip
    print(f"  {'field':<20}" + "".join(f"{label.strip():>26}" for label, _ in groups))
    results = [(_rates(corpus), len(corpus)) for _label, corpus in groups]
    for field in FIELDS:
        cells = "".join(f"{hits[field]:>13}/{n:<3} {100 * hits[field] / n:5.1f} %   " for (hits, _r), n in results)
        print(f"  {field:<20}{cells}")
    totals = "".join(f"{'':>13}{100 * sum(hits.values()) / (n * len(FIELDS)):>10.1f} %   " for (hits, _r), n in results)
    print(f"  {'all fields':<20}{totals}  (goal ≥ 95 %)")
    print(f"  wrongly refused: {results[0][0][1]}")
    agree = sum(bool(r.source["checked_against"]["agrees"]) for r in everything)
    print(f"  expected counts agree with the data set's rows for {agree}/{len(everything)} reports (mismatches noted)")
    others = non_reports()
    refused_others = sum(isinstance(parse_report(item.text), Refusal) for item in others)
    print(f"non-reports: {len(others)}; refused {refused_others} ({100 * refused_others / len(others):.0f} %), "
          f"accepted {len(others) - refused_others} (goal 0)")  # fmt: skip


def _time_per_text(texts: list[tuple[str, object]], work, clock=time.perf_counter) -> float:
    start = clock()
    for text, posted in texts:
        work(text, posted)
    return (clock() - start) / len(texts)


def speed(runs: int) -> None:
    texts = [(r.text, r.posted_at) for r in reports()] + [(n.text, None) for n in non_reports()]
    parse_report(*texts[0])  # compile the patterns once, as a running bot has

    def bare_scan(text: str, _posted: object) -> list[str]:
        return _ANY_NUMBER.findall(text)

    # Wall time is what a user waits; CPU time of this process is the same work without the other processes
    # that share a busy machine (the load average is printed so the two can be told apart).
    figures = {}
    for label, clock in (("wall", time.perf_counter), ("cpu", time.process_time)):
        ours = [_time_per_text(texts, parse_report, clock) for _ in range(runs)]
        base = [_time_per_text(texts, bare_scan, clock) for _ in range(runs)]
        figures[label] = (ours, base)
    per_text = []
    for text, posted in texts:
        samples = []
        for _ in range(runs):
            start = time.process_time()
            parse_report(text, posted)
            samples.append(time.process_time() - start)
        per_text.append(statistics.median(samples))

    def ms(values: list[float]) -> str:
        return (
            f"{1000 * statistics.median(values):.3f} ms (min {1000 * min(values):.3f} – max {1000 * max(values):.3f})"
        )

    print(f"\nparse time per text, {len(texts)} texts × {runs} runs (median of runs, min–max); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs:")  # fmt: skip
    for label, (ours, base) in figures.items():
        print(f"  {label:>4}  parse_report          {ms(ours)}")
        print(f"  {label:>4}  baseline: regex \\d+   {ms(base)}")
        print(f"  {label:>4}  ratio parser/baseline ×{statistics.median(ours) / statistics.median(base):.0f}")
    print(f"  slowest single text (CPU)  {1000 * max(per_text):.3f} ms (median of {runs}); goal ≤ 5 ms a report")


def cold_start(runs: int) -> None:
    sample = ROOT / "tests" / "airforce" / "corpus" / "reports" / "radiosvoboda-2026-01-26.yaml"
    read_one = (
        "import yaml, sys; text = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))['text']\n"
        "from handlers.airforce import parse_report; parse_report(text)"
    )
    bare = "import yaml, sys; text = yaml.safe_load(open(sys.argv[1], encoding='utf-8'))['text']"

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(sample)], check=True, cwd=ROOT)
        return time.perf_counter() - start

    ours = [run(read_one) for _ in range(runs)]
    base = [run(bare) for _ in range(runs)]
    print(f"\ncold start in a fresh interpreter ({runs} runs, median, min–max):")
    print(f"  import parser + parse one report  {1000 * statistics.median(ours):.0f} ms "
          f"({1000 * min(ours):.0f}–{1000 * max(ours):.0f})")  # fmt: skip
    print(f"  baseline: read the report only    {1000 * statistics.median(base):.0f} ms "
          f"({1000 * min(base):.0f}–{1000 * max(base):.0f})")  # fmt: skip
    print(f"  added by the parser               {1000 * (statistics.median(ours) - statistics.median(base)):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed runs (at least 5)")
    args = parser.parse_args()
    runs = max(5, args.runs)
    accuracy()
    speed(runs)
    cold_start(runs)


if __name__ == "__main__":
    main()
