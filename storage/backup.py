"""The queries behind backup and restore: whole tables read in id order, and rows put back once.

A backup holds what users entered: contacts, strikes, channel subscriptions and role grants, every column of
each row (`rows`). Restoring inserts only the rows the target lacks. A row is recognised by what cannot change
after it was written — its `source_key`, else its redelivery `request_key`, else who logged it, where, when
and about when — so restoring twice adds nothing, and the ids a row already has in the target are reused for
the references to it. Ids are written explicitly (`next_id`), so the target's id sequences are moved past them
afterwards (`advance_ids`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select, text, update
from sqlmodel import Session

from storage.imports import KEY_CHUNK
from storage.models import ChannelSubscription, ContactReport, StrikeReport, UserRole

READ_CHUNK = 10_000
Identity = tuple[Any, ...]


def table_of(model: type[Any]) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def rows(session: Session, model: type[Any]) -> Iterator[dict[str, Any]]:
    """Every row of `model`'s table as {column: value} (times aware UTC, JSON decoded), in id order."""
    table = table_of(model)
    result = session.connection().execution_options(yield_per=READ_CHUNK).execute(select(table).order_by(table.c.id))
    for row in result.mappings():
        yield dict(row)


def lock_for_restore(session: Session) -> None:
    """Keep other writers out of the restored tables until the restore commits (SQLite: BEGIN IMMEDIATE has)."""
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(
            table_of(model).name for model in (ContactReport, StrikeReport, ChannelSubscription, UserRole)
        )
        session.connection().exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")


def report_identity(model: type[ContactReport] | type[StrikeReport], row: dict[str, Any]) -> Identity:
    """What names one report across databases: its source key, else its request key, else who/where/when."""
    if row.get("source_key"):
        return ("source", row["source_key"])
    if row.get("request_key"):
        return ("request", row["request_key"])
    at = row["occurred_at"] if model is ContactReport else row["started_at"]
    return ("logged", row["reported_by"], row["channel"], row["created_at"], at)


def stored_reports(
    session: Session, model: type[ContactReport] | type[StrikeReport], wanted: Sequence[Identity]
) -> dict[Identity, tuple[int, bool]]:
    """For the identities in `wanted` that the target already holds: (its id there, retracted?)."""
    table = table_of(model)
    found: dict[Identity, tuple[int, bool]] = {}
    for kind, column in (("source", table.c.source_key), ("request", table.c.request_key)):
        keys = [identity[1] for identity in wanted if identity[0] == kind]
        for begin in range(0, len(keys), KEY_CHUNK):
            query = select(column, table.c.id, table.c.retracted_at).where(column.in_(keys[begin : begin + KEY_CHUNK]))
            for key, row_id, retracted_at in session.connection().execute(query):
                found[(kind, key)] = (row_id, retracted_at is not None)
    if any(identity[0] == "logged" for identity in wanted):
        at = table.c.occurred_at if model is ContactReport else table.c.started_at
        query = select(
            table.c.reported_by, table.c.channel, table.c.created_at, at, table.c.id, table.c.retracted_at
        ).where(table.c.source_key.is_(None), table.c.request_key.is_(None))
        for reported_by, channel, created_at, when, row_id, retracted_at in session.connection().execute(query):
            found[("logged", reported_by, channel, created_at, when)] = (row_id, retracted_at is not None)
    return found


def taken_ids(session: Session, model: type[Any], ids: Iterable[int]) -> set[int]:
    table = table_of(model)
    wanted = list(ids)
    taken: set[int] = set()
    for begin in range(0, len(wanted), KEY_CHUNK):
        query = select(table.c.id).where(table.c.id.in_(wanted[begin : begin + KEY_CHUNK]))
        taken.update(session.connection().execute(query).scalars())
    return taken


def next_id(session: Session, model: type[Any]) -> int:
    """One past the largest id in the table: where rows whose own id is taken are placed."""
    table = table_of(model)
    return int(session.connection().execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def insert_rows(session: Session, model: type[Any], values: list[dict[str, Any]]) -> None:
    """Insert rows given as {column: value}, ids included, through the column types (UTC times, JSON)."""
    if values:
        session.connection().execute(table_of(model).insert(), values)


def advance_ids(session: Session, model: type[Any]) -> None:
    """After explicit ids, move PostgreSQL's sequence past them (SQLite takes max(id) + 1 by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    name = table_of(model).name
    session.connection().execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {name}), (SELECT count(*) > 0 FROM {name}))"
        )
    )


def apply_retraction(
    session: Session,
    model: type[ContactReport] | type[StrikeReport],
    row_id: int,
    *,
    at: datetime,
    by: str,
    reason: str,
) -> None:
    """Mark a report retracted as the backup says, unless it already is (then the target's account stands)."""
    table = table_of(model)
    session.connection().execute(
        update(table)
        .where(table.c.id == row_id, table.c.retracted_at.is_(None))
        .values(retracted_at=at, retracted_by=by, retract_reason=reason)
    )


def existing_values(session: Session, model: type[Any], column: str, wanted: Iterable[str]) -> set[str]:
    """Which of `wanted` (channels, users) the target already holds in its unique `column`."""
    table = table_of(model)
    values = list(wanted)
    found: set[str] = set()
    for begin in range(0, len(values), KEY_CHUNK):
        query = select(table.c[column]).where(table.c[column].in_(values[begin : begin + KEY_CHUNK]))
        found.update(session.connection().execute(query).scalars())
    return found
