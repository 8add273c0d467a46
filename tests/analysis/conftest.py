"""The real data, loaded once per module the way a user loads it: the shipped Air Force excerpt and the shipped
contacts through the real importer into a real (SQLite) database, read back with the analysis' own queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from bot.wiring import build_core
from handlers.analysis.result import DataExtent
from handlers.chat.settings import Settings
from handlers.imports.importer import import_contacts, import_strikes
from storage import series

DATA = Path(__file__).resolve().parents[1] / "data"
STRIKES_CSV = DATA / "uaf" / "missile_attacks_daily_2024-10_2026-04.csv"
CONTACTS_CSV = DATA / "contacts" / "trump_putin_2025_2026.csv"

RealData = tuple[pd.DataFrame, DataExtent, list[timedelta | None]]


@pytest.fixture(scope="module")
def real_2025(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealData]:
    """(live strikes, their extent, the hour pattern of the shipped 2025 contacts: a UTC time of day, or None for a
    date-only report, one entry per contact)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'callwatch.db'}"
    core = build_core(Settings(database_url=url, tz="UTC"), clock=lambda: datetime(2026, 11, 25, tzinfo=UTC))
    try:
        import_strikes(core.ctx, STRIKES_CSV, "uaf-daily")
        import_contacts(core.ctx, CONTACTS_CSV)
        with core.db.reader() as session:
            strikes = series.strike_counts(session)
            stored = series.strike_extent(session)
            contacts = series.contacts(session)
    finally:
        core.close()
    of_2025 = contacts[pd.to_datetime(contacts["at"], utc=True).dt.year == 2025]
    pattern = [
        (at - at.normalize()).to_pytimedelta() if known else None
        for at, known in zip(pd.to_datetime(of_2025["at"], utc=True), of_2025["time_known"], strict=True)
    ]
    assert len(pattern) >= 10, "the shipped contacts of 2025"
    yield strikes, DataExtent(stored.first, stored.last, stored.reports, stored.drones, stored.missiles), pattern
