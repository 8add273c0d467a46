"""Python's cyclic garbage collector around a command's start-up: paused while the libraries and the core load,
and no last full collection when the process ends.

Start-up creates a few hundred thousand objects that live as long as the process (modules, classes, SQLAlchemy
and pydantic metadata) and next to no garbage. The collector would still walk them several times while they load
and once more at exit, finding nothing: about 0.05 s and 0.1 s of a one-line `callwatch console` command on the
machine the benchmarks ran on (bench/startup.py). Reference counting still frees everything as usual; only the
cycle search waits. At exit, whatever is alive is frozen instead of collected: Python does not promise to
finalize objects that still exist when the interpreter exits, and nothing of ours relies on it (a report is
committed before its confirmation is printed).
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

_freeze_registered = False


@contextmanager
def loading() -> Iterator[None]:
    """Collection paused inside the block (restored as it was after it); the exit-time collection skipped."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        _skip_collection_at_exit()


def _skip_collection_at_exit() -> None:
    global _freeze_registered
    if not _freeze_registered:
        atexit.register(gc.freeze)
        _freeze_registered = True
