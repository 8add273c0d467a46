"""Row counts of every table in one query: the "nothing changed" check, cheap enough to run per example."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, inspect, select, table

from bot.core import Core


def row_counter(core: Core, *, leave_out: frozenset[str] = frozenset()) -> Callable[[], dict[str, int]]:
    names = [
        name
        for name in inspect(core.db.engine).get_table_names()
        if name != "alembic_version" and name not in leave_out
    ]
    query = select(*[select(func.count()).select_from(table(name)).scalar_subquery().label(name) for name in names])

    def counts() -> dict[str, int]:
        with core.db.engine.connect() as connection:
            return dict(zip(names, connection.execute(query).one(), strict=True))

    return counts
