"""The console adapter: a chat on standard input and output, no tokens needed.

Piped (`printf '/contact …\\n/timeline\\n' | callwatch console`): one command per line, the reply printed after it,
alerts that are due printed after each command, exit code 1 when the last command failed — for scripts.

Typed at a terminal: a prompt with line editing, history across sessions and Tab completion (`terminal.py`);
alerts printed as they fall due, above the prompt, while a line is being typed (`live_alerts.py`); and a bare
`/contact` or `/strike` walks through the same guided dialog as Telegram (`dialog.py`).

Both ways, lines that are not commands are a pasted Air Force report (`paste.py`: it ends at two empty lines, the
next command or the end of input) and get the same preview as on Telegram and Slack; a reply's buttons are shown
as the commands they run (`/strike confirm 17`), which is how they are pressed here.

The console user is admin of a local SQLite database. Charts are written to `charts/`, each under its own name.

It speaks the language the router answers this user in: their `/lang` choice, else the terminal's locale
(`LANG=uk_UA.UTF-8` → Ukrainian), for its own words (the banner, "Commands start with /", "Error:") as for replies.
"""

from __future__ import annotations

import getpass
import sys
import threading
from typing import TextIO

from bot.console.notifier import post_due_to_console
from bot.console.paste import PasteReader
from bot.console.session import CONTINUE_PROMPT, PROMPT, answer_unit, language_of, say
from bot.core import Core


def run_console(core: Core, stdin: TextIO, stdout: TextIO, *, user: str | None = None) -> int:
    """Answer each line until end of input. Returns 0, or 1 when the last command failed (for scripts)."""
    user = user or getpass.getuser()
    if _interactive(stdin, stdout):
        from bot.console.interactive import run_interactive

        return run_interactive(core, stdout, user)
    return run_piped(core, stdin, stdout, user)


def run_piped(core: Core, stdin: TextIO, stdout: TextIO, user: str) -> int:
    """Line by line; a prompt only when a person types without a full terminal (stdout redirected, say)."""
    prompt = stdin.isatty()
    continuing = say(language_of(core, user), CONTINUE_PROMPT) if prompt else ""
    last_ok = True
    reader = PasteReader()
    while True:
        if prompt:
            stdout.write(continuing if reader.gathering else PROMPT)
            stdout.flush()
        line = stdin.readline()
        for unit in reader.take(line) if line else reader.finish():
            ok = answer_unit(core, unit, user, stdout.write)
            if ok is None:
                continue
            last_ok = ok
            stdout.flush()  # the confirmation is printed only after the report is committed
            post_due_to_console(core, stdout)  # a subscribed console sees its alerts right after the command
        if not line:
            break
    return 0 if last_ok else 1


def _interactive(stdin: TextIO, stdout: TextIO) -> bool:
    """A person at a terminal, on the main thread (readline and signals need both)."""
    try:
        terminal = stdin is sys.stdin and stdout is sys.stdout and stdin.isatty() and stdout.isatty()
    except ValueError:  # a closed stream
        return False
    return terminal and threading.current_thread() is threading.main_thread()
