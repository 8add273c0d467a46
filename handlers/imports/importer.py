"""Bulk import of strike and contact reports from CSV: check every row, store the good ones once.

Each row gets a `source_key` — the format's own key column, or `FORMAT:` + a hash of the row's text — so a
re-import adds nothing and a newer copy of a data set adds only its new rows. Bad rows are reported with their
spreadsheet row number (the header is row 1) and the column at fault; the good rows go in regardless, unless the
import is strict, which stores nothing from a file with any bad row. The layout is named by the caller or read
from the header (`formats.detect`).

Strikes are parsed column-wise with pandas (a million rows in seconds) and stored in batches, each batch in its
own transaction with its own audit entry, so every committed row is audited even if a long run stops half way
(re-running finishes it). Contacts are few: they go in one by one, and each new one runs the contact hooks
(the alert planner) in the same transaction, exactly as a contact logged in chat does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from handlers.chat.context import HandlerContext
from handlers.contacts.parties import parse_parties, parties_key
from handlers.contacts.same_contact import first_report_of
from handlers.imports.formats import (
    CONTACTS,
    FORMATS,
    Detected,
    StrikeFormat,
    UnknownFormatError,
    describe_columns,
    detect,
    format_list,
)
from handlers.imports.report import (
    ImportFileError,
    ImportReport,
    Progress,
    RowError,
    contact_label,
    hook_lines,
)
from handlers.imports.weapon_classes import classify
from handlers.strikes.totals import contradiction, resolved_totals
from handlers.strikes.weapons import parse_weapons
from handlers.text import arguments, cleaning
from handlers.text.durations import parse_duration
from handlers.text.times import TimeParseError, parse_time
from handlers.text.zones import UnknownZoneError, resolve_zone
from storage import audit, imports
from storage.models import ContactReport

BATCH_ROWS = 100_000  # rows per transaction (and audit entry): big batches write the key index fewer times
MAX_COUNT = 1_000_000

CONTACT_KINDS = ("call", "meeting", "message", "envoy")
CONTACT_CONFIDENCES = ("confirmed", "reported", "unverified")


def _detect(path: Path, frame: pd.DataFrame) -> Detected:
    try:
        return detect(list(frame.columns))
    except UnknownFormatError as error:
        raise ImportFileError(f"{path.name}: {error}") from None


def import_file(
    ctx: HandlerContext, path: Path, *, strict: bool = False, progress: Progress | None = None
) -> list[ImportReport]:
    """Whatever `path` holds, read by its content: a callwatch backup (JSON), or a CSV whose header names its
    layout — contacts, strikes, or callwatch's timeline with both (contacts go first)."""
    from handlers.imports import backup

    if backup.looks_like_backup(path):
        return backup.restore_file(ctx, path, strict=strict, progress=progress)
    detected = _detect(path, _read_csv(path, nrows=0))
    reports = []
    if detected.contacts:
        reports.append(import_contacts(ctx, path, strict=strict, progress=progress))
    if detected.strikes is not None:
        reports.append(import_strikes(ctx, path, detected.strikes.name, strict=strict, progress=progress))
    return reports


