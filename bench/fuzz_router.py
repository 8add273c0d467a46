"""The long soak of the suite's property tests: arbitrary wording to every command, as every kind of caller, through
the real router on SQLite and PostgreSQL, counting what no input may do.

    python -m bench.fuzz_router                      # 10,000 inputs per database
    python -m bench.fuzz_router --inputs 50000 --seed 7
    python -m bench.fuzz_router --database-url sqlite:///tmp/f.db   # one database only

For each input it checks: the router answered (no exception escaped); no "Something went wrong" (a crash in a
handler); a caller who may not write (a Slack member without a grant, a Telegram stranger, a Telegram viewer)
changed no table; any refusal changed no table. It prints the failures (there should be none), what the inputs
did (stored, refused, read), and the time per input beside a same-run baseline: the same texts through the
argument grammar alone, which is the least any command must do with them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.core import Core
from bot.wiring import build_core
from handlers.chat.request import ChatRequest
from handlers.chat.settings import Settings
from handlers.registry import all_commands
from handlers.text.arguments import ArgumentError, parse
from tests.chat.test_authorization import WORDING
from tests.helpers import row_counts

POSTGRES = os.environ.get("CALLWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CALLERS = [
    ("slack", "UADMIN", True),  # an admin: may write
    ("slack", "UREP", True),  # a reporter: may write
    ("slack", "UVIEW", False),  # a member without a grant: viewer
    ("telegram", "999", False),  # a stranger
    ("telegram", "555", False),  # a viewer by grant
]
COMMANDS = [command.name for command in all_commands()]


@dataclass
class Tally:
    inputs: int = 0
    failures: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    texts: list[str] = field(default_factory=list)  # every input's text, for the grammar-alone baseline


def _core(url: str) -> Core:
    core = build_core(Settings(database_url=url, admins="slack:UADMIN"))
    for text in ("grant user=UREP role=reporter", "grant user=telegram:555 role=viewer"):
        request = ChatRequest(platform="slack", user_id="UADMIN", channel_id="CF", command="role", text=text)
        assert core.router.handle(request).ok
    return core


def soak(core: Core, inputs: int, seed_value: int) -> Tally:
    tally = Tally()

    @seed(seed_value)
    @settings(
        max_examples=inputs,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(command=st.sampled_from(COMMANDS), text=WORDING, caller=st.sampled_from(CALLERS))
    def one(command: str, text: str, caller: tuple[str, str, bool]) -> None:
        platform, user, may_write = caller
        tally.texts.append(text)
        before = row_counts(core)
        started = time.perf_counter()
        try:
            reply = core.router.handle(
                ChatRequest(platform=platform, user_id=user, channel_id="CF", command=command, text=text)
            )
        except Exception as error:  # the router promises none escapes
            tally.failures.append(f"escaped {type(error).__name__}: /{command} {text!r}")
            return
        finally:
            tally.seconds += time.perf_counter() - started
            tally.inputs += 1
        after = row_counts(core)
        changed = after != before
        if "Something went wrong" in reply.text:
            tally.failures.append(f"crash: /{command} {text!r} as {platform}:{user}")
        if changed and not may_write:
            tally.failures.append(f"wrote as {platform}:{user}: /{command} {text!r}")
        if changed and not reply.ok:
            tally.failures.append(f"refused but wrote: /{command} {text!r}")
        tally.outcomes["stored" if changed else ("refused" if not reply.ok else "read")] += 1

    one()
    return tally


def grammar_baseline(texts: list[str]) -> float:
    """Seconds per input for the argument grammar alone on the very same texts: the least any command does."""
    spec = {key: str for key in ("at", "parties", "kind", "drones", "missiles", "region", "source", "notes")}
    started = time.perf_counter()
    for text in texts:
        with contextlib.suppress(ArgumentError):
            parse(text, spec, command="fuzz")
    return (time.perf_counter() - started) / max(1, len(texts))


def _postgres_schema() -> tuple[str, sqlalchemy.Engine, str]:
    admin = sqlalchemy.create_engine(POSTGRES)
    schema = f"fuzz_{uuid.uuid4().hex[:10]}"
    with admin.begin() as connection:
        connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES else "?"
    return f"{POSTGRES}{separator}options=-csearch_path%3D{schema}", admin, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20220224)
    parser.add_argument("--database-url", help="one database only (default: a temporary SQLite and PostgreSQL)")
    options = parser.parse_args()
    print(f"{options.inputs:,} inputs per database, seed {options.seed}, {len(COMMANDS)} commands, 5 kinds of caller")
    targets: list[tuple[str, str]] = []
    cleanup = []
    if options.database_url:
        targets.append(("given", options.database_url))
    else:
        folder = tempfile.mkdtemp(prefix="fuzz-")
        targets.append(("SQLite", f"sqlite:///{folder}/fuzz.db"))
        url, admin, schema = _postgres_schema()
        targets.append(("PostgreSQL", url))
        cleanup.append((admin, schema))
    total_failures = 0
    try:
        for name, url in targets:
            core = _core(url)
            try:
                tally = soak(core, options.inputs, options.seed)
            finally:
                core.close()
            per_input = tally.seconds / max(1, tally.inputs)
            baseline = grammar_baseline(tally.texts)
            total_failures += len(tally.failures)
            outcome = ", ".join(f"{key} {count:,}" for key, count in sorted(tally.outcomes.items()))
            print(
                f"{name:<11} inputs {tally.inputs:,} · failures {len(tally.failures)} · {outcome} · "
                f"{per_input * 1000:.2f} ms per input vs grammar alone {baseline * 1000:.3f} ms "
                f"(×{per_input / baseline:.0f})"
            )
            for failure in tally.failures[:20]:
                print("   ", failure)
    finally:
        for admin, schema in cleanup:
            with admin.begin() as connection:
                connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(f"failures found: {total_failures} (per-input times are means over all inputs of a database)")


if __name__ == "__main__":
    main()
