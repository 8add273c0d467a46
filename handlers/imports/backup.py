"""callwatch's backup: one versioned JSON document with everything users entered, and restoring it.

`callwatch export --format json` writes it and `callwatch import FILE` reads it back, into the same database or
another one (the way from SQLite to PostgreSQL). The document:

    {"format": "callwatch-backup", "version": 1, "schema": ["0002_alerts"],
     "contacts": [{"id": 1, "at": "2025-07-03T14:00:00Z", "parties": "Trump, Putin", …, "duplicate_of_id": null,
                   "retracted_at": null, …}, …],
     "strikes": […], "subscriptions": […], "roles": […]}

Each row carries every column of its table (`at` is a contact's `occurred_at` and a strike's `started_at`, the
name the timeline uses), times ISO 8601 UTC, so provenance (who logged it, from where, when, its redelivery and
source keys), repeat links and retractions all survive. Contacts and strikes are oldest first; the rest in id
order. No time of export is written, so exporting the same data twice gives the same bytes.

Restoring adds only what the target lacks (see `storage.backup` for how a row is recognised), so restoring twice
adds nothing. A row keeps its id where the target has it free and otherwise moves past the target's largest id;
`duplicate_of_id` follows it. A retraction in the backup is applied to a row the target holds unretracted.
Subscriptions and roles the target already has (by channel, by user) are left as the target has them.

Alerts: the readiness plan is not in the backup. A restored live contact whose readiness window is still open
gets its plan as an imported one does (the alert at once, the steps still ahead); one whose window closed gets
nothing, so restoring old contacts never fires alerts. The audit log is not restored: the restore writes one
`backup.restore` entry of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import JSON, Boolean, Integer
from sqlmodel import Session

from handlers.chat.context import HandlerContext
from handlers.imports.report import (
    ImportFileError,
    ImportReport,
    Progress,
    RowError,
    contact_label,
    hook_lines,
)
from storage import alert_posts, audit
from storage import backup as queries
from storage.models import ChannelSubscription, ContactReport, StrikeReport, UserRole
from storage.types import UTCDateTime

FORMAT = "callwatch-backup"
VERSION = 1


@dataclass(frozen=True)
class Section:
    name: str  # the document's key
    model: type[Any]
    renamed: dict[str, str]  # column → name in the document
    order: Callable[[dict[str, Any]], Any]  # how rows are listed


def _by_time(column: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: (row[column], row["id"])


SECTIONS = (
    Section("contacts", ContactReport, {"occurred_at": "at"}, _by_time("occurred_at")),
    Section("strikes", StrikeReport, {"started_at": "at"}, _by_time("started_at")),
    Section("subscriptions", ChannelSubscription, {}, lambda row: row["id"]),
    Section("roles", UserRole, {}, lambda row: row["id"]),
)


# --- writing -------------------------------------------------------------------------------------------------
def iso(value: datetime) -> str:
    """ISO 8601 UTC with a Z; microseconds only when there are some (a chat-logged time has them)."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if value.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def _document_row(section: Section, row: dict[str, Any]) -> dict[str, Any]:
    return {
        section.renamed.get(name, name): iso(value) if isinstance(value, datetime) else value
        for name, value in row.items()
    }


def write_backup(ctx: HandlerContext, out: IO[str]) -> dict[str, int]:
    """Write the whole backup to `out`, one row a line; returns the rows written per section."""
    counts: dict[str, int] = {}
    with ctx.db.reader() as session:
        out.write(f'{{"format": "{FORMAT}", "version": {VERSION}, ')
        out.write(f'"schema": {json.dumps(sorted(ctx.db.current_revisions()))}')
        for section in SECTIONS:
            rows = sorted(queries.rows(session, section.model), key=section.order)
            counts[section.name] = len(rows)
            out.write(f',\n"{section.name}": [')
            for index, row in enumerate(rows):
                line = json.dumps(_document_row(section, row), ensure_ascii=False)
                out.write(("\n  " if index == 0 else ",\n  ") + line)
            out.write("\n]" if rows else "]")
        out.write("}\n")
    return counts


