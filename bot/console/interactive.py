"""The console as a person at a terminal uses it: the prompt, live alerts, and the guided dialog for forms."""

from __future__ import annotations

from typing import TextIO

from bot.console.dialog import run_dialog
from bot.console.live_alerts import Handoff, LiveAlerts
from bot.console.notifier import post_due_to_console
from bot.console.paste import PasteReader
from bot.console.session import (
    BANNER,
    CHANNEL,
    CONTINUE_PROMPT,
    PROMPT,
    answer_unit,
    completions,
    language_of,
    say,
    terminal_language,
)
from bot.console.terminal import Terminal
from bot.core import Core
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.i18n import N_

INTERRUPTED = N_("Interrupted: nothing was changed.")


def run_interactive(core: Core, out: TextIO, user: str) -> int:
    """Prompt until Ctrl-D. Returns 0, or 1 when the last command failed (as when piped)."""
    last_ok = True
    with Terminal(out, words=completions(core.router.commands)) as terminal, LiveAlerts(core, terminal.show) as alerts:
        out.write(say(language_of(core, user), BANNER) + "\n")

        def show(text: str) -> None:
            out.write(text + "\n")
            out.flush()

        def route(command: str, text: str) -> Reply:
            request = ChatRequest(
                platform=Platform.CONSOLE,
                user_id=user,
                user_name=user,
                channel_id=CHANNEL,
                command=command,
                text=text,
                language=terminal_language(),  # the dialog's answers are answered as typed commands are
            )
            return core.router.handle(request)

        def fill_in(reply: Reply) -> Reply | None:
            assert reply.form is not None
            return run_dialog(reply.form, answer_line, show, route, language=reply.language)

        def answer_line(prompt: str) -> str:
            return terminal.read(prompt, remember=False)  # a dialog's answers stay out of the history

        reader = PasteReader()  # lines that are not commands: a pasted report, read when it ends
        ended = False
        while not ended:
            try:
                prompt = say(language_of(core, user), CONTINUE_PROMPT) if reader.gathering else PROMPT
                units = reader.take(terminal.read(prompt, remember=not reader.gathering))
            except EOFError:
                out.write("\n")
                units, ended = reader.finish(), True
            except KeyboardInterrupt:  # like a shell: drop the line (and a half-pasted report), prompt again
                out.write("\n")
                reader = PasteReader()
                continue
            for unit in units:
                try:
                    ok = answer_unit(core, unit, user, out.write, on_form=fill_in)
                except KeyboardInterrupt:  # the command's transaction has rolled back
                    out.write("\n" + say(language_of(core, user), INTERRUPTED) + "\n\n")
                    ok = False
                except EOFError:  # Ctrl-D inside the dialog: it was cancelled; leave
                    out.write("\n")
                    last_ok, ended = False, True
                    break
                if ok is None:
                    continue
                last_ok = ok
                out.flush()
                if not alerts.running:  # the live worker failed: still show what is due after each command
                    post_due_to_console(core, Handoff(terminal.show))
    return 0 if last_ok else 1
