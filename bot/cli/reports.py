"""`callwatch analyze` and `callwatch export`: the analysis, the backup and the timeline, for people and scripts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.core import Core

EXPORT_FORMATS = ("json", "csv", "png")


def analyze_cli(core: Core, *, window: int, as_json: bool) -> int:
    """Print the verdict and figures (or every figure as JSON) for all stored reports."""
    from handlers.analysis.command import render, run_analysis
    from handlers.analysis.statistics import KYIV

    result = run_analysis(core.ctx, window_days=window)
    if as_json:
        json.dump(result.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(result, KYIV).plain() + "\n")
    return 0


def export_cli(core: Core, *, format: str, output: Path | None) -> int:
    """`json`: the backup `callwatch import FILE` restores; `csv`: the live timeline; `png`: the chart."""
    if format not in EXPORT_FORMATS:
        sys.stderr.write(f"callwatch: unknown export format {format!r}; use {', '.join(EXPORT_FORMATS)}\n")
        return 2
    if format == "png":
        return _chart(core, output)
    if format == "json":
        from handlers.imports.backup import write_backup

        if output is None:
            write_backup(core.ctx, sys.stdout)
            return 0
        with open(output, "w", encoding="utf-8") as handle:
            counts = write_backup(core.ctx, handle)
        sys.stderr.write(f"wrote {output}: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()) + "\n")
        return 0
    from handlers.imports.export import timeline_csv
    from storage import series

    with core.db.reader() as session:
        strikes = series.strike_records(session)
        contacts = series.contact_records(session)
    text = timeline_csv(strikes, contacts)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {output}: {len(contacts):,} contacts, {len(strikes):,} strikes (the timeline)\n")
    return 0


def _chart(core: Core, output: Path | None) -> int:
    from handlers.analysis.charts import render_timeline_chart
    from handlers.text.zones import resolve_zone

    if output is None:
        sys.stderr.write("callwatch: --format png needs --output FILE.png\n")
        return 2
    image = render_timeline_chart(core.ctx, None, None, resolve_zone(core.settings.tz))
    output.write_bytes(image.png)
    sys.stderr.write(f"wrote {output} ({len(image.png):,} bytes)\n")
    return 0
