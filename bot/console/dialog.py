"""The guided dialog in the console: a bare `/contact` asks the form's questions one by one, as on Telegram.

The questions come from `bot.dialog`; here buttons become numbered options (type the number, or the option's
name), and the finished answers are routed as the command's text. `/cancel` or Ctrl-C leaves; nothing is stored
before the last answer. Its words are in the language of the reply that opened the form, as the questions are.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.dialog import Ask, Dialog, Question
from handlers.chat.forms import FieldKind, Form
from handlers.chat.reply import Reply
from handlers.i18n import DEFAULT_LANGUAGE, N_, _, activate

CANCEL = "/cancel"
CANCELLED = N_("Cancelled. Nothing was stored.")

ReadLine = Callable[[str], str]  # prompt → line; raises EOFError / KeyboardInterrupt like input()
Route = Callable[[str, str], Reply]  # (command, text) → the handler's reply


def render_question(question: Question) -> str:
    """The question, then its options: numbered, or — where a number is the answer itself — by name."""
    lines = [question.text]
    if question.options and _numbers_choose(question):
        numbered = (f"{number}) {option.label}" for number, option in enumerate(question.options, 1))
        lines.append("  " + "   ".join(numbered))
    elif question.options:
        lines.append("  " + _("or type: {options}").format(options=" · ".join(o.label for o in question.options)))
    return "\n".join(lines)


def _numbers_choose(question: Question) -> bool:
    return question.field.kind is not FieldKind.COUNT


def run_dialog(
    form: Form, read: ReadLine, say: Callable[[str], None], route: Route, *, language: str = DEFAULT_LANGUAGE
) -> Reply | None:
    """Ask until the handler accepts the answers; its final reply, or None when the person cancelled.
    `language`: the opening reply's, which the dialog's own words are in."""
    dialog = Dialog(form, language=language)
    ask: Ask = dialog.start()
    say(dialog.intro)
    prompt = f"{form.command}> "

    def cancelled() -> None:
        with activate(language):
            say(_(CANCELLED))

    while True:
        if ask.said:
            say(ask.said)
        with activate(language):
            say(render_question(ask.question))
        try:
            line = read(prompt)
        except KeyboardInterrupt:
            cancelled()
            return None
        except EOFError:
            cancelled()
            raise
        if line.strip().lower() == CANCEL:
            cancelled()
            return None
        if line.strip().startswith("/"):
            with activate(language):
                first = _("Answer the question, or {cancel} to leave the form first.").format(cancel=CANCEL)
            ask = Ask(dialog.question(first))
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
