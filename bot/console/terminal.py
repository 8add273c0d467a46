"""The console's prompt on a terminal: line editing and history (GNU readline), Tab completion of commands, and
messages printed above the prompt while a line is being typed.

Only for an interactive terminal; piped input never comes here. History lives in `$XDG_STATE_HOME/callwatch/
history` when that is set, else `~/.callwatch_history`, readable by its owner only (it holds what was reported).

Printing above the prompt: readline owns the line being typed, so nothing may write into it from another thread.
Messages from other threads (`show`) are queued, and the main thread is woken with a signal while it waits in
readline: Python runs signal handlers in the main thread, and readline's wait loop runs them as they arrive
without giving up the line. The handler clears the prompt line, prints the messages, and asks readline to draw
the prompt and the half-typed line again (`rl_forced_update_display`), cursor where it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import TextIO

HISTORY_LENGTH = 1000
WAKE = signal.SIGUSR1
RESEND_SECONDS = 0.25  # a signal that lands while readline handles a key is only seen at the next one: resend
CLEAR_LINE = "\r\x1b[2K"  # to column 0, erase the line (the prompt and what is typed; readline keeps the text)


def history_path(environ: dict[str, str] | os._Environ[str] = os.environ) -> Path:
    state = environ.get("XDG_STATE_HOME")
    if state:
        return Path(state) / "callwatch" / "history"
    return Path(environ.get("HOME") or Path.home()) / ".callwatch_history"


class Terminal:
    """The prompt. `read` returns a line (raises EOFError at Ctrl-D); `show` may be called from any thread."""

    def __init__(self, out: TextIO, *, words: Callable[[str], Iterable[str]] = lambda _line: ()) -> None:
        import readline  # only on a terminal: importing it changes how input() behaves

        self.readline = readline
        self.out = out
        self.words = words  # the completions for what is typed so far
        self.history = history_path()
        self._pending: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._waiting = threading.Event()  # the main thread is inside readline, the prompt drawn
        self._kick = threading.Event()  # something was queued: the waker should wake the main thread
        self._closed = threading.Event()
        self._main = threading.main_thread().ident
        self._redisplay = _redisplay(readline)
        self._previous_handler: object = None
        self._prompt = ""
        self._waker = threading.Thread(target=self._wake_loop, name="console-waker", daemon=True)

    # --- lifecycle ------------------------------------------------------------------------------------------
    def __enter__(self) -> Terminal:
        readline = self.readline
        readline.set_auto_history(False)  # we add commands ourselves: no duplicates, no dialog answers
        readline.set_history_length(HISTORY_LENGTH)
        with contextlib.suppress(OSError):
            readline.read_history_file(self.history)
        readline.set_completer_delims(" \t\n")
        readline.set_completer(self._complete)
        readline.parse_and_bind("tab: complete")
        readline.set_pre_input_hook(self._prompt_drawn)
        self._previous_handler = signal.signal(WAKE, self._woken)
        self._waker.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._waiting.clear()
        self._closed.set()
        self._kick.set()
        self._waker.join(timeout=2)
        signal.signal(WAKE, self._previous_handler)  # type: ignore[arg-type]
        self.readline.set_pre_input_hook(None)
        self.readline.set_completer(None)
        self.flush()
        self.save_history()

    def save_history(self) -> None:
        try:
            self.history.parent.mkdir(parents=True, exist_ok=True)
            self.readline.write_history_file(self.history)
            self.history.chmod(0o600)
        except OSError:
            pass  # a read-only home must not stop the console

    # --- reading --------------------------------------------------------------------------------------------
    def read(self, prompt: str, *, remember: bool = True) -> str:
        """One line, edited with readline. `remember=False` keeps it out of the history (a dialog's answers)."""
        self.flush()
        self._prompt = prompt
        try:
            line = input(prompt)
        finally:
            self._waiting.clear()
        if remember and line.strip() and self._last_history() != line:
            self.readline.add_history(line)
        return line

    def _last_history(self) -> str | None:
        length = self.readline.get_current_history_length()
        return self.readline.get_history_item(length) if length else None

    def _complete(self, text: str, state: int) -> str | None:
        line = self.readline.get_line_buffer()[: self.readline.get_endidx()]
        matches = [word for word in self.words(line) if word.startswith(text)]
        return matches[state] + " " if state < len(matches) else None

    # --- messages from other threads ------------------------------------------------------------------------
    def show(self, text: str) -> None:
        """Print `text` as soon as possible: above the prompt if one is waiting, else before the next."""
        self._pending.put(text)
        self._kick.set()

    def _wake_loop(self) -> None:
        """Signal the main thread while messages wait and it sits at the prompt (until it has printed them)."""
        while not self._closed.is_set():
            self._kick.wait()
            self._kick.clear()
            while not self._pending.empty() and not self._closed.is_set():
                if self._waiting.is_set() and self._main is not None:
                    signal.pthread_kill(self._main, WAKE)
                if self._closed.wait(RESEND_SECONDS):
                    return

    def flush(self) -> None:
        """Print what is queued (the main thread, between a reply and the next prompt)."""
        for text in self._drain():
            self.out.write(text)
        self.out.flush()

    def _prompt_drawn(self) -> None:
        self._waiting.set()
        self._print_above()  # what arrived between the last reply and this prompt

    def _woken(self, _signum: int, _frame: FrameType | None) -> None:
        if self._waiting.is_set():
            self._print_above()

    def _print_above(self) -> None:
        texts = self._drain()
        if not texts:
            return
        self.out.write(CLEAR_LINE + "".join(texts))
        self.out.flush()
        if self._redisplay is not None:
            self._redisplay()
        else:  # no readline symbols to call: redraw by hand (the cursor ends up after the text)
            self.out.write(self._prompt + self.readline.get_line_buffer())
            self.out.flush()

    def _drain(self) -> list[str]:
        texts = []
        with contextlib.suppress(queue.Empty):
            while True:
                texts.append(self._pending.get_nowait())
        return texts


def _redisplay(readline: object) -> Callable[[], None] | None:
    """GNU readline's `rl_forced_update_display`, which Python's module does not expose: it draws the prompt and
    the line being typed on the (fresh) current line and puts the cursor back where it was. None with libedit."""
    try:
        library = ctypes.CDLL(readline.__file__)  # type: ignore[attr-defined]
        forced = library.rl_forced_update_display
    except (OSError, AttributeError):
        return None
    forced.restype = ctypes.c_int
    forced.argtypes = []

    def redisplay() -> None:
        forced()

    return redisplay
