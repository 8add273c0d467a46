"""A small map whose entries expire: for facts every command reads and that rarely change (zones, roles).

Each process holds its own; a change made here is dropped at once with `forget`, a change made by another
replica is seen when the entry expires.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")
MAX_ENTRIES = 10_000


class Expiring(Generic[Value]):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, Value]] = {}

    def get(self, key: str, load: Callable[[], Value]) -> Value:
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now + self.seconds, value)
        return value

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)
