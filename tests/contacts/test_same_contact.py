"""One rule decides when two reports are the same contact, in chat and in imports, whichever comes first."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot.core import Core
from handlers.imports.importer import import_contacts
from storage.models import ContactReport

HEADER = "date,time,zone,kind,parties,duration,source,confidence,notes\n"
TIMED = '2025-07-03,14:00,UTC,call,"Trump,Putin",,https://example.org/timed,confirmed,\n'
DATE_ONLY = '2025-07-03,,UTC,call,"Putin,Trump",,https://example.org/date,reported,\n'
NEXT_DAY = '2025-07-04,,UTC,call,"Putin,Trump",,https://example.org/next,reported,\n'


@pytest.mark.parametrize("rows", [[TIMED, DATE_ONLY], [DATE_ONLY, TIMED]], ids=["timed first", "date-only first"])
def test_an_import_links_a_date_only_and_a_timed_report_of_one_day(core: Core, tmp_path: Path, rows: list[str]) -> None:
    for index, row in enumerate([*rows, NEXT_DAY]):  # one file per row: the order of arrival is the point
        path = tmp_path / f"c{index}.csv"
        path.write_text(HEADER + row)
        import_contacts(core.ctx, path)
    with core.db.reader() as session:
        stored = session.exec(select(ContactReport).order_by(ContactReport.id)).all()
    first, second, next_day = stored
    assert first.duplicate_of_id is None and second.duplicate_of_id == first.id
    assert next_day.duplicate_of_id is None  # another day is another contact


def test_chat_and_import_agree(core: Core, tmp_path: Path, make_request: object) -> None:
    logged = core.router.handle(make_request("contact", "at=2025-07-03 parties=Trump,Putin"))  # type: ignore[operator]
    assert logged.ok
    path = tmp_path / "timed.csv"
    path.write_text(HEADER + TIMED)
    import_contacts(core.ctx, path)
    with core.db.reader() as session:
        chat, imported = session.exec(select(ContactReport).order_by(ContactReport.id)).all()
    assert imported.duplicate_of_id == chat.id
