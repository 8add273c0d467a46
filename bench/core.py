"""How much the bot's own layers cost on its two hot paths, measured against bare SQLAlchemy on the same file.

Why this exists: the issue asks whether logging contacts and paging `/timeline` stay cheap as the store grows,
and "cheap" only means something next to what the database itself needs. So every figure here is printed beside
a same-run baseline that does the same database work with bare SQLAlchemy Core (no router, no handler, no ORM)
through an engine built by `storage.database.Database`, so SQLite runs with the same pragmas (WAL,
`synchronous=FULL`, `BEGIN IMMEDIATE` for writes), and the ratio ours/baseline is what to watch.

1. Logging: N `/contact at=… parties=… kind=… source=…` commands through `Router.handle`, one per request as a
   user would send them, against the same rows inserted one commit per row (and, for context, all in one
   transaction, and with the same statements our handler issues).
2. `/timeline` over M strikes and N contacts: median time of `Router.handle` for a few typical pages against the
   same per-kind count and newest-first page selects, row loads and per-contact window sums issued bare.
3. Growth (`--only growth`): page 1 of `/timeline` at 10,000 and then 1,000,000 stored strikes (`--growth-sizes`),
   on SQLite and, with `--postgres URL`, on a temporary PostgreSQL database; each size beside the same SQL issued
   bare, and the ratio of the two sizes, which a page that does not grow with the history keeps near 1.

Run by hand, not in CI: `python -m bench.core --quick` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy
from rich.console import Console
from rich.table import Table
from sqlalchemy import event, func, insert, literal, select, text
from sqlalchemy.engine import Connection, Engine

from bot.core import Core
from bot.wiring import build_core
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from handlers.contacts.parties import parties_key
from handlers.contacts.same_contact import SAME_CONTACT_WITHIN
from handlers.timeline.command import COUNT_AHEAD, PAGE_SIZE
from storage.database import Database
from storage.models import AuditEntry, ContactReport, StrikeReport

CONTACTS = ContactReport.__table__
STRIKES = StrikeReport.__table__
AUDIT = AuditEntry.__table__

PEOPLE = (
    "Trump",
    "Putin",
    "Zelensky",
    "Xi",
    "Erdogan",
    "Macron",
    "Witkoff",
    "Lavrov",
    "Rubio",
    "Modi",
    "Starmer",
    "Orban",
    "Lukashenko",
    "Kellogg",
)
SOURCES = ("Reuters", "AP", "TASS", "Bloomberg", "Kremlin", '"White House"', '"Kyiv Independent"')
KINDS = ("call", "call", "call", "meeting", "message", "envoy")
REGIONS = ("Kyiv", "Kharkiv", "Odesa", "Dnipro", "Lviv", "Zaporizhzhia", "Sumy", "Poltava", None)
START = datetime(2021, 1, 1, tzinfo=UTC)
REREPORT_SHARE = 0.03  # a second source reporting the same contact: the router flags it as a duplicate
RETRACTED_STRIKE_SHARE = 0.005
CHUNK = 20_000
USER = "bench"
CHANNEL = "bench"

console = Console(width=None if sys.stdout.isatty() else 200)


# --- data ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactSpec:
    at: datetime
    parties: tuple[str, ...]
    kind: str
    source: str

    def command_text(self) -> str:
        return f"at={self.at:%Y-%m-%dT%H:%MZ} parties={','.join(self.parties)} kind={self.kind} source={self.source}"


def contact_specs(count: int, rng: random.Random) -> list[ContactSpec]:
    """Contacts every 0.5–5.5 h among a few dozen pairs; ~3 % re-report the previous contact within 2 h."""
    specs: list[ContactSpec] = []
    cursor = START
    for _ in range(count):
        if specs and rng.random() < REREPORT_SHARE:
            previous = specs[-1]
            parties = tuple(reversed(previous.parties))  # same pair typed the other way round
            at = previous.at + timedelta(minutes=rng.randint(5, 110))
        else:
            cursor += timedelta(minutes=rng.randint(30, 330))
            parties = tuple(rng.sample(PEOPLE, 3 if rng.random() < 0.1 else 2))
            at = cursor
        specs.append(ContactSpec(at, parties, rng.choice(KINDS), rng.choice(SOURCES)))
    return specs


def contact_rows(specs: Sequence[ContactSpec]) -> list[dict[str, Any]]:
    """The rows `/contact` would store for `specs`, duplicates flagged by the handler's rule, for bulk setup."""
    originals: dict[str, list[tuple[int, datetime]]] = {}
    rows: list[dict[str, Any]] = []
    for number, spec in enumerate(specs, start=1):
        key = parties_key(list(spec.parties))
        matches = [oid for oid, at in originals.get(key, []) if abs(at - spec.at) <= SAME_CONTACT_WITHIN]
        duplicate_of = min(matches) if matches else None
        if duplicate_of is None:
            originals.setdefault(key, []).append((number, spec.at))
        rows.append(
            {
                "id": number,
                "occurred_at": spec.at,
                "time_known": True,
                "parties": ", ".join(spec.parties),
                "parties_key": key,
                "kind": spec.kind,
                "confidence": "reported",
                "source": spec.source.strip('"'),
                "duplicate_of_id": duplicate_of,
                "reported_by": f"console:{USER}",
                "channel": f"console:{CHANNEL}",
                "created_at": spec.at + timedelta(minutes=20),
            }
        )
    return rows


