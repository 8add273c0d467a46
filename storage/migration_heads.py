"""The schema revisions this code expects (the migrations' heads), read from the version files without alembic.

Every start-up asks whether the database is current. Importing alembic to answer costs about a tenth of a second
(its migration runtime and every dialect's DDL), which is most of what a one-line `callwatch console` command
would otherwise spend on it. The files are read the way alembic reads them (every `*.py` in `versions/` except
`__init__`, its `revision` and `down_revision`), so the answer is the same; `Database.ensure_schema` uses it only
to skip alembic when the database already records exactly these heads, and asks alembic in every other case.
"""

from __future__ import annotations

import ast
from functools import cache
from importlib.resources import files
from pathlib import Path

VERSIONS = "versions"


@cache
def expected_heads() -> frozenset[str]:
    """The revisions no other revision builds on; empty when a file cannot be read this way (alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = Path(str(files("storage") / "migrations" / VERSIONS))
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith(("__init__", ".#")):
            continue
        found = _revision_of(path)
        if found is None:
            return frozenset()
        revision, down = found
        revisions.add(revision)
        parents.update(down)
    return frozenset(revisions - parents)


def _revision_of(path: Path) -> tuple[str, tuple[str, ...]] | None:
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                return None
    revision, down = values.get("revision"), values.get("down_revision")
    if not isinstance(revision, str):
        return None
    if down is None:
        return revision, ()
    if isinstance(down, str):
        return revision, (down,)
    if isinstance(down, tuple | list) and all(isinstance(item, str) for item in down):
        return revision, tuple(down)
    return None
