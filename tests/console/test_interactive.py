"""The console as a person types at it, in a real pseudo-terminal: the installed `callwatch console` with readline.

The Up arrow recalls the last command (across sessions too), a due alert appears while a line is half typed and the
line survives it, and `/contact` alone walks the guided dialog and stores the contact.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select as select_rows

from storage.database import Database
from storage.models import ContactReport
from tests.console.test_process import callwatch

pytestmark = pytest.mark.slow

UP = "\x1b[A"
CTRL_D = "\x04"
PROMPT = "callwatch> "


class Terminal:
    """`callwatch console` on the far side of a pty; `expect` waits for text to appear on its screen."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.screen = ""
        self._seen = 0
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))  # wide: no line wrapping
        self.master = master
        self.process = subprocess.Popen(
            [*callwatch(), "console"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=tmp_path,
            env=console_env(tmp_path),
            start_new_session=True,  # its own controlling terminal: the pty
        )
        os.close(slave)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def expect(self, text: str, *, within: float = 30.0) -> str:
        """Wait until `text` appears after what was already matched; return the screen output up to it."""
        deadline = time.monotonic() + within
        while True:
            found = self.screen.find(text, self._seen)
            if found >= 0:
                self._seen = found + len(text)
                return self.screen[:found]
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{text!r} never appeared; the screen shows:\n{self.screen[-2000:]}"
            self._read(min(remaining, 0.5))

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                self.screen += os.read(self.master, 65536).decode(errors="replace")
            except OSError:  # the process has gone and closed its side
                time.sleep(0.05)

    def leave(self) -> int:
        """Ctrl-D at the prompt (sent before one is drawn, the terminal would still be in cooked mode)."""
        self.send(CTRL_D)
        code = self.process.wait(timeout=30)
        self._read(0.2)
        os.close(self.master)
        return code


def console_env(tmp_path: Path) -> dict[str, str]:
    ours = ("SLACK_", "TELEGRAM_", "CALLWATCH_")
    keep = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    return keep | {
        "CALLWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'cw.db'}",
        "HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "TERM": "xterm",
        "INPUTRC": "/dev/null",  # the user's own readline settings must not change the keys
    }


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    console = Terminal(tmp_path)
    console.expect(PROMPT)
    yield console
    if console.process.poll() is None:
        console.process.kill()
        console.process.wait(timeout=10)


def test_up_arrow_recalls_the_last_command_and_history_is_kept(terminal: Terminal, tmp_path: Path) -> None:
    terminal.send("/help\r")
    terminal.expect("Type /help COMMAND for its usage.")
    terminal.expect(PROMPT)
    terminal.send(UP)
    terminal.expect("/help")  # recalled on the prompt line, not `^[[A`
    terminal.send("\r")
    terminal.expect("Type /help COMMAND for its usage.")
    terminal.expect(PROMPT)
    assert "^[[A" not in terminal.screen and "\x1b[A" not in terminal.screen
    assert terminal.leave() == 0
    history = tmp_path / "state" / "callwatch" / "history"
    assert history.read_text().splitlines() == ["/help"]  # once: a repeated line is not stored twice
    assert history.stat().st_mode & 0o777 == 0o600  # what was reported is its owner's business

    again = Terminal(tmp_path)  # a new session remembers it
    again.expect(PROMPT)
    again.send(UP + "\r")
    again.expect("Type /help COMMAND for its usage.")
    again.expect(PROMPT)
    assert again.leave() == 0


def test_a_due_alert_appears_while_a_line_is_being_typed(terminal: Terminal) -> None:
    terminal.send("/alerts subscribe offsets=0h,3s,1m\r")
    terminal.expect("receives readiness alerts")
    terminal.send("/contact at=now parties=Trump,Putin\r")
    terminal.expect("Logged Contact #1")
    terminal.expect("[alert to console]")  # the alert itself, at once
    terminal.expect(PROMPT)
    terminal.send("/timel")  # no Enter: the reminder falls due while this waits
    terminal.expect("[alert to console]")
    terminal.expect(PROMPT + "/timel")  # drawn again below the reminder, the typed text intact
    terminal.send("ine\r")  # finishing the line after the interruption
    terminal.expect("CONTACT #1")  # …runs the whole command as typed: the timeline
    terminal.expect(PROMPT)
    assert terminal.leave() == 0


def test_contact_alone_walks_the_dialog_and_stores_the_contact(terminal: Terminal, tmp_path: Path) -> None:
    terminal.send("/contact\r")
    terminal.expect("(1/7) When did it happen?")
    terminal.expect("3) Type a time")
    for answer, next_question in [
        ("3", "Type the time"),
        ("2025-07-03 14:00 UTC", "(2/7) Who took part?"),
        ("Trump, Putin", "(3/7) What kind of contact?"),
        ("2", "(4/7) How sure is the report?"),
        ("confirmed", "(5/7) Source?"),
        ('Reuters "live"', "(6/7) How long did it last?"),
    ]:
        terminal.expect("contact> ")
        terminal.send(answer + "\r")
        terminal.expect(next_question)
    terminal.expect("2) Done")
    terminal.send("2\r")
    terminal.expect("Logged Contact #1 · meeting · Trump, Putin")
    terminal.expect(PROMPT)
    assert terminal.leave() == 0
    database = Database(f"sqlite:///{tmp_path / 'cw.db'}")
    with database.reader() as session:
        [contact] = session.exec(select_rows(ContactReport)).all()
    database.dispose()
    assert (contact.kind, contact.confidence, contact.source) == ("meeting", "confirmed", 'Reuters "live"')
    assert contact.occurred_at.isoformat() == "2025-07-03T14:00:00+00:00"
    history = (tmp_path / "state" / "callwatch" / "history").read_text().splitlines()
    assert history == ["/contact"]  # the answers are not commands: Up never brings back "Trump, Putin"