def strike_chunks(count: int, start: datetime, end: datetime, rng: random.Random) -> Iterator[list[dict[str, Any]]]:
    """`count` strikes spread uniformly over [start, end), ids rising with time as when logged live."""
    span = (end - start).total_seconds()
    offsets = sorted(rng.uniform(0, span) for _ in range(count))
    for first in range(0, count, CHUNK):
        chunk = []
        for offset in offsets[first : first + CHUNK]:
            at = start + timedelta(seconds=int(offset))
            drones, missiles = rng.randint(0, 120), rng.choice((0, 0, 0, 1, 2, 4, 8))
            weapons = {name: n for name, n in (("Shahed-136", drones), ("Iskander-M", missiles)) if n}
            retracted = rng.random() < RETRACTED_STRIKE_SHARE
            chunk.append(
                {
                    "started_at": at,
                    "time_known": True,
                    "drones": drones,
                    "missiles": missiles,
                    "weapons": weapons,
                    "region": rng.choice(REGIONS),
                    "source": "Air Force",
                    "reported_by": f"console:{USER}",
                    "channel": f"console:{CHANNEL}",
                    "created_at": at + timedelta(minutes=30),
                    "retracted_at": at + timedelta(hours=1) if retracted else None,
                    "retract_reason": "duplicate wave" if retracted else None,
                }
            )
        yield chunk


# --- helpers ------------------------------------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def new_core(path: Path) -> Core:
    return build_core(Settings(database_url=sqlite_url(path), admins="", tz="UTC"))


def new_database(path: Path) -> Database:
    db = Database(sqlite_url(path))
    db.ensure_schema()
    return db


def writer(db: Database) -> Engine:
    """The engine as `Database.transaction` uses it: same pool and pragmas, `BEGIN IMMEDIATE`."""
    return db.engine.execution_options(callwatch_write=True)


def request(command: str, text: str) -> ChatRequest:
    return ChatRequest(platform=Platform.CONSOLE, user_id=USER, channel_id=CHANNEL, command=command, text=text)


