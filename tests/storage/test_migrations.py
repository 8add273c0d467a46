"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

Several people add tables and columns; a model changed without its migration (or the reverse) would pass every
test that builds the schema one way and fail in production, where only the migrations run.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401 — registers every table on SQLModel.metadata
from storage.database import Database


def test_migrations_and_models_describe_the_same_schema(database_url: str) -> None:
    database = Database(database_url)
    try:
        database.upgrade()
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": False})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        database.dispose()
    assert differences == [], "\n".join(map(str, differences))


def test_the_migrations_are_one_chain() -> None:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(Database("sqlite://").alembic_config()).get_heads()
    assert len(heads) == 1, f"several heads: {heads} — chain the newest migration after the one before it"
