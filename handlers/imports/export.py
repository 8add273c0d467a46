"""The timeline as CSV for spreadsheets: one row per live report, oldest first, contacts and strikes together.

It is not a backup: retracted reports, subscriptions and roles are left out (`backup.py` writes the backup).
`callwatch import FILE` reads it back as a timeline, contacts and strikes both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

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
    """One table, oldest first; `record` says contact or strike; weapons as `Model:count,…`; times ISO UTC."""
    import pandas as pd

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
