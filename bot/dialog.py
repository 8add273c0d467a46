"""The guided dialog: a form asked one question at a time, the same on Telegram and in the console.

It is derived from the handler's form and only collects answers: choices become buttons, a moment offers
"Now / 1 hour ago / Type a time", an optional field offers Skip (and, once everything required is answered, Done),
a count is checked to be a number before it is accepted. A form that starts filled in (Edit on a draft) starts
with those answers: each question shows its answer so far and offers Keep (and Clear instead of Skip). At the end
the answers go through the form's one submit function (`Form.command_text`), so the handler judges them exactly as
if they had been typed; an answer it rejects sends the person back to that one question with the handler's own
complaint (`Dialog.rejected`).

This module knows no platform: it takes a button's value or a typed text and says what to show next. Each adapter
draws the buttons its own way (Telegram inline keyboards, numbered options in the console).

A dialog speaks the language of the reply that opened it (`Dialog.language`, the form already translated by its
handler): its own words — the intro, "Now / 1 hour ago / Type a time", Skip, Done, its complaints — are looked up
in that language whichever request the adapter is handling when it asks, so a person answered in Ukrainian keeps
getting Ukrainian questions to the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from handlers.chat.forms import Field, FieldKind, Form
from handlers.i18n import DEFAULT_LANGUAGE, N_, _, activate, ngettext
from handlers.text import arguments

TYPE_IT = "\x00type"  # the "Type a time" button: the next text answers the question
SKIP = "\x00skip"
DONE = "\x00done"  # leave the remaining optional questions unanswered and submit
KEEP = "\x00keep"  # a form that starts filled in (an Edit): keep this answer as it is
SHOWN = 200  # characters of a current answer repeated in its question

NOW, HOUR_AGO = "now", "1h ago"
_BLANKS = " \t\r\n"
TYPE_TIME_PROMPT = N_("Type the time, e.g. 2025-07-03 14:00 Kyiv, today 09:30 or 3h ago.")
# The dialog's own buttons, in English as declared; shown through `_` in the dialog's language.
KEEP_LABEL, CLEAR_LABEL, SKIP_LABEL, DONE_LABEL = N_("Keep"), N_("Clear"), N_("Skip"), N_("Done")
NOW_LABEL, HOUR_AGO_LABEL, TYPE_IT_LABEL = N_("Now"), N_("1 hour ago"), N_("Type a time")


@dataclass(frozen=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True)
class Question:
    """What to show: the text, and the buttons (or numbered options) that answer it."""

    field: Field
    text: str
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Ask:
    """Show `question`; `said` first acknowledges the answer just taken ("Kind: Meeting")."""

    question: Question
    said: str | None = None


@dataclass(frozen=True)
class Submit:
    """Every question is answered: run the form's command with this text."""

    command: str
    text: str


Outcome = Ask | Submit


