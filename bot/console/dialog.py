"""The guided dialog in the console: a bare `/contact` asks the form's questions one by one, as on Telegram.

The questions come from `bot.dialog`; here buttons become numbered options (type the number, or the option's
name), and the finished answers are routed as the command's text. `/cancel` or Ctrl-C leaves; nothing is stored
before the last answer.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.dialog import Ask, Dialog, Question
from handlers.chat.forms import FieldKind, Form
from handlers.chat.reply import Reply

CANCEL = "/cancel"
CANCELLED = "Cancelled. Nothing was stored."

ReadLine = Callable[[str], str]  # prompt → line; raises EOFError / KeyboardInterrupt like input()
Route = Callable[[str, str], Reply]  # (command, text) → the handler's reply


def render_question(question: Question) -> str:
    """The question, then its options: numbered, or — where a number is the answer itself — by name."""
    lines = [question.text]
    if question.options and _numbers_choose(question):
        numbered = (f"{number}) {option.label}" for number, option in enumerate(question.options, 1))
        lines.append("  " + "   ".join(numbered))
    elif question.options:
        lines.append("  or type: " + " · ".join(option.label for option in question.options))
    return "\n".join(lines)


def _numbers_choose(question: Question) -> bool:
    return question.field.kind is not FieldKind.COUNT


def run_dialog(form: Form, read: ReadLine, say: Callable[[str], None], route: Route) -> Reply | None:
    """Ask until the handler accepts the answers; its final reply, or None when the person cancelled."""
    dialog = Dialog(form)
    ask: Ask = dialog.start()
    say(dialog.intro)
    prompt = f"{form.command}> "
    while True:
        if ask.said:
            say(ask.said)
        say(render_question(ask.question))
        try:
            line = read(prompt)
        except KeyboardInterrupt:
            say(CANCELLED)
            return None
        except EOFError:
            say(CANCELLED)
            raise
        if line.strip().lower() == CANCEL:
            say(CANCELLED)
            return None
        if line.strip().startswith("/"):
            ask = Ask(dialog.question(f"Answer the question, or {CANCEL} to leave the form first."))
            continue
        option = _numbered(ask.question, line)
        outcome = dialog.choose(ask.question.field.name, option) if option is not None else dialog.type(line)
        if outcome is None:  # cannot happen for an option of the question shown; ask again rather than fail
            ask = dialog.start()
            continue
        if isinstance(outcome, Ask):
            ask = outcome
            continue
        reply = route(outcome.command, outcome.text)
        again = None if reply.ok else dialog.rejected(reply.errors, reply.text)
        if again is None:
            return reply
        ask = again


def _numbered(question: Question, line: str) -> str | None:
    """`2` → the second option's value, when the question has options and the number is one of them."""
    text = line.strip()
    if not _numbers_choose(question):
        return None
    if question.options and text.isdigit() and 1 <= int(text) <= len(question.options):
        return question.options[int(text) - 1].value
    return None
