"""The last line of defence for writes made on behalf of someone in a chat.

The router decides who may do what (`bot/router.py`, `handlers/roles/rules.py`). Should a handler ever be wired
wrong — an action that writes declared as a read — the write still cannot happen: while the router runs an action
it records the caller's role here, and every write transaction, and every write that only admins may make, checks
it. Work the bot does on its own (the alert worker, an import from the command line, bookkeeping of Telegram
positions) runs outside any chat request and is not affected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

WRITERS = frozenset({"reporter", "admin"})
ADMINS = frozenset({"admin"})

_acting: ContextVar[str | None] = ContextVar("callwatch_acting_role", default=None)


class WriteRefusedError(PermissionError):
    """A write attempted for a caller whose role does not allow it."""

    def __init__(self, role: str, needed: str) -> None:
        super().__init__(f"a {role} may not write (needs {needed})")
        self.role, self.needed = role, needed


@contextmanager
def acting_as(role: str) -> Iterator[None]:
    """Writes inside this block are made for a caller with `role` (a chat request being handled)."""
    token = _acting.set(role)
    try:
        yield
    finally:
        _acting.reset(token)


def check_write(needed: str = "reporter") -> None:
    """Refuse unless the caller being served may write (`needed="admin"`: unless the caller is an admin)."""
    role = _acting.get()
    if role is None:
        return  # the bot's own work, not a chat request
    allowed = ADMINS if needed == "admin" else WRITERS
    if role not in allowed:
        raise WriteRefusedError(role, needed)