# --- strikes ------------------------------------------------------------------------------------------------
def import_strikes(
    ctx: HandlerContext,
    path: Path,
    format_name: str | None = None,
    *,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a strike CSV in the named format (None: read it from the header); raises `ImportFileError` only
    for whole-file problems."""
    if format_name is not None and format_name not in FORMATS:
        raise ImportFileError(f"unknown format {format_name!r}. Known formats:\n{format_list()}")
    frame = _read_csv(path)
    if format_name is None:
        detected = _detect(path, frame)
        if detected.strikes is None:
            raise ImportFileError(
                f"{path.name} holds contact reports, not strikes: use `callwatch import contacts {path.name}` "
                f"(or `callwatch import {path.name}`)"
            )
        format_name = detected.strikes.name
    fmt = FORMATS[format_name]
    report = ImportReport(what="strikes", format=fmt.name, rows=len(frame))
    missing = [column for column in fmt.required if column not in frame.columns]
    if missing:
        raise ImportFileError(
            f"{path.name} is not in the {fmt.name} format: column(s) {', '.join(missing)} missing "
            f"(it has {describe_columns(list(frame.columns))}). {fmt.name}: {fmt.description}. "
            f"Leave out --format to have the format read from the header."
        )
    if "record" in frame.columns:  # a callwatch timeline export holds contacts too
        strikes_only = frame["record"].str.strip().isin(["", "strike"])
        report.skipped = int((~strikes_only).sum())
        frame = frame[strikes_only]
    parsed, errors = parse_strikes(frame, fmt)
    report.errors = errors
    report.classified_by_rule = {
        name: classify(name).rule
        for name in (frame[fmt.model].unique() if fmt.model else ())
        if name.strip() and classify(name).rule != "table"
    }
    if len(parsed):
        report.first = parsed["started_at"].min().to_pydatetime()
        report.last = parsed["started_at"].max().to_pydatetime()
    if strict and errors:
        report.held_back = True
        return report
    _store_strikes(ctx, parsed, report, path, progress)
    return report


def _read_csv(path: Path, *, nrows: int | None = None) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=object, keep_default_na=False, encoding="utf-8-sig", nrows=nrows)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ImportFileError(f"cannot read {path.name} as CSV: {error}") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # spreadsheet row numbers
    return frame


def parse_local_times(raw: pd.Series, zone: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(aware UTC times, hour known?, unreadable?) for `YYYY-MM-DD[ HH:MM[:SS]][offset]` strings.

    A time without an offset is in `zone`; of the two readings of a wall time repeated when clocks go back,
    the earlier (summer-time) one is taken; a wall time skipped when clocks go forward moves to the next
    valid minute. The common shape `YYYY-MM-DD HH:MM` takes a fast path; the rest are read one by one.
    """
    local = pd.to_datetime(raw, format="%Y-%m-%d %H:%M", errors="coerce").astype("datetime64[us]")
    known = pd.Series(True, index=raw.index)
    aware = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us, UTC]")
    blank = pd.Series(False, index=raw.index)
    rest = local.isna()
    if rest.any():
        other = raw[rest].str.strip()
        blank[rest] = other == ""
        other = other[other != ""]
        other = other.str.replace(r"^(\d{4}-\d{2}-\d{2})[T ](\d):", r"\1 0\2:", regex=True)
        date_only = other.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        shaped = other.str.fullmatch(
            r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
        )
        has_offset = other.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True) & ~date_only & shaped
        naive = shaped & ~has_offset
        local[naive[naive].index] = pd.to_datetime(other[naive], format="ISO8601", errors="coerce").astype(
            "datetime64[us]"
        )
        aware[has_offset[has_offset].index] = pd.to_datetime(
            other[has_offset], format="ISO8601", utc=True, errors="coerce"
        ).astype("datetime64[us, UTC]")
        known[date_only[date_only].index] = False
    result = (
        local.dt.tz_localize(resolve_zone(zone), ambiguous=np.ones(len(local), dtype=bool), nonexistent="shift_forward")
        .dt.tz_convert(UTC)
        .astype("datetime64[us, UTC]")
    )
    result = result.where(aware.isna(), aware)
    bad = ~blank & result.isna()
    return result, known, bad


def _whole_numbers(raw: pd.Series, column: str, errors: pd.Series, *, blank_is: int | None) -> pd.Series:
    """Counts like `93`, `93.0`; blank → `blank_is` (None: an error); anything else → an error for the row."""
    numbers = pd.to_numeric(raw, errors="coerce")
    blank = pd.Series(False, index=raw.index)
    retry = numbers.isna()
    if retry.any():  # only odd cells pay for cleaning: " 93 ", "1,200", blanks
        text = raw[retry].str.strip().str.replace(",", "", regex=False)
        blank[retry] = text == ""
        numbers[retry] = pd.to_numeric(text, errors="coerce")
    if blank_is is not None:
        numbers = numbers.mask(blank, blank_is)
    else:
        _flag(errors, blank, f"{column}: blank, so the number is unknown; the row is left out")
    _flag(errors, ~blank & numbers.isna(), f"{column}: not a number")
    _flag(errors, numbers.notna() & (numbers % 1 != 0), f"{column}: not a whole number")
    _flag(
        errors,
        numbers.notna() & ((numbers < 0) | (numbers > MAX_COUNT)),
        f"{column}: must be between 0 and {MAX_COUNT:,}",
    )
    return numbers.fillna(0).clip(0, MAX_COUNT).astype(np.int64)


