"""Benchmark: `import strikes` on the whole shared data set and on a synthetic 1,000,000-row file (SQLite).

Same-run baseline: the obvious ORM loop (`session.add` per row, one transaction) on a 20,000-row sample of
the same parsed rows. Each import gets a fresh database; the re-import (everything already stored) is timed
too.

    python -m bench.imports [ROWS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import DAILY_CSV, write_strike_csv
from bot.wiring import Core, build_core
from handlers.chat.settings import Settings
from handlers.imports.formats import FORMATS
from handlers.imports.importer import _read_csv, import_strikes, parse_strikes
from storage.models import StrikeReport

ORM_SAMPLE = 20_000


def fresh_core(directory: Path, name: str) -> Core:
    return build_core(Settings(database_url=f"sqlite:///{directory / name}.db"))


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


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        shared = fresh_core(directory, "shared")
        seconds, total, inserted = timed_import(shared, DAILY_CSV)
        rate = total / seconds
        print(f"shared data set: {total:,} rows ({inserted:,} stored) in {seconds:.2f} s = {rate:,.0f} rows/s")
        seconds, total, _ = timed_import(shared, DAILY_CSV)
        print(f"  re-import (nothing new): {seconds:.2f} s = {total / seconds:,.0f} rows/s")

        synthetic = write_strike_csv(directory / "synthetic.csv", rows)
        core = fresh_core(directory, "synthetic")
        seconds, total, inserted = timed_import(core, synthetic)
        bulk = total / seconds
        print(f"synthetic file: {total:,} rows ({inserted:,} stored) in {seconds:.1f} s = {bulk:,.0f} rows/s")
        seconds, total, _ = timed_import(core, synthetic)
        print(f"  re-import (nothing new): {seconds:.1f} s = {total / seconds:,.0f} rows/s")

        baseline = orm_baseline(fresh_core(directory, "orm"), synthetic)
        print(f"baseline, ORM session.add per row ({ORM_SAMPLE:,} rows, insert only): {baseline:,.0f} rows/s")
        print(f"ratio: bulk import (parsing included) is {bulk / baseline:.1f}x the ORM loop (parsing excluded)")


if __name__ == "__main__":
    main()
