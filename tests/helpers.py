"""Small assertions shared by test modules."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import aiohttp
from sqlalchemy import func, inspect, literal, select, table, union_all

from bot.core import Core
from handlers.chat.command import ActionHandler, Command


def row_counts(core: Core) -> dict[str, int]:
    """Rows in every table: the proof that a refused command changed nothing (one query, for property tests that
    ask thousands of times)."""
    names = _table_names(core)
    counts = union_all(*(select(literal(name), func.count()).select_from(table(name)) for name in names))
    with core.db.engine.connect() as connection:
        return {name: count for name, count in connection.execute(counts)}


def _table_names(core: Core) -> list[str]:
    """The tables, asked of the database once per core (PostgreSQL's catalogue is slow to ask every time)."""
    names: list[str] | None = getattr(core, "_tables_for_tests", None)
    if names is None:
        names = [name for name in inspect(core.db.engine).get_table_names() if name != "alembic_version"]
        core._tables_for_tests = names  # type: ignore[attr-defined]
    return names


def wrapping_actions(command: Command, wrap: Callable[[ActionHandler], ActionHandler]) -> Command:
    """`command` with every action's handler wrapped (to slow it down or count calls), roles and words unchanged."""
    actions = tuple(dataclasses.replace(action, run=wrap(action.run)) for action in command.actions)
    return dataclasses.replace(command, actions=actions)


async def until_serving(
    session: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process, *, within: float = 60
) -> None:
    """Poll `url`/healthz until the server started as `process` answers 200; fail at once if it exits first."""
    async with asyncio.timeout(within):
        while True:
            if process.returncode is not None:
                raise AssertionError(f"the server exited with {process.returncode} before serving")
            try:
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
