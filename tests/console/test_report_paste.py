"""A report pasted into the console: lines that are not commands are gathered until two empty lines, the next command
or the end of input, previewed like a forward on Telegram, and confirmed with the command its button names."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.console.chat import run_console
from bot.console.paste import Command, Pasted, PasteReader
from bot.console.session import NOT_A_COMMAND, answer
from bot.core import Core
from bot.wiring import build_core
from handlers.chat.settings import Settings
from storage.database import Database
from storage.models import StrikeDraft, StrikeReport
from tests.conftest import FrozenClock
from tests.console.test_interactive import PROMPT, Terminal
from tests.strikes.test_from_report import REPORT

PARAGRAPHS = REPORT.split("\n\n")


def read_all(lines: list[str]) -> list[Command | Pasted]:
    reader = PasteReader()
    units = [unit for line in lines for unit in reader.take(line + "\n")]
    return units + reader.finish()


def test_a_paste_keeps_its_paragraphs_and_ends_at_two_empty_lines_a_command_or_the_end() -> None:
    lines = [*PARAGRAPHS[0].splitlines(), "", *PARAGRAPHS[1].splitlines(), "#ППО #Shahed", "", "", "/timeline"]
    assert read_all(lines) == [Pasted(f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}\n#ППО #Shahed"), Command("/timeline")]
    assert read_all(["first line", "/help", "second", ""]) == [Pasted("first line"), Command("/help"), Pasted("second")]
    assert read_all(["", "# a comment", "/help", "", ""]) == [Command("/help")]  # outside a paste: skipped
    one_piece = PasteReader().take(REPORT + "\n")  # a terminal's bracketed paste: the whole text in one line
    assert one_piece == [Pasted(REPORT)]
    assert PasteReader().take("/strike\n" + REPORT + "\n") == [Command("/strike\n" + REPORT)]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    lines=st.lists(st.one_of(st.sampled_from(["", "/help", "# x", "text", "  "]), st.text(max_size=20)), max_size=30)
)
def test_every_text_line_reaches_exactly_one_paste_and_every_command_runs(lines: list[str]) -> None:
    lines = [line.replace("\n", " ").replace("\r", " ") for line in lines]
    units = read_all(lines)
    commands = [unit.line for unit in units if isinstance(unit, Command)]
    assert commands == [line for line in lines if line.strip().startswith("/")]
    pasted = "\n".join(unit.text for unit in units if isinstance(unit, Pasted))
    for line in lines:
        if line.strip() and not line.strip().startswith(("/", "#")):
            assert line.strip() in pasted
    assert all(unit.text.strip() for unit in units if isinstance(unit, Pasted))


@pytest.fixture
def console_core(
    database_url: str, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Core]:
    monkeypatch.chdir(tmp_path)
    core = build_core(Settings(database_url=database_url, admins="console:ops", tz="UTC"), clock=clock)
    yield core
    core.close()


def strikes(core: Core) -> list[StrikeReport]:
    with core.db.reader() as session:
        return list(session.exec(select(StrikeReport)))


def test_a_piped_paste_is_previewed_and_confirmed_with_the_buttons_command(console_core: Core) -> None:
    out = io.StringIO()
    piped = f"{REPORT}\n\n\n/strike confirm 1\n/strike confirm 1\n"
    assert run_console(console_core, io.StringIO(piped), out, user="ops") == 0
    shown = out.getvalue()
    assert "Strike report preview #1: not stored yet" in shown and "Night of 3–4 July 2025" in shown
    assert "[Confirm: /strike confirm 1]  [Edit: /strike edit 1]  [Cancel: /strike cancel 1]" in shown
    assert "Logged Strike #1 · 539 drones, 11 missiles" in shown and "Already logged as strike #1" in shown
    [strike] = strikes(console_core)
    assert (
        strike.source_key == "airforce:issuer:air force of ukraine:2025-07-04" and strike.reported_by == "console:ops"
    )


def test_strike_followed_by_the_report_and_a_stray_line(console_core: Core) -> None:
    said: list[str] = []
    assert answer(console_core, "/strike\n" + REPORT, "ops", said.append) is True
    assert "Strike report preview #1" in said[-1]
    out = io.StringIO()
    assert run_console(console_core, io.StringIO("hello\n"), out, user="ops") == 1  # one stray line, as before
    assert out.getvalue() == NOT_A_COMMAND + "\n\n"
    with console_core.db.reader() as session:
        assert len(session.exec(select(StrikeDraft)).all()) == 1
    assert strikes(console_core) == []


def test_edit_in_a_piped_console_shows_the_command_to_send_back(console_core: Core) -> None:
    out = io.StringIO()
    run_console(console_core, io.StringIO(f"{REPORT}\n\n\n/strike edit 1\n"), out, user="ops")
    typed = out.getvalue().split("Change what is wrong and send it back:\n")[1].splitlines()[0]
    assert typed.startswith('/strike edit 1 at="2025-07-03 18:00 Kyiv" drones="539" missiles="11"')
    out = io.StringIO()
    run_console(console_core, io.StringIO(typed.replace('drones="539"', 'drones="540"') + "\n"), out, user="ops")
    assert "Strike report preview #1 (edited)" in out.getvalue() and "540 drones, 11 missiles" in out.getvalue()


@pytest.mark.slow
def test_a_report_pasted_at_a_terminal(tmp_path: Path) -> None:
    terminal = Terminal(tmp_path)
    try:
        terminal.expect(PROMPT)
        for line in REPORT.splitlines():
            terminal.send(line + "\r")
            terminal.expect("paste> ")
        terminal.send("\r\r")
        terminal.expect("Strike report preview #1: not stored yet")
        terminal.expect("[Confirm: /strike confirm 1]")
        terminal.expect(PROMPT)
        terminal.send("/strike confirm 1\r")
        terminal.expect("Logged Strike #1 · 539 drones, 11 missiles")
        terminal.expect(PROMPT)
        assert terminal.leave() == 0
    finally:
        if terminal.process.poll() is None:
            terminal.process.kill()
            terminal.process.wait(timeout=10)
    database = Database(f"sqlite:///{tmp_path / 'cw.db'}")
    with database.reader() as session:
        [strike] = session.exec(select(StrikeReport)).all()
    database.dispose()
    assert (strike.drones, strike.missiles) == (539, 11)
    history = (tmp_path / "state" / "callwatch" / "history").read_text().splitlines()
    assert history[-1] == "/strike confirm 1" and not any("протиповітряною" in line for line in history[1:])
