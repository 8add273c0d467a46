"""`callwatch import strikes|contacts FILE`: a progress bar while rows go in, then a per-row error report.

Exit codes: 0 every row stored or already present; 1 some rows were rejected (the rest went in); 2 the file
could not be imported at all (unreadable, unknown format, required columns missing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.wiring import Core
from handlers.imports.formats import FORMATS
from handlers.imports.importer import ImportFileError, ImportReport, import_contacts, import_strikes

MAX_ERRORS_SHOWN = 50


def import_strikes_cli(core: Core, path: Path, format: str) -> int:
    if format not in FORMATS:
        err = Console(stderr=True)
        err.print(f"callwatch: unknown format {format!r}. Known formats:")
        for fmt in FORMATS.values():
            err.print(f"  {fmt.name}: {fmt.description}")
        return 2
    return _run(lambda progress: import_strikes(core.ctx, path, format, progress=progress), f"strikes ({format})")


def import_contacts_cli(core: Core, path: Path) -> int:
    return _run(lambda progress: import_contacts(core.ctx, path, progress=progress), "contacts")


def _run(work: Callable[[Callable[[int, int], None]], ImportReport], label: str) -> int:
    out, err = Console(soft_wrap=True), Console(stderr=True)
    columns = (TextColumn("[bold]importing " + label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=False) as bar:
            task = bar.add_task(label, total=None)
            report = work(lambda done, total: bar.update(task, completed=done, total=total))
    except ImportFileError as error:
        err.print(f"callwatch: {error}", markup=False, highlight=False)
        return 2
    print_report(report, out)
    return 1 if report.errors else 0


def print_report(report: ImportReport, console: Console) -> None:
    """The summary line, the rules used for unlisted weapon names, and the rejected rows with their numbers."""
    span = ""
    if report.first and report.last:
        span = f" · {report.first:%Y-%m-%d %H:%M} → {report.last:%Y-%m-%d %H:%M} UTC"
    console.print(
        f"{report.rows:,} rows: {report.inserted:,} new, {report.existing:,} already stored, "
        f"{len(report.errors):,} rejected"
        + (f", {report.skipped:,} not {report.what}" if report.skipped else "")
        + span,
        markup=False,
        highlight=False,
    )
    if report.classified_by_rule:
        console.print(
            "Weapon names not in the data set's model table, classed by rule (see handlers/imports/weapon_classes.py):",
            markup=False,
        )
        for name, rule in sorted(report.classified_by_rule.items()):
            from handlers.imports.weapon_classes import classify

            console.print(f"  {name}: {classify(name).kind} ({rule})", markup=False, highlight=False)
    for line, times in Counter(report.messages).items():
        console.print(line + (f" (×{times})" if times > 1 else ""), markup=False, highlight=False)
    if report.errors:
        table = Table(title=f"Rejected rows ({len(report.errors):,}; row 1 is the header)", title_justify="left")
        for column in ("row", "column", "problem"):
            table.add_column(column)
        for error in report.errors[:MAX_ERRORS_SHOWN]:
            table.add_row(str(error.row), error.column, error.message)
        console.print(table)
        if len(report.errors) > MAX_ERRORS_SHOWN:
            console.print(f"… and {len(report.errors) - MAX_ERRORS_SHOWN:,} more rejected rows.", markup=False)
