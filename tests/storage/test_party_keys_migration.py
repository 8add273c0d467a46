"""Contacts stored before the text rule get the party key the same-contact rule now compares (migration 0006)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.contacts.parties import parties_key
from handlers.text import cleaning
from storage.database import Database

MIGRATION = Path(__file__).resolve().parents[2] / "storage" / "migrations" / "versions" / "0006_party_keys.py"


@cache
def _migration() -> object:
    spec = importlib.util.spec_from_file_location("party_keys_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_old_keys_are_recomputed_and_then_match_new_reports(database_url: str) -> None:
    database = Database(database_url)
    try:
        database.upgrade("0005_strike_draft")
        at = datetime(2025, 7, 3, 14, tzinfo=UTC)
        with database.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO contact_report (occurred_at, time_known, parties, parties_key, kind, confidence,"
                    " reported_by, channel, created_at) VALUES (:at, true, :parties, :key, 'call', 'reported',"
                    " 'slack:U1', 'slack:C1', :at)"
                ),
                {
                    "at": at.replace(tzinfo=None) if database.is_sqlite else at,
                    "parties": "Put\u00adin, ＴＲＵＭＰ",
                    "key": "put\u00adin,ｔｒｕｍｐ",
                },
            )
        database.upgrade()
        with database.engine.connect() as connection:
            [key] = connection.execute(sa.text("SELECT parties_key FROM contact_report")).scalars().all()
    finally:
        database.dispose()
    assert key == parties_key(["Trump", "Putin"]) == "putin,trump"


@settings(max_examples=300, derandomize=True)
@given(name=st.text(max_size=30))
def test_the_migrations_copy_of_the_rule_folds_as_the_code_does(name: str) -> None:
    if cleaning.first_refused(name) is not None or "," in name or ";" in name:
        return  # refused names are never stored; separators split names before folding
    assert _migration()._fold(name) == cleaning.fold(name)  # type: ignore[attr-defined]