class StatementLog:
    """Records the SQL an engine sends while active, to count statements and explain them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if self.active:
            self.statements.append((statement, parameters))

    def capture(self, action: Callable[[], Any]) -> list[tuple[str, Any]]:
        self.statements, self.active = [], True
        try:
            action()
        finally:
            self.active = False
        return self.statements


def squash(sql: str, width: int = 150) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def profile(action: Callable[[], Any], title: str, lines: int = 30) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(lines)
        console.rule(f"profile · {title} · by {order}")
        print(out.getvalue())


@dataclass
class Figure:
    section: str
    name: str
    ours: float
    baseline: float
    unit: str
    baseline_name: str
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("inf")


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    plans: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (case, sql, plan lines)
    notes: list[str] = field(default_factory=list)


# --- 1. logging ---------------------------------------------------------------------------------------------


def insert_one_commit_each(engine: Engine, rows: list[dict[str, Any]]) -> float:
    """Baseline: the same rows, bare Core insert, one transaction (BEGIN IMMEDIATE … COMMIT) per row."""
    statement = insert(CONTACTS)
    started = time.perf_counter()
    for row in rows:
        with engine.begin() as conn:
            conn.execute(statement, row)
    return time.perf_counter() - started


WINDOW_CHECK = (
    select(CONTACTS.c.id)
    .where(
        CONTACTS.c.parties_key == sqlalchemy.bindparam("key"),
        CONTACTS.c.retracted_at.is_(None),
        CONTACTS.c.duplicate_of_id.is_(None),
        CONTACTS.c.occurred_at >= sqlalchemy.bindparam("low"),
        CONTACTS.c.occurred_at <= sqlalchemy.bindparam("high"),
    )
    .order_by(CONTACTS.c.id)
    .limit(1)
)


def same_statements_bare(engine: Engine, rows: list[dict[str, Any]]) -> float:
    """Baseline: what our handler sends, bare — duplicate check, contact insert, audit insert, one commit."""
    statement, audit_insert = insert(CONTACTS), insert(AUDIT)
    started = time.perf_counter()
    for row in rows:
        with engine.begin() as conn:
            conn.execute(
                WINDOW_CHECK,
                {
                    "key": row["parties_key"],
                    "low": row["occurred_at"] - SAME_CONTACT_WITHIN,
                    "high": row["occurred_at"] + SAME_CONTACT_WITHIN,
                },
            ).first()
            conn.execute(statement, row)
            conn.execute(
                audit_insert,
                {
                    "at": row["created_at"],
                    "actor": row["reported_by"],
                    "channel": row["channel"],
                    "action": "contact.log",
                    "entity": "contact",
                    "entity_id": row["id"],
                    "details": {
                        "parties": row["parties"],
                        "kind": row["kind"],
                        "occurred_at": row["occurred_at"].isoformat(),
                    },
                },
            )
    return time.perf_counter() - started


def bench_logging(work: Path, specs: Sequence[ContactSpec], results: Results, *, do_profile: bool) -> None:
    """Ours and the per-row baselines run interleaved in blocks, so a noisy neighbour hits all of them alike."""
    count = len(specs)
    requests = [request("contact", spec.command_text()) for spec in specs]
    core = new_core(work / "log_ours.db")
    statements = StatementLog(core.db.engine)
    first = statements.capture(lambda: core.router.handle(requests[0]))  # not timed
    results.notes.append(
        f"SQL per /contact (first command): {len(first)} statements: " + "; ".join(squash(sql, 60) for sql, _ in first)
    )
    per_row_db, same_work_db = new_database(work / "log_per_row.db"), new_database(work / "log_same_work.db")
    rows: list[dict[str, Any]] = []
    ours = per_row = same_work = 0.0
    block = max(100, count // 20)
    for begin in range(1, count, block):
        started = time.perf_counter()
        for chat_request in requests[begin : begin + block]:
            reply = core.router.handle(chat_request)
            if not reply.ok:
                raise SystemExit(f"/contact {chat_request.text} failed: {reply.text}")
        ours += time.perf_counter() - started
        with core.db.engine.connect() as conn:  # the rows just stored, replayed below with the same values
            stored = [
                dict(row)
                for row in conn.execute(
                    select(CONTACTS).where(CONTACTS.c.id > len(rows)).order_by(CONTACTS.c.id)
                ).mappings()
            ]
        rows += stored
        per_row += insert_one_commit_each(writer(per_row_db), stored)
        same_work += same_statements_bare(writer(same_work_db), stored)
    ours_per, per_row, same_work = ours / (count - 1), per_row / len(rows), same_work / len(rows)
    with core.db.engine.connect() as conn:
        audit_rows = conn.execute(select(func.count()).select_from(AUDIT)).scalar_one()
    for db in (core.db, per_row_db, same_work_db):
        db.dispose()
    flagged = sum(1 for row in rows if row["duplicate_of_id"])
    results.notes.append(
        f"/contact stored {len(rows)} contacts ({flagged} flagged as duplicates), "
        f"{audit_rows} audit rows; timed in blocks of {block}, interleaved with the baselines"
    )

    # For context: every row in one executemany, one transaction.
    bulk_db = new_database(work / "log_bulk.db")
    started = time.perf_counter()
    with writer(bulk_db).begin() as conn:
        conn.execute(insert(CONTACTS), rows)
    bulk = (time.perf_counter() - started) / len(rows)
    bulk_db.dispose()

    section = f"log {count:,} contacts"
    per_cmd = f"{ours_per * 1e6:,.0f} µs/command"
    results.figures += [
        Figure(
            section,
            "/contact via Router.handle, one commit each",
            ours_per * count,
            per_row * count,
            "s",
            "bare Core insert, one commit per row",
            per_cmd + f" vs {per_row * 1e6:,.0f} µs/row",
        ),
        Figure(
            section,
            "  same, vs our statements issued bare",
            ours_per * count,
            same_work * count,
            "s",
            "dup check + insert + audit, one commit",
            per_cmd + f" vs {same_work * 1e6:,.0f} µs/row",
        ),
        Figure(
            section,
            "  same, vs one bulk transaction",
            ours_per * count,
            bulk * count,
            "s",
            "bare executemany, one commit (context)",
            per_cmd + f" vs {bulk * 1e6:,.1f} µs/row",
        ),
    ]

    if do_profile:
        profiled = new_core(work / "log_profile.db")
        sample = requests[: min(count, 2000)]
        profile(lambda: [profiled.router.handle(r) for r in sample], f"{len(sample)} × /contact")
        profiled.close()


# --- 2. timeline --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineCase:
    name: str
    text: str
    start: datetime | None = None
    end: datetime | None = None
    kind: str | None = None
    party: str | None = None
    page: int = 1


def populate(
    db: Database, contacts: list[dict[str, Any]], strikes: int, rng: random.Random
) -> tuple[datetime, datetime]:
    """Setup, not measured: chunked executemany inside one transaction, then a WAL checkpoint."""
    first = min(row["occurred_at"] for row in contacts)
    last = max(row["occurred_at"] for row in contacts)
    with writer(db).begin() as conn:
        for at in range(0, len(contacts), CHUNK):
            conn.execute(insert(CONTACTS), contacts[at : at + CHUNK])
        for chunk in strike_chunks(strikes, first, last, rng):
            conn.execute(insert(STRIKES), chunk)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return first, last


def bare_timeline(conn: Connection, case: TimelineCase, window: timedelta) -> tuple[int, list[tuple[str, int]]]:
    """The statements `/timeline` issues, as bare Core selects: count, page, row loads, one window sum per contact."""
    parts = []
    if case.kind in (None, "contact"):
        query = select(
            literal("contact").label("kind"), CONTACTS.c.id.label("id"), CONTACTS.c.occurred_at.label("at")
        ).where(CONTACTS.c.retracted_at.is_(None))
        if case.start:
            query = query.where(CONTACTS.c.occurred_at >= case.start)
        if case.end:
            query = query.where(CONTACTS.c.occurred_at < case.end)
        if case.party:
            query = query.where(CONTACTS.c.parties_key.contains(case.party.casefold()))
        parts.append(query)
    if case.kind in (None, "strike") and not case.party:
        query = select(
            literal("strike").label("kind"), STRIKES.c.id.label("id"), STRIKES.c.started_at.label("at")
        ).where(STRIKES.c.retracted_at.is_(None))
        if case.start:
            query = query.where(STRIKES.c.started_at >= case.start)
        if case.end:
            query = query.where(STRIKES.c.started_at < case.end)
        parts.append(query)
    # The same strategy as storage/timeline.py, bare: each kind counted up to the bound, read newest first and
    # cut at the page's end along its own index, then merged.
    offset = (case.page - 1) * PAGE_SIZE
    count_limit = offset + COUNT_AHEAD
    total, candidates = 0, []
    for part in parts:
        total += conn.execute(select(func.count()).select_from(part.limit(count_limit + 1).subquery())).scalar_one()
        newest = part.order_by(text("at DESC"), text("id DESC")).limit(offset + PAGE_SIZE)
        candidates += [(at, row_id, kind) for kind, row_id, at in conn.execute(newest)]
    candidates.sort(key=lambda row: (row[0], row[1]), reverse=True)
    page = [(kind, row_id) for _at, row_id, kind in candidates[offset : offset + PAGE_SIZE]]
    entries = [(kind, row_id) for kind, row_id in page]
    contact_ids = [row_id for kind, row_id in entries if kind == "contact"]
    strike_ids = [row_id for kind, row_id in entries if kind == "strike"]
    loaded: dict[tuple[str, int], Any] = {}
    if contact_ids:
        loaded |= {
            ("contact", row.id): row for row in conn.execute(select(CONTACTS).where(CONTACTS.c.id.in_(contact_ids)))
        }
    if strike_ids:
        loaded |= {("strike", row.id): row for row in conn.execute(select(STRIKES).where(STRIKES.c.id.in_(strike_ids)))}
    for kind, row_id in entries:
        if kind == "contact":
            at = loaded[kind, row_id].occurred_at
            conn.execute(
                select(
                    func.count(STRIKES.c.id),
                    func.coalesce(func.sum(STRIKES.c.drones), 0),
                    func.coalesce(func.sum(STRIKES.c.missiles), 0),
                ).where(
                    STRIKES.c.retracted_at.is_(None), STRIKES.c.started_at >= at, STRIKES.c.started_at < at + window
                )
            ).one()
    return min(total, count_limit), entries


def run_bare(core: Core, case: TimelineCase, window: timedelta) -> tuple[int, list[tuple[str, int]]]:
    with core.db.engine.connect() as conn:
        return bare_timeline(conn, case, window)


ENTRY = re.compile(r"^(CONTACT|STRIKE) #(\d+)", re.MULTILINE)
TOTAL = re.compile(r"· ([\d,]+)\+? entr")


def ours_timeline(core: Core, case: TimelineCase) -> tuple[int, list[tuple[str, int]]]:
    reply = core.router.handle(request("timeline", case.text))
    if not reply.ok:
        raise SystemExit(f"/timeline {case.text} failed: {reply.text}")
    total = TOTAL.search(reply.title or "")
    return (
        int(total.group(1).replace(",", "")) if total else 0,
        [(kind.lower(), int(row_id)) for kind, row_id in ENTRY.findall(reply.text)],
    )


def explain(conn: Connection, statements: list[tuple[str, Any]]) -> Iterator[tuple[str, list[str]]]:
    seen: set[str] = set()
    for sql, params in statements:
        if not sql.lstrip().upper().startswith("SELECT") or sql in seen or "channel_subscription" in sql:
            continue
        seen.add(sql)
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
        yield sql, [row[-1] for row in plan]


def bench_timeline(
    work: Path,
    contacts: list[dict[str, Any]],
    strikes: int,
    repeat: int,
    rng: random.Random,
    results: Results,
    *,
    do_profile: bool,
) -> None:
    core = new_core(work / "timeline.db")
    started = time.perf_counter()
    first, last = populate(core.db, contacts, strikes, rng)
    results.notes.append(
        f"timeline setup: {len(contacts):,} contacts + {strikes:,} strikes "
        f"({first:%Y-%m-%d} … {last:%Y-%m-%d}) inserted in {time.perf_counter() - started:.1f} s"
    )
    window = timedelta(seconds=core.settings.offsets_seconds[-1])
    middle = first + (last - first) / 2
    week_end = middle + timedelta(days=7)
    party = contacts[len(contacts) // 2]["parties_key"].split(",")[0]
    cases = [
        TimelineCase("page 1, no filters", ""),
        TimelineCase("page 50", "page=50", page=50),
        TimelineCase("kind=strike", "kind=strike", kind="strike"),
        TimelineCase("kind=contact", "kind=contact", kind="contact"),
        TimelineCase(
            "from=… to=… (7 days)",
            f"from={middle:%Y-%m-%dT%H:%MZ} to={week_end:%Y-%m-%dT%H:%MZ}",
            start=middle.replace(second=0, microsecond=0),
            end=week_end.replace(second=0, microsecond=0),
        ),
        TimelineCase(f"party={party}", f"party={party}", party=party),
    ]
    recorder = StatementLog(core.db.engine)
    section = f"/timeline over {strikes:,} strikes + {len(contacts):,} contacts (median of {repeat})"
    for case in cases:
        statements = recorder.capture(lambda case=case: ours_timeline(core, case))  # also the warm-up
        ours_times: list[float] = []
        bare_times: list[float] = []
        ours_result = bare_result = None
        bare_statements = recorder.capture(lambda case=case: run_bare(core, case, window))
        ours_sql = {sql for sql, _ in statements if "channel_subscription" not in sql}
        same_sql = ours_sql == {sql for sql, _ in bare_statements}
        for rep in range(repeat):  # alternate who goes first, so neither always runs on the other's warm cache
            for ours_turn in (rep % 2 == 0, rep % 2 == 1):
                started = time.perf_counter()
                if ours_turn:
                    ours_result = ours_timeline(core, case)
                    ours_times.append(time.perf_counter() - started)
                else:
                    bare_result = run_bare(core, case, window)
                    bare_times.append(time.perf_counter() - started)
        same = "same rows" if ours_result == bare_result else f"ROWS DIFFER: {ours_result} vs {bare_result}"
        same += ", same SQL" if same_sql else ", SQL DIFFERS"
        assert ours_result is not None
        contacts_on_page = sum(1 for kind, _ in ours_result[1] if kind == "contact")
        results.figures.append(
            Figure(
                section,
                case.name,
                statistics.median(ours_times) * 1000,
                statistics.median(bare_times) * 1000,
                "ms",
                "bare Core selects",
                f"{same}; {ours_result[0]:,} entries, {contacts_on_page} contact(s) on page; "
                f"{len(statements)} SQL statements",
            )
        )
        with core.db.engine.connect() as conn:
            results.plans += [(case.name, sql, plan) for sql, plan in explain(conn, statements)]
    if do_profile:
        profile(
            lambda: [ours_timeline(core, case) for case in cases for _ in range(repeat)],
            f"/timeline, {len(cases)} cases × {repeat}",
        )
    core.close()


# --- 3. growth: page 1 at two history sizes -----------------------------------------------------------------


def add_strikes(db: Database, count: int, first: datetime, last: datetime, rng: random.Random) -> None:
    """Setup, not measured: more strikes over the same span, then the database's own housekeeping."""
    with writer(db).begin() as conn:
        for chunk in strike_chunks(count, first, last, rng):
            conn.execute(insert(STRIKES), chunk)
    with db.engine.connect() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def page_one_times(core: Core, case: TimelineCase, window: timedelta, repeat: int) -> tuple[list[float], list[float]]:
    """Ours and bare, alternating who goes first; both must return the same rows."""
    ours_result, bare_result = ours_timeline(core, case), run_bare(core, case, window)  # warm-up
    if ours_result != bare_result:
        raise SystemExit(f"/timeline {case.text!r}: rows differ from the bare SQL: {ours_result} vs {bare_result}")
    ours: list[float] = []
    bare: list[float] = []
    for rep in range(repeat):
        for ours_turn in (rep % 2 == 0, rep % 2 == 1):
            started = time.perf_counter()
            if ours_turn:
                ours_timeline(core, case)
                ours.append((time.perf_counter() - started) * 1000)
            else:
                run_bare(core, case, window)
                bare.append((time.perf_counter() - started) * 1000)
    return ours, bare


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):,.1f} ({min(values):,.1f}–{max(values):,.1f})"


