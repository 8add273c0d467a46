"""The shipped contacts data set (`tests/data/contacts`) read with callwatch's own parsers, then imported for real.

A user checks the claim "strikes rise after contacts" by importing these files, so every row must read exactly as
`callwatch import contacts` reads it: the checks call the bot's parsers instead of re-implementing them. `problems`
lists what is wrong with a file; a property test corrupts one row of the real data at a time to prove that each
check can fail. The import tests run on SQLite and PostgreSQL (the `core` fixture).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.core import Core
from handlers.contacts.parties import parse_parties, parties_key
from handlers.contacts.same_contact import SAME_CONTACT_WITHIN
from handlers.imports.importer import CONTACT_CONFIDENCES, CONTACT_KINDS, import_contacts
from handlers.text.durations import parse_duration
from handlers.text.times import TimeParseError, as_utc, parse_time
from handlers.text.zones import UnknownZoneError, resolve_zone
from storage.models import ContactReport
from tests.conftest import FrozenClock
from tests.helpers import row_counts

DATA = Path(__file__).parents[1] / "data" / "contacts"
LEADERS = DATA / "trump_putin_2025_2026.csv"
ENVOYS = DATA / "envoys_2025_2026.csv"
PROVENANCE = DATA / "SOURCE.md"
COLUMNS = ["date", "time", "zone", "kind", "parties", "duration", "source", "confidence", "notes"]
COMPILED = datetime(2026, 11, 25, 23, 59, tzinfo=UTC)  # SOURCE.md: compiled that day, so nothing may be later
MAX_DURATION = 12 * 3600  # the longest contact of the set is a 3 h summit; 12 h or more is a typo (90h for 90m)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CLOCK = re.compile(r"\d{2}:\d{2}")
Row = dict[str, str]


@dataclass(frozen=True)
class Shape:
    """What a file may hold beyond the shared rules: its kinds, and who may be a party."""

    kinds: tuple[str, ...]
    leaders_only: bool  # True: exactly Trump and Putin; False: Putin and envoys, never Trump himself


SHAPES = {LEADERS: Shape(("call", "meeting"), leaders_only=True), ENVOYS: Shape(("envoy",), leaders_only=False)}


@dataclass(frozen=True)
class Reading:
    """A row as the importer stores it."""

    at: datetime
    time_known: bool
    parties_key: str


def read_rows(path: Path) -> tuple[list[str], list[Row]]:
    """Header and rows; decoding is strict, so a stray non-UTF-8 byte fails here rather than in a user's import."""
    text = path.read_bytes().decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def read_row(row: Row, shape: Shape) -> tuple[Reading | None, list[str]]:
    """One row through the bot's parsers: its reading (None if its time or parties do not read) and its problems."""
    found: list[str] = []
    date, clock = row["date"], row["time"]
    if not DATE.fullmatch(date):
        found.append(f"date {date!r} is not YYYY-MM-DD")
    if clock and not CLOCK.fullmatch(clock):
        found.append(f"time {clock!r} is not HH:MM")
    if row["zone"] != "UTC":
        found.append(f"zone {row['zone']!r}: every time in the set is converted to UTC")
    reading = None
    try:
        parsed = parse_time(f"{date} {clock}".strip(), now=COMPILED, zone=resolve_zone(row["zone"]))
        names = parse_parties(row["parties"])
    except (TimeParseError, UnknownZoneError, ValueError) as error:
        found.append(f"does not read: {error}")
    else:
        reading = Reading(parsed.at, parsed.time_known, parties_key(names))
        if parsed.at.date().isoformat() != date or (clock and parsed.at.strftime("%H:%M") != clock):
            found.append(f"{date} {clock} reads as {parsed.at:%Y-%m-%d %H:%M} UTC")
        if parsed.time_known != bool(clock):
            found.append("a blank time must mean 'hour unknown', and only then")
        if parsed.at.year not in (2025, 2026):
            found.append(f"{date} is outside 2025-2026")
        folded = {name.casefold() for name in names}
        if shape.leaders_only and names != ["Trump", "Putin"]:
            found.append(f"parties {row['parties']!r}: this file holds Trump,Putin contacts only")
        if not shape.leaders_only and ("putin" not in folded or "trump" in folded):
            found.append(f"parties {row['parties']!r}: an envoy contact is Putin and envoys, without Trump")
    if row["kind"] not in shape.kinds or row["kind"] not in CONTACT_KINDS:
        found.append(f"kind {row['kind']!r} is not one of {', '.join(shape.kinds)}")
    if row["confidence"] not in CONTACT_CONFIDENCES:
        found.append(f"confidence {row['confidence']!r} is not one of {', '.join(CONTACT_CONFIDENCES)}")
    if row["duration"]:
        try:
            seconds = parse_duration(row["duration"])
        except ValueError as error:
            found.append(f"duration: {error}")
        else:
            if not 0 < seconds < MAX_DURATION:
                found.append(f"duration {row['duration']!r} is not between a minute and 12 hours")
    url = urlsplit(row["source"])
    if url.scheme not in ("http", "https") or "." not in url.netloc or any(char.isspace() for char in row["source"]):
        found.append(f"source {row['source']!r} is not an http(s) URL")
    if not row["notes"].strip() or "\n" in row["notes"]:
        found.append("notes must say, on one line, what the sources reported")
    return reading, found


