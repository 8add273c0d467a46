"""Small assertions shared by test modules."""

from __future__ import annotations

from sqlalchemy import func, inspect, select, table

from bot.wiring import Core


def row_counts(core: Core) -> dict[str, int]:
    """Rows in every table: the proof that a refused command changed nothing."""
    names = [name for name in inspect(core.db.engine).get_table_names() if name != "alembic_version"]
    with core.db.engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one() for name in names}
