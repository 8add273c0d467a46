"""Python's cyclic garbage collector in a long-running process: what start-up loaded is set aside once loaded.

A worker holds a few hundred thousand objects for its whole life (modules, classes, SQLAlchemy and pydantic
metadata, compiled statements, its HTTP client). The collector's full pass walks every one of them, and the
first full pass comes with the first burst of work: in the first fan-out after a worker started, a full
collection of 80–95 ms stalled each worker's event loop while its 64 sends waited (bench/alerts_fanout.py, "the
first contact after start-up"). Frozen, those objects are left out of every later pass; reference counting still
frees whatever is released, only a cycle among them would stay (start-up's own garbage is collected first).
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger("callwatch.collector")


def settle() -> None:
    """Collect what start-up left as garbage, then freeze everything still alive. Once a process has loaded is
    enough; a second call freezes only what has loaded since."""
    collected = gc.collect()
    gc.freeze()
    log.debug("start-up objects frozen", extra={"frozen": gc.get_freeze_count(), "collected": collected})
