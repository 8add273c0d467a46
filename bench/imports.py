"""Benchmark: `import strikes` on the real Air Force data and on a synthetic file; backup and restore (SQLite).

Same-run baseline: the obvious ORM loop (`session.add` per row, one transaction) on a sample of the same parsed
rows. Each import gets a fresh database; the re-import (everything already stored) is timed too. The backup
figures time `callwatch export --format json` and restoring it into a fresh database (the way to PostgreSQL),
against importing the same rows from CSV in the same run. Every figure is the median of `--repeat` runs with
the min–max spread.

    python -m bench.imports [--rows 1000000] [--repeat 3] [--data PATH]

`--data` defaults to the excerpt in tests/data/uaf/; point it at the full table (e.g.
../shared/data/attacks/missile_attacks_daily.csv) for four years of data.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.synthetic import DAILY_CSV, write_strike_csv
from bot.core import Core
from bot.wiring import build_core
from handlers.chat.settings import Settings
from handlers.imports.backup import read_backup, restore, write_backup
from handlers.imports.formats import FORMATS
from handlers.imports.importer import _read_csv, import_strikes, parse_strikes
from storage.models import StrikeReport

ORM_SAMPLE = 20_000
_names = iter(range(1_000_000))


def fresh_core(directory: Path, name: str) -> Core:
    return build_core(Settings(database_url=f"sqlite:///{directory / name}-{next(_names)}.db"))


def timed_import(core: Core, path: Path) -> tuple[float, int, int]:
    began = time.perf_counter()
    report = import_strikes(core.ctx, path, "uaf-daily")
    return time.perf_counter() - began, report.rows, report.inserted


def orm_baseline(core: Core, path: Path) -> float:
    """Rows per second of session.add per row, on the first ORM_SAMPLE parsed rows."""
    parsed, _ = parse_strikes(_read_csv(path).head(ORM_SAMPLE), FORMATS["uaf-daily"])
    now = core.ctx.now()
    began = time.perf_counter()
    with core.db.transaction() as session:
        for row in parsed.itertuples(index=False):
            session.add(
                StrikeReport(
                    started_at=row.started_at.to_pydatetime(),
                    ended_at=None
                    if row.ended_at is None or row.ended_at != row.ended_at
                    else row.ended_at.to_pydatetime(),
                    time_known=bool(row.time_known),
                    drones=int(row.drones),
                    missiles=int(row.missiles),
                    weapons=row.weapons,
                    region=row.region,
                    source=row.source,
                    notes=row.notes,
                    source_key=row.source_key,
                    reported_by="import",
                    channel="import:bench",
                    created_at=now,
                )
            )
    return len(parsed) / (time.perf_counter() - began)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} (min {min(values):,.0f}, max {max(values):,.0f})"


def rates(repeat: int, run: Callable[[], float]) -> list[float]:
    return [run() for _ in range(repeat)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic file size")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median, min–max)")
    parser.add_argument("--data", type=Path, default=DAILY_CSV, help="a uaf-daily CSV (default: the shipped excerpt)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)

        def real_import() -> float:
            seconds, total, _ = timed_import(fresh_core(directory, "real"), args.data)
            return total / seconds

        print(f"{args.data.name}: import {spread(rates(args.repeat, real_import))} rows/s")

        synthetic = write_strike_csv(directory / "synthetic.csv", args.rows, source=args.data)
        loaded: list[Core] = []

        def bulk_import() -> float:
            core = fresh_core(directory, "synthetic")
            seconds, total, _ = timed_import(core, synthetic)
            loaded.append(core)
            return total / seconds

        bulk = rates(args.repeat, bulk_import)
        print(f"synthetic file, {args.rows:,} rows: import {spread(bulk)} rows/s")
        again = rates(args.repeat, lambda: args.rows / timed_import(loaded[0], synthetic)[0])
        print(f"  re-import (nothing new): {spread(again)} rows/s")

        baseline = rates(args.repeat, lambda: orm_baseline(fresh_core(directory, "orm"), synthetic))
        print(f"baseline, ORM session.add per row ({ORM_SAMPLE:,} rows, insert only): {spread(baseline)} rows/s")
        ratio = statistics.median(bulk) / statistics.median(baseline)
        print(f"ratio: bulk import (parsing included) is {ratio:.1f}x the ORM loop (parsing excluded)")

        def backup_rate() -> float:
            began = time.perf_counter()
            write_backup(loaded[0].ctx, io.StringIO())
            return args.rows / (time.perf_counter() - began)

        backup_path = directory / "backup.json"
        with open(backup_path, "w", encoding="utf-8") as handle:
            write_backup(loaded[0].ctx, handle)

        def restore_rate() -> float:
            target = fresh_core(directory, "restored")
            began = time.perf_counter()
            restore(target.ctx, read_backup(backup_path))
            return args.rows / (time.perf_counter() - began)

        exported = rates(args.repeat, backup_rate)
        restored = rates(args.repeat, restore_rate)
        size = backup_path.stat().st_size / 2**20
        print(f"backup (export --format json, {size:,.0f} MiB): {spread(exported)} rows/s")
        print(f"restore into a fresh database (reading the file included): {spread(restored)} rows/s")
        print(f"ratio: restore is {statistics.median(restored) / statistics.median(bulk):.2f}x the CSV import")


if __name__ == "__main__":
    main()