def _flag(errors: pd.Series, mask: pd.Series, message: str) -> None:
    """Record `message` for rows in `mask` that have no error yet (the first problem is the one reported)."""
    target = mask & (errors == "")
    errors[target] = message


def parse_strikes(frame: pd.DataFrame, fmt: StrikeFormat) -> tuple[pd.DataFrame, list[RowError]]:
    """Rows → StrikeReport column values (only the good rows) and one `RowError` per bad row."""
    errors = pd.Series("", index=frame.index, dtype=object)
    started, known, bad_start = parse_local_times(frame[fmt.start], fmt.zone)
    _flag(errors, started.isna() & ~bad_start, f"{fmt.start}: blank; when did it start?")
    _flag(errors, bad_start, f"{fmt.start}: not a time like 2025-07-03 14:00 or 2025-07-03")
    if fmt.end and fmt.end in frame.columns:
        ended, end_known, bad_end = parse_local_times(frame[fmt.end], fmt.zone)
        _flag(errors, bad_end, f"{fmt.end}: not a time like 2025-07-03 14:00 or 2025-07-03")
        latest_end = ended + pd.to_timedelta(np.where(end_known, 0, 1), unit="D")  # a bare date: by its end
        _flag(errors, ended.notna() & started.notna() & (latest_end < started), f"{fmt.end}: before {fmt.start}")
    else:
        ended = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")

    if fmt.time_known and fmt.time_known in frame.columns:
        stated = frame[fmt.time_known].str.strip().str.lower()
        _flag(errors, ~stated.isin(["", "true", "false", "1", "0"]), f"{fmt.time_known}: must be True or False")
        known = known.where(stated == "", stated.isin(["true", "1"]))
    if fmt.model and fmt.count:
        raw_models = frame[fmt.model]
        models = raw_models.map({name: name.strip() for name in raw_models.unique()})
        _flag(errors, models == "", f"{fmt.model}: blank; which weapon?")
        counts = _whole_numbers(frame[fmt.count], fmt.count, errors, blank_is=None)
        kinds = models.map({name: classify(name).kind for name in models.unique() if name})
        drones = counts.where(kinds == "drone", 0)
        missiles = counts.where(kinds == "missile", 0)
        weapons = [{model: amount} for model, amount in zip(models.tolist(), counts.tolist(), strict=True)]
    else:
        drones_raw, missiles_raw = _column(frame, fmt.drones), _column(frame, fmt.missiles)
        drones = _whole_numbers(drones_raw, fmt.drones or "drones", errors, blank_is=0)
        missiles = _whole_numbers(missiles_raw, fmt.missiles or "missiles", errors, blank_is=0)
        weapons = []
        for row, raw in _column(frame, fmt.weapons).items():
            try:
                weapons.append(parse_weapons(raw) if raw.strip() else {})
            except ValueError as error:
                weapons.append({})
                _flag(errors, errors.index == row, f"{fmt.weapons}: {error}")
        # As in chat: a blank total is derived from the weapons; a given one must not contradict them.
        for position, (row, listed) in enumerate(zip(frame.index, weapons, strict=True)):
            if not listed:
                continue
            given_drones = int(drones.iat[position]) if drones_raw.iat[position].strip() else None
            given_missiles = int(missiles.iat[position]) if missiles_raw.iat[position].strip() else None
            problem = contradiction(listed, drones=given_drones, missiles=given_missiles)
            if problem:
                _flag(errors, errors.index == row, f"{problem[0]}: {problem[1]}")
            drones.iat[position], missiles.iat[position] = resolved_totals(
                listed, drones=given_drones, missiles=given_missiles
            )
    killed = _optional_counts(frame, fmt.killed, errors)
    injured = _optional_counts(frame, fmt.injured, errors)

    region = pd.Series("", index=frame.index, dtype=object)
    for column in fmt.region:
        if column in frame.columns:
            region = region.where(region != "", frame[column].str.strip())
    notes = pd.Series("", index=frame.index, dtype=object)
    for column in fmt.notes:
        if column in frame.columns:
            value = frame[column]
            labelled = value if column == "notes" else (column.replace("_", " ") + ": " + value)
            notes = notes.where(value == "", notes.where(notes == "", notes + "; ") + labelled)
    source = _column(frame, fmt.source).str.strip()
    # The chat's text rule, cell by cell: invisible characters dropped, NFKC, control characters refused by row.
    region = _cleaned(region, "region", errors)
    source = _cleaned(source, fmt.source or "source", errors)
    notes = _cleaned(notes, "notes", errors, block=True)

    keys = _source_keys(frame, fmt, started)
    parsed = pd.DataFrame(
        {
            "started_at": started,
            "ended_at": ended,
            "time_known": known,
            "drones": drones,
            "missiles": missiles,
            "weapons": weapons,
            "region": _text(region, 200),
            "killed": killed,
            "injured": injured,
            "source": _text(source, 300),
            "notes": _text(notes, arguments.MAX_TEXT),
            "source_key": keys,
        },
        index=frame.index,
    )
    good = errors == ""
    row_errors = [
        RowError(int(row), message.split(":", 1)[0], message.split(": ", 1)[-1])
        for row, message in errors[~good].items()
    ]
    return parsed[good], row_errors


