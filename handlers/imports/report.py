"""What an import or a restore reports: the rows read, stored and rejected, and the exit code scripts see.

Shared by the CSV importer (`importer.py`) and the backup restore (`backup.py`), which report the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from handlers.chat.context import HandlerContext
from handlers.text.times import show_time
from storage.models import ContactReport

Progress = Callable[[int, int], None]  # (rows done, rows in file)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, unknown format, required columns missing)."""


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number: the header is row 1
    column: str
    message: str


@dataclass
class ImportReport:
    what: str  # "strikes" | "contacts"
    format: str
    rows: int = 0
    inserted: int = 0
    existing: int = 0  # already stored, or repeated earlier in the same file
    skipped: int = 0  # rows of another kind in a mixed export (e.g. contacts in a timeline CSV)
    errors: list[RowError] = field(default_factory=list)
    classified_by_rule: dict[str, str] = field(default_factory=dict)  # model names not in the table → rule
    messages: list[str] = field(default_factory=list)  # lines from the contact hooks, each naming its contact
    first: datetime | None = None
    last: datetime | None = None
    held_back: bool = False  # strict import of a file with rejected rows: nothing was stored

    @property
    def read_nothing(self) -> bool:
        """Every row of a non-empty file was rejected: nothing could be read."""
        return self.rows - self.skipped > 0 and self.inserted + self.existing == 0 and bool(self.errors)


def exit_code(reports: list[ImportReport], *, strict: bool) -> int:
    """0 when rows were stored or were already there (a re-import is a success); 1 when nothing could be read;
    with `strict`, 1 as soon as any row was rejected (and then nothing was stored)."""
    if any(report.held_back for report in reports) or (strict and any(report.errors for report in reports)):
        return 1
    read = any(report.inserted or report.existing for report in reports)
    return 1 if not read and any(report.read_nothing for report in reports) else 0


def hook_lines(session: Any, contact: ContactReport, ctx: HandlerContext) -> list[str]:
    """Run the contact hooks (the alert planner) for a newly stored contact, as the chat path does."""
    lines: list[str] = []
    for hook in ctx.contact_hooks:
        lines += hook.logged(session, contact, ctx)
    return lines


def contact_label(contact: ContactReport) -> str:
    """How a report line names its contact: `#12 Trump, Putin, 2025-02-12 14:00 UTC`."""
    when = show_time(contact.occurred_at, UTC) if contact.time_known else f"{contact.occurred_at:%Y-%m-%d}"
    return f"#{contact.id} {contact.parties}, {when}"
