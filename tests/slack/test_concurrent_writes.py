"""Writes under load: many reporters' /contact commands at once over signed HTTP are each stored exactly once.

On SQLite the process's writers queue on one lock instead of meeting each other in SQLite's busy handler
(`storage.database.Database.transaction`); on PostgreSQL they run side by side. Either way every command must be
answered "Logged", stored once with its audit entry, and the numbers must be the ones the replies announced.
"""

from __future__ import annotations

import asyncio
import re
import threading

from sqlmodel import select

from bot.core import Core
from storage.models import AuditEntry, ContactReport
from tests.slack.conftest import SlackClient

WRITERS = 24


async def test_simultaneous_reporters_are_each_stored_once(slack: SlackClient, core: Core) -> None:
    status, body = await slack.command("role", "grant user=slack:UREPORTER role=reporter")
    assert status == 200 and body["text"] == "Role granted"
    answers = await asyncio.gather(
        *(
            slack.command("contact", f"at=now parties=Sender{number},Receiver kind=call", user="UREPORTER")
            for number in range(WRITERS)
        )
    )
    assert {status for status, _ in answers} == {200}
    replies = [body["text"] for _, body in answers if "Working on" not in body["text"]]
    late = WRITERS - len(replies)  # past the test's 0.5 s ack budget on a busy machine: answered at response_url
    standin = slack.standin
    await standin.wait_for(lambda: len(standin.responses) >= late, within=30)
    replies += [response["text"] for response in standin.responses]
    announced = sorted(int(match.group(1)) for text in replies if (match := re.search(r"Contact #(\d+)", text)))
    with core.db.reader() as session:
        stored = list(session.exec(select(ContactReport)))
        audited = list(session.exec(select(AuditEntry).where(AuditEntry.action == "contact.log")))
    assert sorted(contact.id for contact in stored) == announced == list(range(1, WRITERS + 1))
    assert sorted(entry.entity_id for entry in audited) == announced
    assert {contact.parties for contact in stored} == {f"Sender{number}, Receiver" for number in range(WRITERS)}


def test_writer_threads_on_one_database_all_commit(core: Core) -> None:
    """Plain threads, as the router's executor runs them: none fails on a locked database, none is lost."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write(worker: int) -> None:
        try:
            start.wait()
            for number in range(10):
                with core.db.transaction() as session:
                    session.add(
                        AuditEntry(
                            at=core.ctx.now(),
                            actor=f"test:{worker}",
                            channel="test:c",
                            action="test.write",
                            entity="test",
                            entity_id=worker * 100 + number,
                            details={},
                        )
                    )
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    with core.db.reader() as session:
        written = sorted(
            entry.entity_id for entry in session.exec(select(AuditEntry).where(AuditEntry.action == "test.write"))
        )
    assert written == sorted(worker * 100 + number for worker in range(8) for number in range(10))