def problems(header: list[str], rows: list[Row], shape: Shape) -> list[str]:
    """Everything wrong with a file: its header, each row, the order, and contacts listed twice."""
    if header != COLUMNS:
        return [f"header {header} is not {COLUMNS}"]
    found: list[str] = []
    readings: list[tuple[int, Reading]] = []
    for number, row in enumerate(rows, start=2):  # spreadsheet row numbers, as the importer reports them
        reading, row_found = read_row(row, shape)
        found += [f"row {number}: {problem}" for problem in row_found]
        if reading:
            readings.append((number, reading))
    for earlier, later in itertools.pairwise(rows):
        if not earlier["date"] < later["date"]:
            found.append(f"dates {earlier['date']} then {later['date']}: rows must be oldest first, one per date")
    for index, (number, first) in enumerate(readings):
        for other, second in readings[index + 1 :]:
            if first.parties_key == second.parties_key and abs(first.at - second.at) < SAME_CONTACT_WITHIN:
                found.append(f"rows {number} and {other} are the same contact for the importer")
    return found


def expected_contact(row: Row) -> tuple[datetime, bool, str, str, str, str, str]:
    """What one row must become in the database, read with the bot's parsers."""
    parsed = parse_time(f"{row['date']} {row['time']}".strip(), now=COMPILED, zone=UTC)
    key = parties_key(parse_parties(row["parties"]))
    return parsed.at, parsed.time_known, key, row["kind"], row["confidence"], row["source"], row["notes"]


def stored_contact(contact: ContactReport) -> tuple[datetime, bool, str, str, str, str, str]:
    return (
        as_utc(contact.occurred_at),
        contact.time_known,
        contact.parties_key,
        contact.kind,
        contact.confidence,
        contact.source or "",
        contact.notes or "",
    )


# --- the files as shipped --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [LEADERS, ENVOYS], ids=["leaders", "envoys"])
def test_every_row_reads_with_the_bots_own_parsers(path: Path) -> None:
    header, rows = read_rows(path)
    assert rows, f"{path.name} is empty"
    assert problems(header, rows, SHAPES[path]) == []


def test_2025_holds_the_ten_calls_and_one_summit_the_kremlin_counts() -> None:
    """Ushakov's year-end count (SOURCE.md): ten Putin-Trump calls and the Alaska visit in 2025."""
    _, rows = read_rows(LEADERS)
    kinds = [row["kind"] for row in rows if row["date"].startswith("2025-")]
    assert (kinds.count("call"), kinds.count("meeting")) == (10, 1)
    assert [row["date"] for row in rows if row["kind"] == "meeting"] == ["2025-08-15"]


@pytest.mark.parametrize("path", [LEADERS, ENVOYS], ids=["leaders", "envoys"])
def test_every_row_can_be_followed_to_its_sources_in_SOURCE_md(path: Path) -> None:
    provenance = PROVENANCE.read_text(encoding="utf-8")
    _, rows = read_rows(path)
    untraced = [row["date"] for row in rows if row["date"] not in provenance or row["source"] not in provenance]
    assert untraced == [], f"rows of {path.name} whose date or source SOURCE.md does not list"