@dataclass
class Dialog:
    """One person filling in one form; kept by the adapter between messages."""

    form: Form
    language: str = DEFAULT_LANGUAGE  # the opening reply's: the dialog's own words are in it
    answers: dict[str, str] = field(default_factory=dict)
    index: int = 0
    typing: bool = False  # after "Type a time": the next text answers the current question
    revisiting: bool = False  # re-asking one rejected answer: the others stand, so submit right after it

    def __post_init__(self) -> None:
        """A form that starts filled in starts with those answers: each question offers Keep."""
        for item in self.form.fields:
            value = self.form.initial_text(item.name)
            if value.strip() and item.name not in self.answers:
                self.answers[item.name] = value

    @property
    def current(self) -> Field:
        return self.form.fields[self.index]

    @property
    def intro(self) -> str:
        count = len(self.form.fields)
        with activate(self.language):
            if self.form.initial:
                return ngettext(
                    "{title}: {n} question, with its answer so far: Keep it, or give a new one (Done sends it). "
                    "/cancel stops; nothing changes before the end.",
                    "{title}: {n} questions, each with its answer so far: Keep it, or give a new one (Done sends "
                    "them). /cancel stops; nothing changes before the end.",
                    count,
                ).format(title=self.form.title, n=count)
            return ngettext(
                "{title}: {n} question. /cancel stops; nothing is stored before the end.",
                "{title}: {n} questions. /cancel stops; nothing is stored before the end.",
                count,
            ).format(title=self.form.title, n=count)

    def question(self, problem: str | None = None) -> Question:
        """The current question, with the reason it is asked again when there is one."""
        with activate(self.language):
            item = self.current
            lines = [problem] if problem else []
            if self.typing:
                return Question(item, "\n".join([*lines, _(TYPE_TIME_PROMPT)]))
            lines.append(f"({self.index + 1}/{len(self.form.fields)}) {item.asked}")
            if item.hint:
                lines.append(item.hint)
            so_far = self._kept(item)
            if so_far:
                shown = so_far if len(so_far) <= SHOWN else so_far[: SHOWN - 1] + "…"
                lines.append(_("Now: {answer}").format(answer=shown))
            return Question(item, "\n".join(lines), self._options(item))

    def start(self) -> Ask:
        return Ask(self.question())

    def choose(self, name: str, value: str) -> Outcome | None:
        """A button pressed for question `name`; None when that question is not the one being asked (an old
        message's button) or the value is not one of its options."""
        if name != self.current.name or self.typing:
            return None
        with activate(self.language):
            option = next((option for option in self._options(self.current) if option.value == value), None)
            if option is None:
                return None
            return self._take(option)

    def type(self, text: str) -> Outcome:
        """A typed answer. Typing an option's label chooses it (the console has no buttons to press)."""
        with activate(self.language):
            item = self.current
            text = text.strip(_BLANKS)  # only blanks: a control character must reach the grammar, which refuses it
            if not self.typing:
                option = next((o for o in self._options(item) if o.label.casefold() == text.casefold()), None)
                if option is not None:
                    return self._take(option)
            if not text:
                return Ask(self.question(_("Please answer, or /cancel to stop.")))
            problem = self._problem(item, text)
            if problem:
                return Ask(self.question(problem))
            return self._record(text, said=None)

    def rejected(self, errors: Mapping[str, str], message: str) -> Ask | None:
        """The handler refused the submitted answers. If it named a field of this form, ask that question again
        with its complaint (the other answers stand); None when no answer can fix it (the caller's role, say)."""
        names = [item.name for item in self.form.fields]
        name = next((name for name in errors if name in names), None)
        if name is None:
            return None
        self.index, self.revisiting, self.typing = names.index(name), True, False
        return Ask(self.question(errors[name].split("\n", 1)[0] or message.split("\n", 1)[0]))

    def command_text(self) -> str:
        return self.form.command_text(self.answers)

    # --- internals ------------------------------------------------------------------------------------------
    def _options(self, item: Field) -> tuple[Option, ...]:
        """The buttons for `item`, labelled in the active language (the public methods make the dialog's active)."""
        kept = (Option(_(KEEP_LABEL), KEEP),) if self._kept(item) else ()
        if item.kind is FieldKind.CHOICE:
            options = tuple(Option(choice.label, choice.value) for choice in item.choices)
        elif item.kind is FieldKind.MOMENT:
            options = (
                *kept,
                Option(_(NOW_LABEL), NOW),
                Option(_(HOUR_AGO_LABEL), HOUR_AGO),
                Option(_(TYPE_IT_LABEL), TYPE_IT),
            )
        else:
            options = kept
        if not item.required:
            options += (Option(_(CLEAR_LABEL) if kept else _(SKIP_LABEL), SKIP),)
            if self._required_answered() and not self.revisiting and self.index + 1 < len(self.form.fields):
                options += (Option(_(DONE_LABEL), DONE),)
        return options

    def _kept(self, item: Field) -> str | None:
        """The answer so far that Keep would keep: none for an answer being asked again (it was refused)."""
        return None if self.revisiting else self.answers.get(item.name)

    def _required_answered(self) -> bool:
        return all(item.name in self.answers for item in self.form.fields if item.required)

    def _take(self, option: Option) -> Outcome:
        if option.value == TYPE_IT:
            self.typing = True
            return Ask(self.question())
        if option.value == DONE:
            return self._submit()
        if option.value == KEEP:
            kept = _("{field}: kept").format(field=self.current.label)
            return self._record(self.answers.get(self.current.name, ""), said=kept)
        said = f"{self.current.label}: {option.label}"
        return self._record("" if option.value == SKIP else option.value, said=said)

    def _problem(self, item: Field, text: str) -> str | None:
        """What can be told at once; everything else is the handler's to judge when the form is submitted."""
        if item.kind is FieldKind.CHOICE:
            labels = ", ".join(choice.label for choice in item.choices)
            return _("Please choose one of: {choices}.").format(choices=labels)
        if item.kind is FieldKind.COUNT:
            try:
                arguments.count(text)
            except ValueError as error:
                return _("That is not a count: {problem}.").format(problem=error)
        if item.max_length is not None and len(text) > item.max_length:
            return ngettext(
                "That is {n} character; the limit is {limit}.",
                "That is {n} characters; the limit is {limit}.",
                len(text),
            ).format(n=len(text), limit=item.max_length)
        return None

    def _record(self, value: str, *, said: str | None) -> Outcome:
        self.typing = False
        if value:
            self.answers[self.current.name] = value
        else:
            self.answers.pop(self.current.name, None)
        if self.revisiting or self.index + 1 >= len(self.form.fields):
            return self._submit()
        self.index += 1
        return Ask(self.question(), said=said)

    def _submit(self) -> Submit:
        self.revisiting = False
        return Submit(self.form.command, self.command_text())
