"""`callwatch import [strikes|contacts] FILE`: a progress bar while rows go in, then what happened to each row.

Exit codes, for scripts (`callwatch import FILE && callwatch analyze`): 0 when rows were stored or were already
stored (a re-import is a success), rejected rows listed; 1 when nothing could be read (an unreadable file, a
layout no format fits, missing columns, every row rejected); with `--strict`, 1 as soon as any row is rejected,
and then nothing from the file is stored. 2 is the command line's own usage error (no such file, bad option).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer.core import TyperGroup

if TYPE_CHECKING:  # the importer brings pandas: loaded only when an import runs, never for `--help`
    from rich.console import Console

    from bot.core import Core
    from handlers.imports.report import ImportReport

MAX_ERRORS_SHOWN = 50
FILE_COMMAND = "file"
Work = Callable[[Callable[[int, int], None]], "list[ImportReport]"]


class ImportGroup(TyperGroup):
    """`callwatch import FILE` is `callwatch import file FILE`: a first word that names no subcommand is a file."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return FILE_COMMAND, self.commands[FILE_COMMAND], args
        return super().resolve_command(ctx, args)


def import_file_cli(core: Core, path: Path, *, strict: bool) -> int:
    from handlers.imports.importer import import_file

    return _run(lambda progress: import_file(core.ctx, path, strict=strict, progress=progress), path.name, strict)


def import_strikes_cli(core: Core, path: Path, format: str | None, *, strict: bool) -> int:
    from handlers.imports.importer import import_strikes

    label = f"strikes ({format or 'format from the header'})"
    return _run(
        lambda progress: [import_strikes(core.ctx, path, format, strict=strict, progress=progress)], label, strict
    )


def import_contacts_cli(core: Core, path: Path, *, strict: bool) -> int:
    from handlers.imports.importer import import_contacts

    return _run(
        lambda progress: [import_contacts(core.ctx, path, strict=strict, progress=progress)], "contacts", strict
    )


def _run(work: Work, label: str, strict: bool) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from handlers.imports.report import ImportFileError, exit_code

    out, err = Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)
    columns = (TextColumn("[bold]importing " + label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=False) as bar:
            task = bar.add_task(label, total=None)
            reports = work(lambda done, total: bar.update(task, completed=done, total=total))
    except ImportFileError as error:
        err.print(f"callwatch: {error}", markup=False, highlight=False)
        return 1
    for report in reports:
        print_report(report, out)
    code = exit_code(reports, strict=strict)
    if any(report.held_back for report in reports):
        err.print("callwatch: --strict: rows were rejected, so nothing from this file was stored.", markup=False)
    elif code:
        err.print("callwatch: no row could be read (see the rejected rows above).", markup=False)
    return code


def print_report(report: ImportReport, console: Console) -> None:
    """The summary line, the rules used for unlisted weapon names, and the rejected rows with their numbers."""
    from rich.table import Table

    span = ""
    if report.first and report.last:
        span = f" · {report.first:%Y-%m-%d %H:%M} → {report.last:%Y-%m-%d %H:%M} UTC"
    stored = (
        "none stored (--strict)" if report.held_back else f"{report.inserted:,} new, {report.existing:,} already stored"
    )
    console.print(
        f"{report.what} ({report.format}): {report.rows:,} rows: {stored}, {len(report.errors):,} rejected"
        + (f", {report.skipped:,} not {report.what}" if report.skipped else "")
        + span,
        markup=False,
        highlight=False,
    )
    if report.classified_by_rule:
        from handlers.imports.weapon_classes import classify

        console.print(
            "Weapon names not in the data set's model table, classed by rule (see handlers/imports/weapon_classes.py):",
            markup=False,
        )
        for name, rule in sorted(report.classified_by_rule.items()):
            console.print(f"  {name}: {classify(name).kind} ({rule})", markup=False, highlight=False)
    for line, times in Counter(report.messages).items():
        console.print(line + (f" (×{times})" if times > 1 else ""), markup=False, highlight=False)
    if report.errors:
        numbering = (
            f"numbered from 1 in the backup's {report.what} list"
            if report.format == "callwatch-backup"
            else "row 1 is the header"
        )
        table = Table(title=f"Rejected rows ({len(report.errors):,}; {numbering})", title_justify="left")
        for column in ("row", "column", "problem"):
            table.add_column(column)
        for error in report.errors[:MAX_ERRORS_SHOWN]:
            table.add_row(str(error.row), error.column, error.message)
        console.print(table)
        if len(report.errors) > MAX_ERRORS_SHOWN:
            console.print(f"… and {len(report.errors) - MAX_ERRORS_SHOWN:,} more rejected rows.", markup=False)
