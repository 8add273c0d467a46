"""`callwatch analyze` and `callwatch export`: the analysis and the timeline, for people and for scripts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from bot.wiring import Core
from handlers.analysis.charts import render_timeline_chart
from handlers.analysis.command import render, run_analysis
from handlers.analysis.statistics import KYIV
from handlers.text.zones import resolve_zone
from storage import series

EXPORT_FORMATS = ("csv", "json", "png")


def analyze_cli(core: Core, *, window: int, as_json: bool) -> int:
    """Print the verdict and figures (or every figure as JSON) for all stored reports."""
    result = run_analysis(core.ctx, window_days=window)
    if as_json:
        json.dump(result.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(result, KYIV).plain() + "\n")
    return 0


def export_cli(core: Core, *, format: str, output: Path | None) -> int:
    """The live timeline as CSV (one row per report, oldest first) or JSON; `png` writes the chart."""
    if format not in EXPORT_FORMATS:
        sys.stderr.write(f"callwatch: unknown export format {format!r}; use {', '.join(EXPORT_FORMATS)}\n")
        return 2
    if format == "png":
        if output is None:
            sys.stderr.write("callwatch: --format png needs --output FILE.png\n")
            return 2
        image = render_timeline_chart(core.ctx, None, None, resolve_zone(core.settings.tz))
        output.write_bytes(image.png)
        sys.stderr.write(f"wrote {output} ({len(image.png):,} bytes)\n")
        return 0
    with core.db.reader() as session:
        strikes = series.strike_records(session)
        contacts = series.contact_records(session)
    text = timeline_csv(strikes, contacts) if format == "csv" else timeline_json(strikes, contacts)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {output}: {len(contacts):,} contacts, {len(strikes):,} strikes\n")
    return 0


CSV_COLUMNS = (
    "record",
    "id",
    "at",
    "ended_at",
    "time_known",
    "parties",
    "kind",
    "confidence",
    "duration_seconds",
    "duplicate_of_id",
    "drones",
    "missiles",
    "weapons",
    "region",
    "killed",
    "injured",
    "source",
    "notes",
    "reported_by",
    "channel",
    "created_at",
    "source_key",
)


def _iso(values: pd.Series) -> pd.Series:
    text = values.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text.astype(object).where(values.notna(), "")


def timeline_csv(strikes: pd.DataFrame, contacts: pd.DataFrame) -> str:
    """One table, oldest first; `record` says contact or strike. `callwatch import strikes --format callwatch`
    reads it back (it skips the contact rows)."""
    strikes = strikes.assign(
        record="strike",
        weapons=strikes["weapons"].map(lambda pairs: ",".join(f"{model}:{n}" for model, n in (pairs or {}).items())),
    )
    contacts = contacts.assign(record="contact")
    merged = pd.concat([contacts, strikes], ignore_index=True, sort=False)
    if merged.empty:
        return ",".join(CSV_COLUMNS) + "\n"
    order = merged["at"]
    for column in ("at", "ended_at", "created_at"):
        if column in merged:
            merged[column] = _iso(pd.to_datetime(merged[column], utc=True))
    merged = merged.assign(_order=order).sort_values(["_order", "record", "id"]).drop(columns="_order")
    for column in ("id", "duplicate_of_id", "duration_seconds", "drones", "missiles", "killed", "injured"):
        if column in merged:
            merged[column] = merged[column].astype("Int64")
    return merged.reindex(columns=list(CSV_COLUMNS)).to_csv(index=False)


def timeline_json(strikes: pd.DataFrame, contacts: pd.DataFrame) -> str:
    """`{"contacts": [...], "strikes": [...]}`, each oldest first, times ISO 8601 UTC."""

    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        frame = frame.copy()
        for column in ("at", "ended_at", "created_at"):
            if column in frame:
                frame[column] = _iso(pd.to_datetime(frame[column], utc=True)).replace("", None)
        frame = frame.astype(object).where(frame.notna(), None)
        return [{key: _plain(value) for key, value in row.items()} for row in frame.to_dict("records")]

    return json.dumps({"contacts": records(contacts), "strikes": records(strikes)}, indent=2, ensure_ascii=False) + "\n"


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return value