# --- the checks can fail ---------------------------------------------------------------------------------------
def _set(column: str, value: str) -> Callable[[list[Row], int], None]:
    def corrupt(rows: list[Row], index: int) -> None:
        rows[index][column] = value

    return corrupt


def _swap_with_neighbour(rows: list[Row], index: int) -> None:
    other = index + 1 if index + 1 < len(rows) else index - 1
    rows[index], rows[other] = rows[other], rows[index]


def _repeat(rows: list[Row], index: int) -> None:
    rows.insert(index + 1, dict(rows[index]))


CORRUPTIONS: dict[str, Callable[[list[Row], int], None]] = {
    "before 2025": _set("date", "2024-12-31"),
    "after 2026": _set("date", "2027-01-05"),
    "no such day": _set("date", "2025-02-30"),
    "not ISO": _set("date", "12/02/2025"),
    "no such hour": _set("time", "25:00"),
    "12-hour clock": _set("time", "9am"),
    "local zone": _set("zone", "Kyiv"),
    "unknown kind": _set("kind", "visit"),
    "one party": _set("parties", "Putin"),
    "duration in words": _set("duration", "ninety minutes"),
    "zero duration": _set("duration", "0m"),
    "hours for minutes": _set("duration", "90h"),
    "no scheme": _set("source", "kremlin.ru/events/president/news"),
    "ftp": _set("source", "ftp://example.org/readout"),
    "no source": _set("source", ""),
    "unknown confidence": _set("confidence", "certain"),
    "no notes": _set("notes", " "),
    "out of order": _swap_with_neighbour,
    "listed twice": _repeat,
}


@settings(max_examples=80, derandomize=True, deadline=None)
@given(
    path=st.sampled_from([LEADERS, ENVOYS]),
    corruption=st.sampled_from(sorted(CORRUPTIONS)),
    position=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_each_check_catches_a_corrupted_row(path: Path, corruption: str, position: float) -> None:
    header, rows = read_rows(path)
    CORRUPTIONS[corruption](rows, int(position * len(rows)))
    assert problems(header, rows, SHAPES[path]), f"{corruption!r} went unnoticed"


@pytest.mark.parametrize("kind", ["call", "meeting"])
def test_a_leaders_row_is_refused_in_the_envoy_file_and_back(kind: str) -> None:
    header, leaders = read_rows(LEADERS)
    _, envoys = read_rows(ENVOYS)
    leader = next(row for row in leaders if row["kind"] == kind)
    assert problems(header, [leader], SHAPES[ENVOYS])
    assert problems(header, [envoys[0]], SHAPES[LEADERS])


# --- imported for real -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [LEADERS, ENVOYS], ids=["leaders", "envoys"])
def test_the_import_stores_every_row_once_and_a_reimport_adds_nothing(
    core: Core, clock: FrozenClock, path: Path
) -> None:
    clock.set(COMPILED)
    _, rows = read_rows(path)
    report = import_contacts(core.ctx, path)
    assert report.errors == []
    assert (report.rows, report.inserted, report.existing) == (len(rows), len(rows), 0)
    with core.db.reader() as session:
        stored = session.exec(select(ContactReport)).all()
    assert sorted(stored_contact(contact) for contact in stored) == sorted(expected_contact(row) for row in rows)
    assert all(contact.duplicate_of_id is None and contact.retracted_at is None for contact in stored)

    before = row_counts(core)
    again = import_contacts(core.ctx, path)
    assert (again.errors, again.inserted, again.existing) == ([], 0, len(rows))
    assert row_counts(core) == before


def test_imported_contacts_keep_their_reported_durations(core: Core, clock: FrozenClock) -> None:
    clock.set(COMPILED)
    _, rows = read_rows(LEADERS)
    assert import_contacts(core.ctx, LEADERS).errors == []
    with core.db.reader() as session:
        stored = session.exec(select(ContactReport)).all()
    by_time = {as_utc(contact.occurred_at): contact.duration_seconds for contact in stored}
    expected = {expected_contact(row)[0]: parse_duration(row["duration"]) if row["duration"] else None for row in rows}
    assert by_time == expected