@contextmanager
def growth_database(kind: str, work: Path, postgres: str | None) -> Iterator[str]:
    """A fresh database URL: an SQLite file in `work`, or a temporary database on the `postgres` server."""
    if kind == "SQLite":
        yield sqlite_url(work / "growth.db")
        return
    assert postgres is not None
    name = f"callwatch_bench_{os.getpid()}"
    admin = sqlalchemy.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield sqlalchemy.make_url(postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def bench_growth(
    work: Path, contacts: list[dict[str, Any]], sizes: Sequence[int], repeat: int, rng: random.Random,
    results: Results, postgres: str | None,
) -> None:  # fmt: skip
    cases = [TimelineCase("page 1, no filters", ""), TimelineCase("page 1, kind=strike", "kind=strike", kind="strike")]
    for kind in ("SQLite", "PostgreSQL") if postgres else ("SQLite",):
        with growth_database(kind, work, postgres) as url:
            core = build_core(Settings(database_url=url, admins="", tz="UTC"))
            window = timedelta(seconds=core.settings.offsets_seconds[-1])
            first, last = _populate_contacts(core.db, contacts)
            stored = 0
            timings: dict[tuple[str, int], tuple[list[float], list[float]]] = {}
            for size in sizes:
                started = time.perf_counter()
                add_strikes(core.db, size - stored, first, last, rng)
                stored = size
                results.notes.append(
                    f"growth, {kind}: {len(contacts):,} contacts + {size:,} strikes "
                    f"(added in {time.perf_counter() - started:.0f} s)"
                )
                for case in cases:
                    timings[case.name, size] = page_one_times(core, case, window, repeat)
            core.close()
        section = f"/timeline page 1 as the history grows, {kind} (ms, median of {repeat} with min–max)"
        for case in cases:
            for size in sizes:
                ours, bare = timings[case.name, size]
                results.figures.append(
                    Figure(
                        section, f"{case.name}, {size:,} strikes", statistics.median(ours), statistics.median(bare),
                        "ms", "the same SQL, bare Core", f"ours {spread(ours)} · bare {spread(bare)}",
                    )
                )  # fmt: skip
            small, large = timings[case.name, sizes[0]][0], timings[case.name, sizes[-1]][0]
            results.figures.append(
                Figure(
                    section, f"{case.name}: {sizes[-1]:,} vs {sizes[0]:,} strikes", statistics.median(large),
                    statistics.median(small), "ms", f"ours at {sizes[0]:,} strikes (goal: ≤ 1.5×)",
                    f"range of the ratio {min(large) / max(small):.2f}–{max(large) / min(small):.2f}×",
                )
            )  # fmt: skip


def _populate_contacts(db: Database, contacts: list[dict[str, Any]]) -> tuple[datetime, datetime]:
    with writer(db).begin() as conn:
        for at in range(0, len(contacts), CHUNK):
            conn.execute(insert(CONTACTS), contacts[at : at + CHUNK])
    return min(row["occurred_at"] for row in contacts), max(row["occurred_at"] for row in contacts)


# --- report -------------------------------------------------------------------------------------------------


def report(results: Results, args: argparse.Namespace, work: Path) -> None:
    console.rule("callwatch bench · core")
    console.print(
        f"Python {platform.python_version()} · SQLAlchemy {sqlalchemy.__version__} · "
        f"SQLite {sqlite3.sqlite_version} · {platform.machine()} · db dir {work}"
    )
    for note in results.notes:
        console.print(f"• {note}", highlight=False, soft_wrap=True)
    if results.plans:
        console.rule("EXPLAIN QUERY PLAN of the SELECTs /timeline sent (distinct statements)")
        printed: set[tuple[str, str]] = set()
        for case, sql, plan in results.plans:
            shape = (re.sub(r"\d+", "N", sql), " | ".join(plan))
            if shape in printed:
                continue
            printed.add(shape)
            console.print(f"[bold]{case}[/]: {squash(sql, 200)}", highlight=False, soft_wrap=True)
            for line in plan:
                mark = "[red]" if line.startswith("SCAN") and "INDEX" not in line else ""
                console.print(f"    {mark}{line}", highlight=False)
    table = Table(title=f"callwatch core bench ({'quick' if args.quick else 'full'}; ratio = ours / baseline)")
    for column in ("figure", "ours", "baseline", "ratio", "baseline is", "notes"):
        table.add_column(column, justify="right" if column in ("ours", "baseline", "ratio") else "left")
    section = None
    for figure in results.figures:
        if figure.section != section:
            section = figure.section
            table.add_section()
            table.add_row(f"[bold]{section}[/]", "", "", "", "", "")
        digits = 2 if figure.unit == "s" else 1
        table.add_row(
            figure.name,
            f"{figure.ours:,.{digits}f} {figure.unit}",
            f"{figure.baseline:,.{digits}f} {figure.unit}",
            f"{figure.ratio:.2f}×",
            figure.baseline_name,
            figure.note,
        )
    console.print(table)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.core", description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=10_000, help="contacts to log and to page over")
    parser.add_argument("--strikes", type=int, default=1_000_000, help="strikes under /timeline")
    parser.add_argument("--quick", action="store_true", help="1,000 contacts and 100,000 strikes")
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions per /timeline case")
    parser.add_argument("--only", choices=("log", "timeline", "growth"), help="run one of the benches")
    parser.add_argument(
        "--growth-sizes",
        default="10000,1000000",
        help="strike counts for the growth bench, smallest first (default 10000,1000000)",
    )
    parser.add_argument(
        "--postgres",
        default=None,
        help="growth bench also on PostgreSQL: a server URL whose user may create a temporary database",
    )
    parser.add_argument(
        "--db-dir",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="where the temporary SQLite files go (default: the system temp dir)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite files afterwards")
    parser.add_argument("--profile", action="store_true", help="also cProfile our path and print the top entries")
    parser.add_argument("--seed", type=int, default=20250705)
    args = parser.parse_args(argv)
    if args.quick:
        args.contacts, args.strikes = 1_000, 100_000
    if args.contacts < 2 or args.strikes < 0 or args.repeat < 1:
        parser.error("need --contacts ≥ 2, --strikes ≥ 0, --repeat ≥ 1")
    args.growth_sizes = [int(size) for size in args.growth_sizes.split(",")]
    if args.growth_sizes != sorted(args.growth_sizes) or args.growth_sizes[0] < 1:
        parser.error("--growth-sizes: positive counts, smallest first")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    args.db_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="callwatch-bench-", dir=args.db_dir))
    rng = random.Random(args.seed)
    specs = contact_specs(args.contacts, rng)
    results = Results()
    try:
        if args.only in (None, "log"):
            console.print(f"logging {args.contacts:,} contacts through the router …")
            bench_logging(work, specs, results, do_profile=args.profile)
        if args.only in (None, "timeline"):
            console.print(f"populating {args.strikes:,} strikes and timing /timeline …")
            bench_timeline(work, contact_rows(specs), args.strikes, args.repeat, rng, results, do_profile=args.profile)
        if args.only in (None, "growth"):
            console.print(f"timing /timeline page 1 at {', '.join(f'{n:,}' for n in args.growth_sizes)} strikes …")
            growth_contacts = contact_rows(specs[: min(len(specs), 1_000)])
            bench_growth(work, growth_contacts, args.growth_sizes, args.repeat, rng, results, args.postgres)
        report(results, args, work)
    finally:
        if args.keep:
            console.print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
