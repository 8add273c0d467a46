"""Analysis input built from hypothesis rows, shared by the property tests (figures, and the Ukrainian reply)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

StrikeRow = tuple[int, bool, int, int]  # minutes after the start, time known, drones, missiles
ContactRow = tuple[int, bool]  # minutes after the start, time known


def event_frames(
    strikes: list[StrikeRow], contacts: list[ContactRow], start: datetime
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The strike and contact tables `analyse` reads; a row without a known time falls at its day's midnight."""

    def at(minute: int, known: bool) -> datetime:
        moment = start + timedelta(minutes=minute)
        return moment if known else moment.replace(hour=0, minute=0)

    strike_frame = pd.DataFrame(
        {
            "at": pd.to_datetime([at(m, k) for m, k, _, _ in strikes], utc=True),
            "time_known": pd.Series([k for _, k, _, _ in strikes], dtype=bool),
            "drones": pd.Series([d for *_, d, _ in strikes], dtype="int64"),
            "missiles": pd.Series([m for *_, m in strikes], dtype="int64"),
        }
    )
    contact_frame = pd.DataFrame(
        {
            "id": range(1, len(contacts) + 1),
            "at": pd.to_datetime([at(m, k) for m, k in contacts], utc=True),
            "time_known": pd.Series([k for _, k in contacts], dtype=bool),
            "parties": "A, B",
            "kind": "call",
            "confidence": "reported",
        }
    )
    return strike_frame, contact_frame