# --- reading -------------------------------------------------------------------------------------------------
def looks_like_backup(path: Path) -> bool:
    """A JSON object rather than a CSV header: the first character that is not white space is `{`."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            start = handle.read(256).lstrip()
    except (OSError, UnicodeDecodeError):
        return False
    return start.startswith("{")


def read_backup(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The sections of a backup file, or `ImportFileError` saying why the file as a whole cannot be restored."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"cannot read {path.name}: {error}") from None
    except json.JSONDecodeError as error:
        raise ImportFileError(f"{path.name} is not valid JSON (line {error.lineno}: {error.msg})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFileError(f'{path.name} is JSON but not a callwatch backup (no "format": "{FORMAT}")')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError(f"{path.name}: the backup version {version!r} is not a version number")
    if version > VERSION:
        raise ImportFileError(
            f"{path.name} is a version {version} backup, written by a newer callwatch; this one reads up to "
            f"version {VERSION}: upgrade callwatch to restore it"
        )
    sections: dict[str, list[dict[str, Any]]] = {}
    for section in SECTIONS:
        rows = document.get(section.name, [])
        if not isinstance(rows, list):
            raise ImportFileError(f'{path.name}: "{section.name}" must be a list of rows')
        columns = {section.renamed.get(column.name, column.name) for column in queries.table_of(section.model).c}
        unknown = sorted({key for row in rows if isinstance(row, dict) for key in row} - columns)
        if unknown:
            raise ImportFileError(
                f"{path.name}: {section.name} have column(s) {', '.join(unknown)} that this callwatch does not "
                "know; the backup comes from a newer version: upgrade callwatch and run `callwatch db upgrade`"
            )
        sections[section.name] = rows
    return sections


class _RowProblem(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _row_values(section: Section, raw: object) -> dict[str, Any]:
    """A document row → {column: value} checked against the table's column types, or `_RowProblem`."""
    if not isinstance(raw, dict):
        raise _RowProblem("?", "not an object")
    values: dict[str, Any] = {}
    for column in queries.table_of(section.model).c:
        name = section.renamed.get(column.name, column.name)
        if raw.get(name) is not None:
            values[column.name] = _typed(column.type, raw[name], name)
        elif name not in raw and column.default is not None and getattr(column.default, "is_scalar", False):
            values[column.name] = column.default.arg  # a column the writing version did not have yet
        elif column.nullable:
            values[column.name] = None
        else:
            raise _RowProblem(name, "missing")
    return values