def _cleaned(values: pd.Series, column: str, errors: pd.Series, *, block: bool = False) -> pd.Series:
    """`values` through the text-input rule every chat path uses (`handlers.text.cleaning`); a cell it refuses is
    a row error naming the column and the character, and stays out of the import."""
    clean = cleaning.clean_block if block else cleaning.clean_line
    mapped: dict[str, str] = {}
    for value in values.unique():
        if not isinstance(value, str) or not value:
            continue
        try:
            mapped[value] = clean(value, column)
        except cleaning.UnsafeTextError as error:
            _flag(errors, values == value, f"{column}: {error.detail}")
            mapped[value] = ""
    return values.map(lambda value: mapped.get(value, value) if isinstance(value, str) else value)


def _text(values: pd.Series, limit: int) -> pd.Series:
    """Empty text becomes None (stored as NULL); text over `limit` characters is cut (rarely: checked first)."""
    values = values.astype(object)
    if values.map(len).max() > limit if len(values) else False:
        values = values.str.slice(0, limit)
    return values.where(values != "", None)


def _column(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column and column in frame.columns:
        return frame[column]
    return pd.Series("", index=frame.index, dtype=object)


def _optional_counts(frame: pd.DataFrame, column: str | None, errors: pd.Series) -> pd.Series:
    if not column or column not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    blank = frame[column].str.strip() == ""
    counts = _whole_numbers(frame[column], column, errors, blank_is=0)
    return counts.astype(object).where(~blank, None)


def _source_keys(frame: pd.DataFrame, fmt: StrikeFormat, started: pd.Series) -> pd.Series:
    """The format's key column where filled, else `FORMAT:YYYYMMDDHHMM:` + a SHA-1 of the identifying columns.

    The start time (UTC) leads the hash so keys sort like the data: a chronological file then fills the unique
    index in order instead of at random, which is most of the speed of a large import.
    """
    columns = [column for column in fmt.identity if column in frame.columns] or sorted(frame.columns)
    rows = frame[columns].to_numpy(dtype=object).tolist()
    stamps = started.dt.strftime("%Y%m%d%H%M").fillna("000000000000").tolist()
    hashed = pd.Series(
        [
            f"{fmt.name}:{stamp}:{hashlib.sha1(chr(31).join(row).encode()).hexdigest()[:20]}"
            for stamp, row in zip(stamps, rows, strict=True)
        ],
        index=frame.index,
        dtype=object,
    )
    if fmt.key and fmt.key in frame.columns:
        own = frame[fmt.key].str.strip()
        return hashed.where(own == "", own)
    return hashed


def _store_strikes(
    ctx: HandlerContext, parsed: pd.DataFrame, report: ImportReport, path: Path, progress: Progress | None
) -> None:
    total = report.rows
    done = total - len(parsed)
    if progress:
        progress(done, total)
    now = ctx.now()
    for begin in range(0, len(parsed), BATCH_ROWS):
        batch = parsed.iloc[begin : begin + BATCH_ROWS]
        with ctx.db.transaction() as session:
            with imports.bulk_session(session):
                inserted = imports.insert_strikes(
                    session,
                    batch,
                    reported_by="import",
                    reporter_name=path.name[:100],
                    channel=f"import:{report.format}",
                    created_at=now,
                )
            if inserted:
                audit.record(
                    session,
                    actor="import",
                    action="strike.import",
                    at=now,
                    channel=f"import:{report.format}",
                    entity="strike",
                    details={
                        "file": path.name,
                        "format": report.format,
                        "rows": len(batch),
                        "inserted": inserted,
                        "existing": len(batch) - inserted,
                    },
                )
        report.inserted += inserted
        report.existing += len(batch) - inserted
        done += len(batch)
        if progress:
            progress(done, total)


# --- contacts -----------------------------------------------------------------------------------------------
CONTACT_FORMAT = CONTACTS.name
SOURCE_LIMIT = 500  # a source may be a full article URL


def import_contacts(
    ctx: HandlerContext, path: Path, *, strict: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Import a contact CSV (date, parties [, time, zone, kind, duration, source, confidence, notes]) or the
    contact rows of callwatch's timeline CSV.

    Times without a zone (in the `time` cell or a `zone` column) are in CALLWATCH_TZ. A contact with the same
    parties within two hours of one already stored, or on its day when one has only a date, is kept as a repeat
    report of it, as in chat (`handlers/contacts/same_contact.py`).
    """

    frame = _read_csv(path)
    report = ImportReport(what="contacts", format=CONTACT_FORMAT, rows=len(frame))
    timeline = {"record", "at"} <= set(frame.columns)
    if timeline:
        report.format = "callwatch"
        contact_rows = frame["record"].str.strip() == "contact"
        report.skipped = int((~contact_rows).sum())
        frame = frame[contact_rows]
    missing = [column for column in CONTACTS.required if column not in frame.columns and not timeline]
    if missing or "parties" not in frame.columns:
        raise ImportFileError(
            f"{path.name} lacks column(s) {', '.join(missing or ['parties'])}, so it is not a contact CSV "
            f"(it has {describe_columns(list(frame.columns))}). {CONTACTS.name}: {CONTACTS.description}"
        )
    now = ctx.now()
    contacts: list[ContactReport] = []
    for row, record in frame.iterrows():
        try:
            contacts.append(_timeline_contact(record, now) if timeline else _contact(record, ctx, now))
        except arguments.ArgumentError as error:
            report.errors.append(RowError(int(row), error.field or "?", str(error)))  # type: ignore[arg-type]
    if contacts:
        report.first = min(contact.occurred_at for contact in contacts)
        report.last = max(contact.occurred_at for contact in contacts)
    if strict and report.errors:
        report.held_back = True
        return report
    before = report.skipped + len(report.errors)
    if progress:
        progress(before, report.rows)
    inserted_ids: list[int] = []
    with ctx.db.transaction() as session:
        for done, contact in enumerate(contacts, start=before + 1):
            root = first_report_of(session, contact)  # the chat path's rule for "the same contact"
            contact.duplicate_of_id = root.id if root else None
            stored = imports.insert_contact(session, contact)
            if stored is None:
                report.existing += 1
            else:
                report.inserted += 1
                inserted_ids.append(stored.id)  # type: ignore[arg-type]
                report.messages += [f"{contact_label(stored)}: {line}" for line in hook_lines(session, stored, ctx)]
            if progress:
                progress(done, report.rows)
        if inserted_ids:
            audit.record(
                session,
                actor="import",
                action="contact.import",
                at=now,
                channel="import:contacts",
                entity="contact",
                details={
                    "file": path.name,
                    "rows": report.rows,
                    "inserted": len(inserted_ids),
                    "existing": report.existing,
                    "rejected": len(report.errors),
                    "ids": inserted_ids,
                },
            )
    return report


def _cell(record: pd.Series, name: str) -> str:
    return str(record.get(name, "") or "").strip()


def _converted(record: pd.Series, converters: dict[str, Callable[[str], Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, converter in converters.items():
        if _cell(record, name):
            try:
                values[name] = converter(_cell(record, name))
            except ValueError as error:
                raise arguments.ArgumentError(f"{_cell(record, name)!r}: {error}", field=name) from None
    if "parties" not in values:
        raise arguments.ArgumentError("blank: who took part? (e.g. Trump, Putin)", field="parties")
    return values


def _contact_converters(duration_column: str) -> dict[str, Callable[[str], Any]]:
    return {
        "parties": parse_parties,
        "kind": arguments.choice(*CONTACT_KINDS),
        "confidence": arguments.choice(*CONTACT_CONFIDENCES),
        "source": arguments.text_value(SOURCE_LIMIT),
        "notes": arguments.text_value(arguments.MAX_TEXT),
        duration_column: parse_duration if duration_column == "duration" else _seconds,
    }


def _seconds(raw: str) -> int:
    return int(arguments.count(raw.removesuffix(".0")))


def _contact(record: pd.Series, ctx: HandlerContext, now: datetime) -> ContactReport:
    """One contact CSV row → a ContactReport, or `ArgumentError` naming the column at fault."""
    try:
        zone = resolve_zone(_cell(record, "zone")) if _cell(record, "zone") else resolve_zone(ctx.settings.tz)
    except UnknownZoneError as error:
        raise arguments.ArgumentError(str(error), field="zone") from None
    if not _cell(record, "date"):
        raise arguments.ArgumentError("blank: when was the contact?", field="date")
    text = f"{_cell(record, 'date')} {_cell(record, 'time')}".strip()
    try:
        when = parse_time(text, now=now, zone=zone)
    except TimeParseError as error:
        raise arguments.ArgumentError(str(error), field="time" if _cell(record, "time") else "date") from None
    values = _converted(record, _contact_converters("duration"))
    return _new_contact(when.at, when.time_known, values, values.get("duration"), None, now)


def _timeline_contact(record: pd.Series, now: datetime) -> ContactReport:
    """A contact row of callwatch's timeline CSV: `at` in ISO 8601 UTC, `time_known`, `duration_seconds`."""
    try:
        when = parse_time(_cell(record, "at"), now=now, zone=UTC, allow_future=True)
    except TimeParseError as error:
        raise arguments.ArgumentError(str(error), field="at") from None
    known = _cell(record, "time_known").lower()
    if known not in {"", "true", "false", "1", "0"}:
        raise arguments.ArgumentError("must be True or False", field="time_known")
    values = _converted(record, _contact_converters("duration_seconds"))
    time_known = when.time_known if known == "" else known in {"true", "1"}
    key = _cell(record, "source_key") or None
    return _new_contact(when.at, time_known, values, values.get("duration_seconds"), key, now)


def _new_contact(
    at: datetime, time_known: bool, values: dict[str, Any], duration: int | None, key: str | None, now: datetime
) -> ContactReport:
    kind = values.get("kind", "call")
    key_text = "\x1f".join([at.isoformat(), str(time_known), parties_key(values["parties"]), kind])
    return ContactReport(
        occurred_at=at,
        time_known=time_known,
        parties=", ".join(values["parties"]),
        parties_key=parties_key(values["parties"]),
        kind=kind,
        confidence=values.get("confidence", "reported"),
        source=values.get("source"),
        duration_seconds=duration,
        notes=values.get("notes"),
        reported_by="import",
        channel="import:contacts",
        created_at=now,
        source_key=key or f"contact:{hashlib.sha1(key_text.encode()).hexdigest()[:24]}",
    )
