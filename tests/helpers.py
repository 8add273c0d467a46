"""Small assertions shared by test modules."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sqlalchemy import func, inspect, select, table

from bot.core import Core
from handlers.chat.command import ActionHandler, Command


def row_counts(core: Core) -> dict[str, int]:
    """Rows in every table: the proof that a refused command changed nothing."""
    names = [name for name in inspect(core.db.engine).get_table_names() if name != "alembic_version"]
    with core.db.engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one() for name in names}


def wrapping_actions(command: Command, wrap: Callable[[ActionHandler], ActionHandler]) -> Command:
    """`command` with every action's handler wrapped (to slow it down or count calls), roles and words unchanged."""
    actions = tuple(dataclasses.replace(action, run=wrap(action.run)) for action in command.actions)
    return dataclasses.replace(command, actions=actions)
