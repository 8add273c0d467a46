"""The real-text corpus of Air Force reports and non-reports (tests/airforce/corpus), shared by tests and bench.

Each report file holds the text as found at `source_url`, the counts a careful reader takes from that text
(`expected`) and the data-set rows it was checked against (`checked_against`), mismatches written down there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).parent / "corpus"
FIELDS = ("night", "drones_launched", "missiles_launched", "drones_destroyed", "missiles_destroyed", "by_weapon")


@dataclass(frozen=True)
class Report:
    id: str
    language: str
    text: str
    posted_at: dt.datetime | dt.date | None
    expected: dict[str, Any]
    source: dict[str, Any]


@dataclass(frozen=True)
class NonReport:
    id: str
    language: str
    text: str
    why: str


def _posted(value: Any) -> dt.datetime | dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value).replace("Z", "+00:00")
    return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)


def _expected(raw: dict[str, Any]) -> dict[str, Any]:
    night = raw["night"]
    return {
        **raw,
        "night": night.isoformat() if isinstance(night, dt.date) else night,
        "by_weapon": {name: dict(value) for name, value in (raw.get("by_weapon") or {}).items()},
    }


def reports() -> list[Report]:
    out = []
    for path in sorted((CORPUS / "reports").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(
            Report(
                doc["id"], doc["language"], doc["text"], _posted(doc.get("posted_at")), _expected(doc["expected"]), doc
            )
        )
    return out


def non_reports() -> list[NonReport]:
    out = []
    for path in sorted((CORPUS / "non_reports").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(NonReport(doc["id"], doc["language"], doc["text"], doc["why_not_a_report"]))
    return out


def read_fields(parsed_json: dict[str, Any]) -> dict[str, Any]:
    """The compared fields of a `ParsedReport.as_json()`, per-weapon entries cut to launched and destroyed."""
    out = {field: parsed_json.get(field) for field in FIELDS}
    out["by_weapon"] = {
        name: {"launched": value.get("launched"), "destroyed": value.get("destroyed")}
        for name, value in (parsed_json.get("by_weapon") or {}).items()
    }
    return out