def _typed(kind: Any, value: Any, name: str) -> Any:
    if isinstance(kind, UTCDateTime):
        if not isinstance(value, str):
            raise _RowProblem(name, "not a time")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _RowProblem(name, f"{value!r} is not an ISO 8601 time") from None
        if parsed.tzinfo is None:
            raise _RowProblem(name, f"{value!r} has no zone (backups write UTC with a Z)")
        return parsed.astimezone(UTC)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise _RowProblem(name, "not true or false")
        return value
    if isinstance(kind, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _RowProblem(name, "not a whole number")
        return value
    if isinstance(kind, JSON):
        return value
    if not isinstance(value, str):
        raise _RowProblem(name, "not text")
    return value


# --- restoring -----------------------------------------------------------------------------------------------
def restore_file(
    ctx: HandlerContext, path: Path, *, strict: bool = False, progress: Progress | None = None
) -> list[ImportReport]:
    return restore(ctx, read_backup(path), name=path.name, strict=strict, progress=progress)


def restore(
    ctx: HandlerContext,
    sections: dict[str, list[dict[str, Any]]],
    *,
    name: str = "backup",
    strict: bool = False,
    progress: Progress | None = None,
) -> list[ImportReport]:
    """Put a backup's rows into the database in one transaction; one report per section."""
    reports = {section.name: ImportReport(what=section.name, format=FORMAT) for section in SECTIONS}
    parsed: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for section in SECTIONS:
        report = reports[section.name]
        report.rows = len(sections.get(section.name, []))
        parsed[section.name] = []
        for index, raw in enumerate(sections.get(section.name, []), start=1):
            try:
                parsed[section.name].append((index, _row_values(section, raw)))
            except _RowProblem as problem:
                report.errors.append(RowError(index, problem.column, str(problem)))
    _check_contact_links(parsed["contacts"], reports["contacts"])
    if strict and any(report.errors for report in reports.values()):
        for report in reports.values():
            report.held_back = True
        return list(reports.values())
    total = sum(report.rows for report in reports.values())
    done = 0
    now = ctx.now()
    with ctx.db.transaction() as session:
        queries.lock_for_restore(session)
        _restore_unique(session, parsed["subscriptions"], reports["subscriptions"], ChannelSubscription, "channel")
        _restore_unique(session, parsed["roles"], reports["roles"], UserRole, "user")
        new_contacts = _restore_reports(session, ContactReport, parsed["contacts"], reports["contacts"], now)
        done += reports["subscriptions"].rows + reports["roles"].rows + reports["contacts"].rows
        if progress:
            progress(done, total)
        _restore_reports(session, StrikeReport, parsed["strikes"], reports["strikes"], now)
        done += reports["strikes"].rows
        # Subscriptions are in place by now, so a contact whose window is still open is planned for them.
        _plan_open_windows(session, ctx, new_contacts, reports["contacts"])
        audit.record(
            session,
            actor="import",
            action="backup.restore",
            at=now,
            channel="import:backup",
            details={
                "file": name,
                **{
                    key: {"rows": report.rows, "inserted": report.inserted, "existing": report.existing}
                    for key, report in reports.items()
                },
            },
        )
    if progress:
        progress(done, total)
    for section in ("contacts", "strikes"):
        times = [values["occurred_at" if section == "contacts" else "started_at"] for _, values in parsed[section]]
        if times:
            reports[section].first, reports[section].last = min(times), max(times)
    return list(reports.values())


def _check_contact_links(rows: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
    """A repeat report must point at a contact in the backup; one that does not is rejected, not re-linked."""
    ids = {values["id"] for _, values in rows}
    for index, values in list(rows):
        target = values.get("duplicate_of_id")
        if target is not None and target not in ids:
            report.errors.append(RowError(index, "duplicate_of_id", f"refers to contact {target}, not in the backup"))
            rows.remove((index, values))


def _restore_unique(
    session: Session, rows: list[tuple[int, dict[str, Any]]], report: ImportReport, model: type[Any], column: str
) -> None:
    """Subscriptions (by channel) and roles (by user): add the ones the target lacks, leave the rest."""
    present = queries.existing_values(session, model, column, [values[column] for _, values in rows])
    seen: set[str] = set()
    new: list[dict[str, Any]] = []
    for _, values in rows:
        if values[column] in present or values[column] in seen:
            report.existing += 1
            continue
        seen.add(values[column])
        new.append(values)
    _place(session, model, new)
    report.inserted += len(new)


def _place(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> dict[int, int]:
    """Insert rows with their own id where it is free, else past the largest; returns old id → new id."""
    taken = queries.taken_ids(session, model, [values["id"] for values in rows if values.get("id") is not None])
    following = max(queries.next_id(session, model), max((values.get("id") or 0 for values in rows), default=0) + 1)
    moved: dict[int, int] = {}
    for values in rows:
        old = values.get("id")
        if old is None or old in taken:
            values["id"], following = following, following + 1
        if old is not None:
            moved[old] = values["id"]
    queries.insert_rows(session, model, rows)
    queries.advance_ids(session, model)
    return moved


def _restore_reports(
    session: Session,
    model: type[ContactReport] | type[StrikeReport],
    rows: list[tuple[int, dict[str, Any]]],
    report: ImportReport,
    now: datetime,
) -> list[int]:
    """Insert the reports the target lacks (ids kept where free, repeat links following them), apply backed-up
    retractions to ones it holds; returns the ids of the contacts inserted."""
    identities = [queries.report_identity(model, values) for _, values in rows]
    stored = queries.stored_reports(session, model, identities)
    id_map: dict[int, int] = {}
    new: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for (_, values), identity in zip(rows, identities, strict=True):
        if identity in stored:
            target_id, retracted = stored[identity]
            id_map[values["id"]] = target_id
            report.existing += 1
            if values.get("retracted_at") and not retracted:
                queries.apply_retraction(
                    session,
                    model,
                    target_id,
                    at=values["retracted_at"],
                    by=values.get("retracted_by") or "import",
                    reason=values.get("retract_reason") or "retracted (restored from a backup)",
                )
                report.messages.append(f"#{target_id}: retracted, as in the backup")
            continue
        if identity in seen:  # the same report twice in one file
            report.existing += 1
            continue
        seen.add(identity)
        new.append(values)
    new.sort(key=lambda values: values["id"])  # a repeat report always follows the report it repeats
    if model is ContactReport:
        pending = {values["id"]: values for values in new}
        placed = _place_contacts(session, new, id_map, pending)
    else:
        placed = list(_place(session, model, new).values())
    report.inserted += len(new)
    return placed


def _place_contacts(
    session: Session, rows: list[dict[str, Any]], id_map: dict[int, int], pending: dict[int, dict[str, Any]]
) -> list[int]:
    """Contacts: decide every new id first, then point each repeat at its report's id in the target."""
    taken = queries.taken_ids(session, ContactReport, [values["id"] for values in rows])
    following = max(queries.next_id(session, ContactReport), max(pending, default=0) + 1)
    for values in rows:
        old = values["id"]
        if old in taken:
            id_map[old], following = following, following + 1
        else:
            id_map[old] = old
    for values in rows:
        values["id"] = id_map[values["id"]]
        if values.get("duplicate_of_id") is not None:
            values["duplicate_of_id"] = id_map[values["duplicate_of_id"]]
    queries.insert_rows(session, ContactReport, rows)
    queries.advance_ids(session, ContactReport)
    return [values["id"] for values in rows]


def _plan_open_windows(session: Session, ctx: HandlerContext, contact_ids: list[int], report: ImportReport) -> None:
    """Run the contact hooks for restored live contacts: only those whose window is still open get posts."""
    historical = 0
    for contact_id in contact_ids:
        contact = session.get(ContactReport, contact_id)
        if contact is None or contact.retracted_at is not None or contact.duplicate_of_id is not None:
            continue
        lines = hook_lines(session, contact, ctx)
        if alert_posts.has_plan(session, contact_id):
            report.messages += [f"{contact_label(contact)}: {line}" for line in lines]
        else:
            historical += 1
    if historical:
        report.messages.append(
            f"{historical} restored contact{'s' if historical != 1 else ''} had a closed readiness window "
            "(or no channel subscribed): no alerts planned for them"
        )
