"""The CSV layouts `callwatch import` understands, one small table entry each, and how a file's header names one.

Adding a strike source means adding one `StrikeFormat` to `FORMATS`: which column holds the start time, in which
zone, and whether counts come per weapon model (classified by `handlers.imports.weapon_classes`) or as drone and
missile totals. `detect` then recognises it by its required columns, so nobody has to know its name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StrikeFormat:
    name: str
    description: str
    zone: str  # zone of times written without an offset
    start: str  # column: when the wave started ("YYYY-MM-DD HH:MM", or a bare date when the hour is unknown)
    end: str | None = None
    time_known: str | None = None  # a True/False column saying whether the start's hour is known
    # Either one weapon model and its count per row …
    model: str | None = None
    count: str | None = None
    # … or drone and missile totals, optionally with a "Model:count,…" column.
    drones: str | None = None
    missiles: str | None = None
    weapons: str | None = None
    region: tuple[str, ...] = ()  # first non-empty of these
    killed: str | None = None
    injured: str | None = None
    source: str | None = None
    notes: tuple[str, ...] = ()  # appended to the notes as "column: value"
    key: str | None = None  # a column that already holds a stable row key, used where it is filled
    # The columns whose text identifies a row (hashed into its source key); empty: every column. A later copy
    # of the data set that corrects a column outside these does not add the row again.
    identity: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        columns = [self.start]
        columns += [self.model, self.count] if self.model else [self.drones or "", self.missiles or ""]
        return tuple(column for column in columns if column)

    @property
    def known_columns(self) -> frozenset[str]:
        """Every column this format reads: how well a header matches it."""
        named = (self.start, self.end, self.time_known, self.model, self.count, self.drones, self.missiles)
        named += (self.weapons, self.killed, self.injured, self.source, self.key)
        return frozenset(column for column in (*named, *self.region, *self.notes, *self.identity) if column)


FORMATS: dict[str, StrikeFormat] = {
    format.name: format
    for format in (
        StrikeFormat(
            name="uaf-daily",
            description="Ukrainian Air Force daily reports, one row per wave and weapon model "
            "(missile_attacks_daily.csv of the data set 'Massive Missile Attacks on Ukraine', Kyiv time)",
            zone="Europe/Kyiv",
            start="time_start",
            end="time_end",
            model="model",
            count="launched",
            region=("target", "affected region"),
            source="source",
            notes=("launch_place", "carrier", "destroyed", "not_reach_goal"),
            identity=("time_start", "time_end", "model", "launch_place", "target", "launched", "source"),
        ),
        StrikeFormat(
            name="callwatch",
            description="callwatch's own columns (as `callwatch export --format csv` writes them; times UTC "
            "unless they carry an offset)",
            zone="UTC",
            start="at",
            end="ended_at",
            time_known="time_known",
            drones="drones",
            missiles="missiles",
            weapons="weapons",
            region=("region",),
            killed="killed",
            injured="injured",
            source="source",
            notes=("notes",),
            key="source_key",
        ),
    )
}


@dataclass(frozen=True)
class ContactFormat:
    """The contact CSV: one row per reported contact."""

    name: str = "contacts"
    description: str = (
        "contact reports: date, time (blank: hour unknown), zone, kind, parties, duration (e.g. 90m), source, "
        "confidence, notes; only date and parties are required"
    )
    required: tuple[str, ...] = ("date", "parties")
    optional: tuple[str, ...] = ("time", "zone", "kind", "duration", "source", "confidence", "notes")


CONTACTS = ContactFormat()
# The timeline CSV that `callwatch export --format csv` writes holds contacts and strikes, told apart by `record`.
TIMELINE_CONTACT_COLUMNS = ("record", "at", "parties")


@dataclass(frozen=True)
class Detected:
    """What a CSV header is: a strike format, the contact CSV, or callwatch's timeline (both kinds)."""

    strikes: StrikeFormat | None = None
    contacts: bool = False


class UnknownFormatError(ValueError):
    """No known layout fits the header; the message lists the file's columns and every known format."""


def format_list() -> str:
    """One line per importable layout, for `--help` and for the unknown-format error."""
    lines = [f"  {fmt.name}: {fmt.description} (needs {', '.join(fmt.required)})" for fmt in FORMATS.values()]
    lines.append(f"  {CONTACTS.name}: {CONTACTS.description}")
    lines.append("  a callwatch backup (.json), as `callwatch export --format json` writes it")
    return "\n".join(lines)


def describe_columns(columns: list[str], limit: int = 12) -> str:
    """The header as the error shows it: every column, or the first `limit` and how many more (never cut silently)."""
    shown = ", ".join(columns[:limit])
    more = len(columns) - limit
    return shown + (f", … ({more} more, {len(columns)} in all)" if more > 0 else "")


def detect(columns: list[str]) -> Detected:
    """Name the layout of a CSV from its header, or raise `UnknownFormatError` listing what would fit.

    A header with every required column of a strike format is that format (the one sharing most columns with
    the header wins, so a timeline export is `callwatch`, not something that merely has an `at` column);
    `date` + `parties` is the contact CSV; callwatch's own timeline also carries contacts in its `record` rows.
    """
    present = set(columns)
    fitting = [fmt for fmt in FORMATS.values() if set(fmt.required) <= present]
    strikes = max(fitting, key=lambda fmt: len(fmt.known_columns & present), default=None)
    timeline_contacts = set(TIMELINE_CONTACT_COLUMNS) <= present
    if strikes is not None:
        return Detected(strikes=strikes, contacts=timeline_contacts and strikes.name == "callwatch")
    if set(CONTACTS.required) <= present or timeline_contacts:
        return Detected(contacts=True)
    raise UnknownFormatError(
        f"its columns ({describe_columns(columns)}) fit no format callwatch knows. Known formats:\n{format_list()}"
    )
