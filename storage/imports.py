"""Bulk inserts for CSV imports: skip rows whose `source_key` is already stored, insert the rest in batches.

Idempotence rests on the unique `source_key`: a pre-select finds the keys already present (so the importer can
say how many rows were new), and the insert itself is `ON CONFLICT (source_key) DO NOTHING`, so two imports of
the same file racing each other still store each row once.

Strike rows go through the driver's `executemany` with values converted column-wise beforehand, because
SQLAlchemy's per-value type processing costs more than the insert itself at a million rows. The conversion
writes exactly what `storage.types.UTCDateTime` and the JSON type write (a test reads imported rows back
through the ORM to hold it to that).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import ContactReport, StrikeReport

KEY_CHUNK = 900  # stays under SQLite's bound-parameter limit on old builds
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime on SQLite

STRIKE_COLUMNS = (
    "started_at",
    "ended_at",
    "time_known",
    "drones",
    "missiles",
    "weapons",
    "region",
    "killed",
    "injured",
    "source",
    "notes",
    "source_key",
)
CONSTANT_COLUMNS = ("reported_by", "reporter_name", "channel", "created_at")
BULK_CACHE_KIB = 256 * 1024  # SQLite page cache while importing: keeps the unique-key index in memory


def existing_keys(session: Session, model: type[StrikeReport] | type[ContactReport], keys: Sequence[str]) -> set[str]:
    """The subset of `keys` already stored as `source_key` in `model`'s table."""
    found: set[str] = set()
    column = col(model.source_key)
    for begin in range(0, len(keys), KEY_CHUNK):
        chunk = list(keys[begin : begin + KEY_CHUNK])
        found.update(session.exec(select(column).where(column.in_(chunk))).all())  # type: ignore[arg-type]
    return found


@contextmanager
def bulk_session(session: Session) -> Iterator[None]:
    """Give SQLite a large page cache for the duration of a bulk insert, then the default back."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA cache_size=-2000")


def insert_strikes(
    session: Session,
    rows: pd.DataFrame,
    *,
    reported_by: str,
    reporter_name: str | None,
    channel: str,
    created_at: datetime,
) -> int:
    """Insert strike rows (a frame with the columns `STRIKE_COLUMNS`); returns how many went in.

    Times are aware (datetime64[…, UTC]); `weapons` holds dicts; missing values are None or NaT. Rows are
    inserted in `source_key` order, which keeps the unique index's page writes together.
    """
    if rows.empty:
        return 0
    rows = rows.sort_values("source_key")
    is_postgres = session.get_bind().dialect.name == "postgresql"
    columns: list[list[object]] = []
    for name in STRIKE_COLUMNS:
        values = rows[name]
        if name in {"started_at", "ended_at", "created_at"}:
            columns.append(_postgres_times(values) if is_postgres else _sqlite_times(values))
        elif name == "weapons":
            columns.append([json.dumps(weapons) for weapons in values])
        elif name in {"time_known", "drones", "missiles"}:
            columns.append(values.astype(bool if name == "time_known" else int).tolist())
        else:
            columns.append(values.astype(object).where(values.notna(), None).tolist())
    stamp = created_at.astimezone(UTC)
    constants = (
        reported_by,
        reporter_name,
        channel,
        stamp if is_postgres else stamp.replace(tzinfo=None).strftime(SQLITE_DATETIME),
    )
    columns += [[value] * len(rows) for value in constants]
    every = STRIKE_COLUMNS + CONSTANT_COLUMNS
    names = ", ".join(every)
    if is_postgres:
        marks = ", ".join("%s::json" if name == "weapons" else "%s" for name in every)
    else:
        marks = ", ".join("?" for _ in every)
    statement = f"INSERT INTO strike_report ({names}) VALUES ({marks}) ON CONFLICT (source_key) DO NOTHING"
    result = session.connection().exec_driver_sql(statement, list(zip(*columns, strict=True)))
    return int(result.rowcount)


def _sqlite_times(values: pd.Series) -> list[str | None]:
    text = values.dt.tz_convert(UTC).dt.strftime(SQLITE_DATETIME)
    return text.astype(object).where(values.notna(), None).tolist()


def _postgres_times(values: pd.Series) -> list[object]:
    return [None if pd.isna(value) else value.to_pydatetime() for value in values]


def insert_contact(session: Session, contact: ContactReport) -> ContactReport | None:
    """Insert one imported contact unless its `source_key` is stored; returns the stored row or None.

    Contacts go in one by one (they are few) because each new one needs its id for the alert hooks.
    """
    table = ContactReport.__table__  # type: ignore[attr-defined]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {column.name: getattr(contact, column.name) for column in table.columns if column.name != "id"}
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=["source_key"])
    new_id = session.connection().execute(statement.returning(table.c.id)).scalar()
    return None if new_id is None else session.get(ContactReport, new_id)
