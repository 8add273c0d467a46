"""`callwatch parse FILE|-`: an Air Force report in, its counts as JSON out; nothing is stored.

For scripts: it never opens the database and imports nothing heavy, so it starts as fast as `--help`. Exit 0 when
the report was read, 1 when it was refused (the JSON says why), 2 when the input or an option is unusable.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TextIO

from handlers.airforce import Refusal, parse_report

MAX_BYTES = 1_000_000  # a report is a few kilobytes; a bigger file is the wrong file


def _posted(value: str | None) -> dt.datetime | dt.date | None:
    if value is None:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        return dt.datetime.fromisoformat(text) if "T" in text or " " in text else dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--posted-at {value!r} is not an ISO date or time (2025-07-04 or 2025-07-04T08:00+03:00)"
        ) from None


def _read(source: str, stdin: TextIO) -> str:
    if source == "-":
        data = stdin.buffer.read(MAX_BYTES + 1) if hasattr(stdin, "buffer") else stdin.read(MAX_BYTES + 1).encode()
    else:
        path = Path(source)
        if path.is_dir():
            raise OSError(f"{source} is a directory, not a report file")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise OSError(f"{source} is over {MAX_BYTES:,} bytes: not one report")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OSError(f"{source} is not UTF-8 text") from None


def parse_cli(source: str, posted_at: str | None = None, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    try:
        posted = _posted(posted_at)
    except ValueError as error:
        print(f"callwatch parse: {error}", file=sys.stderr)
        return 2
    try:
        text = _read(source, stdin)
    except OSError as error:
        reason = error.strerror or str(error)
        print(f"callwatch parse: cannot read {source}: {reason}", file=sys.stderr)
        return 2
    result = parse_report(text, posted)
    json.dump(result.as_json(), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 1 if isinstance(result, Refusal) else 0
