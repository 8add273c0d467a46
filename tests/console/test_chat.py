"""The console's parts without a terminal: charts under their own names, Tab completion, piped input as before, and
the guided dialog run with scripted answers against a real database."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.console.chat import run_console
from bot.console.dialog import CANCELLED, ReadLine, Route, run_dialog
from bot.console.session import answer, completions, save_chart
from bot.core import Core
from bot.wiring import build_core
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from handlers.contacts.command import FORM as CONTACT_FORM
from handlers.strikes.command import FORM as STRIKE_FORM
from storage.models import ContactReport, StrikeReport
from tests.conftest import FrozenClock


def test_each_chart_gets_its_own_file(tmp_path: Path) -> None:
    now = datetime(2025, 7, 5, 12, 0, 1, tzinfo=UTC)
    first = save_chart(tmp_path / "charts", "timeline.png", b"one", now=now)
    second = save_chart(tmp_path / "charts", "timeline.png", b"two", now=now)
    later = save_chart(tmp_path / "charts", "timeline.png", b"three", now=now.replace(second=2))
    assert [path.name for path in (first, second, later)] == [
        "timeline-20250705T120001Z.png",
        "timeline-20250705T120001Z-2.png",
        "timeline-20250705T120002Z.png",
    ]
    assert [path.read_bytes() for path in (first, second, later)] == [b"one", b"two", b"three"]
    assert save_chart(tmp_path, "../../escape.png", b"x", now=now).parent == tmp_path  # a name, never a path


def test_tab_completes_commands_then_their_actions(core: Core) -> None:
    words = completions(core.router.commands)
    assert "/contact" in words("") and "/timeline" in words("/ti")
    assert words("/contact ") == ["show", "retract", "help"]
    assert words("/contact re") == ["show", "retract", "help"]  # readline keeps those starting with "re"
    assert words("/contact at=now ") == []
    assert words("/nonsense ") == []


def test_piped_contact_alone_prints_its_usage_as_before(console_core: Core) -> None:
    out = io.StringIO()
    code = run_console(console_core, io.StringIO("/contact\n"), out, user="ops")
    assert code == 0
    assert out.getvalue().startswith("Log a contact\n/contact at=TIME parties=A,B")


@pytest.fixture
def console_core(
    database_url: str, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Core]:
    """A core where the console user `ops` is an admin (on PostgreSQL it must be named; SQLite's owner is one)."""
    monkeypatch.chdir(tmp_path)  # charts/ goes here
    core = build_core(Settings(database_url=database_url, admins="console:ops", tz="UTC"), clock=clock)
    yield core
    core.close()


def route(core: Core) -> Route:
    def run(command: str, text: str) -> Reply:
        return core.router.handle(
            ChatRequest(platform=Platform.CONSOLE, user_id="ops", channel_id="console", command=command, text=text)
        )

    return run


def scripted(lines: list[str]) -> ReadLine:
    pending = iter(lines)

    def read(_prompt: str) -> str:
        try:
            return next(pending)
        except StopIteration:
            raise EOFError from None

    return read


def test_the_dialog_logs_a_contact_with_numbered_options(console_core: Core) -> None:
    said: list[str] = []
    answers = ["3", "2025-07-03 14:00 UTC", "Trump, Putin", "2", "1", 'Reuters "live"', "2"]
    reply = run_dialog(CONTACT_FORM, scripted(answers), said.append, route(console_core))
    assert reply is not None and reply.ok, reply
    with console_core.db.reader() as session:
        [contact] = session.exec(select(ContactReport)).all()
    assert (contact.kind, contact.confidence, contact.source) == ("meeting", "confirmed", 'Reuters "live"')
    assert "  1) Now   2) 1 hour ago   3) Type a time" in said[1]
    assert "Kind: Meeting" in said


def test_numbers_answer_a_count_instead_of_choosing(console_core: Core) -> None:
    said: list[str] = []
    reply = run_dialog(STRIKE_FORM, scripted(["1", "2", "done"]), said.append, route(console_core))
    assert reply is not None and reply.ok
    with console_core.db.reader() as session:
        [strike] = session.exec(select(StrikeReport)).all()
    assert strike.drones == 2  # "2" was the count, not the second option
    assert "or type: Skip · Done" in said[-1]


def test_a_rejected_answer_is_asked_again_in_the_console(console_core: Core) -> None:
    said: list[str] = []
    answers = ["2031-01-01 10:00 UTC", "5", "done", "1"]
    reply = run_dialog(STRIKE_FORM, scripted(answers), said.append, route(console_core))
    assert reply is not None and reply.ok
    assert any("future" in line and "When did the strike start" in line for line in said)


def test_cancel_and_other_commands_inside_the_dialog(console_core: Core) -> None:
    said: list[str] = []
    answers = ["/timeline", "/cancel"]
    assert run_dialog(CONTACT_FORM, scripted(answers), said.append, route(console_core)) is None
    assert any("or /cancel to leave the form first" in line for line in said) and said[-1] == CANCELLED
    with pytest.raises(EOFError):  # Ctrl-D: cancelled, and the console then leaves
        run_dialog(CONTACT_FORM, scripted([]), said.append, route(console_core))
    with console_core.db.reader() as session:
        assert session.exec(select(ContactReport)).all() == []


def test_a_line_asking_for_a_form_runs_it_and_shows_the_outcome(console_core: Core) -> None:
    out: list[str] = []

    def fill_in(reply: Reply) -> Reply | None:
        assert reply.form is CONTACT_FORM
        return run_dialog(reply.form, scripted(["1", "Trump, Putin", "1", "1", "2"]), out.append, route(console_core))

    assert answer(console_core, "/contact", "ops", out.append, on_form=fill_in) is True
    assert out[-1].startswith("Logged Contact #1")
