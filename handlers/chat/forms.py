"""A form, declared once by the command it fills in, and the one way a filled-in form becomes that command's text.

`/contact` alone asks for a form. The handler describes it as a neutral list of fields — each named after the
argument it fills, with its label, its kind, its choices — and every platform renders that one description:
Slack as a modal, Telegram and the console as a guided dialog. Whatever a person enters comes back through
`command_text`, which writes it as the `key=value` text they could have typed. So the handler's grammar, its
cleaning rule, its validation and its error messages apply to a form exactly as to a typed command, and an error
names the argument, which each platform maps back onto the field.

A form may start filled in (`initial`: the values a draft already holds, for its Edit button) and may name the
action its submit runs (`action`: `edit 17`), so the filled-in text goes back to the draft it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from handlers.i18n import DEFAULT_LANGUAGE, N_, _, current_language

NOTES = "notes"  # the free-text field: submitted as the command's trailing words, where line breaks are kept


class FieldKind(StrEnum):
    TEXT = "text"  # one line
    MULTILINE = "multiline"  # line breaks kept (only the notes: the grammar keeps them in free text alone)
    CHOICE = "choice"  # one of `choices`
    COUNT = "count"  # a whole number, 0 or more
    MOMENT = "moment"  # a date, a time of day and a zone, joined into one value (`at="2025-07-03 14:00 Kyiv"`)
    DURATION = "duration"  # 45m, 1h30m


@dataclass(frozen=True)
class Choice:
    value: str  # what the command takes (`meeting`)
    label: str  # what a person reads (`Meeting`)


@dataclass(frozen=True)
class Field:
    """One thing to fill in. `name` is the command's argument it fills (`parties` → `parties=…`)."""

    name: str
    label: str  # short, for a form: "Parties"
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    question: str | None = None  # how a guided dialog asks for it: "Who took part?"
    hint: str | None = None  # a line of help beneath the field
    placeholder: str | None = None  # an example shown in the empty field
    max_length: int | None = None
    choices: tuple[Choice, ...] = ()
    default: str | None = None  # the choice preselected in a form

    def __post_init__(self) -> None:
        if (self.kind is FieldKind.CHOICE) != bool(self.choices):
            raise ValueError(f"field {self.name}: choices belong to, and only to, a choice field")  # i18n: internal
        if self.default is not None and self.default not in {choice.value for choice in self.choices}:
            raise ValueError(f"field {self.name}: default {self.default!r} is not one of its choices")  # i18n: internal
        if self.kind is FieldKind.MULTILINE and self.name != NOTES:
            raise ValueError(
                f"field {self.name}: only the notes keep line breaks (the grammar flattens the rest)"  # i18n: internal
            )

    @property
    def asked(self) -> str:
        return self.question or f"{self.label}?"


def notes_field(max_length: int) -> Field:
    """The free-text notes every report form ends with (line breaks kept)."""
    return Field(
        NOTES,
        N_("Notes"),
        FieldKind.MULTILINE,
        question=N_("Any notes?"),
        placeholder=N_("anything else worth keeping"),
        max_length=max_length,
    )


@dataclass(frozen=True)
class Moment:
    """A moment entered in parts (a form's date picker, time picker and zone field); blank parts are left out,
    so a date alone is read as a day with the hour unknown, and no zone means the channel's."""

    date: str = ""
    time: str = ""
    zone: str = ""

    def text(self) -> str:
        return " ".join(part.strip() for part in (self.date, self.time, self.zone) if part.strip())


Answer = str | Moment


@dataclass(frozen=True)
class Form:
    command: str  # the command a submit runs (`contact`)
    title: str  # "Log a contact"
    fields: tuple[Field, ...]
    submit_label: str = N_("Log it")
    # Values the fields start with (a draft being edited); every platform shows them and a submit keeps what is
    # left as it was. Names must be the form's fields.
    initial: Mapping[str, Answer] = field(default_factory=dict, hash=False)
    # Words a submit puts before the fields (`edit 17`): the action it runs instead of the command's default.
    action: str = ""
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {item.name: item for item in self.fields}
        if len(by_name) != len(self.fields):
            raise ValueError(f"form {self.command}: a field name is used twice")  # i18n: internal
        unknown = set(self.initial) - set(by_name)
        if unknown:
            undeclared = ", ".join(sorted(unknown))
            raise ValueError(
                f"form {self.command}: initial values for undeclared fields {undeclared}"  # i18n: internal
            )
        if self.action and not _ACTION.fullmatch(self.action):
            raise ValueError(
                f"form {self.command}: action {self.action!r} is not an action word and an id"  # i18n: internal
            )
        object.__setattr__(self, "_by_name", by_name)

    def initial_text(self, name: str) -> str:
        """The value field `name` starts with, as text (a moment's parts joined); empty when it starts blank."""
        given = self.initial.get(name)
        return given.text() if isinstance(given, Moment) else (given or "")

    def translated(self) -> Form:
        """This form in the active language: title, button, labels, questions, hints, placeholders and choices'
        labels, all declared in English with `N_`. What a submit sends back (field names, choice values) is
        unchanged, so the handler reads a Ukrainian form exactly as an English one."""
        if current_language() == DEFAULT_LANGUAGE:
            return self  # declared in it
        fields = tuple(
            replace(
                item,
                label=_(item.label),
                question=_(item.question) if item.question else None,
                hint=_(item.hint) if item.hint else None,
                placeholder=_(item.placeholder) if item.placeholder else None,
                choices=tuple(Choice(choice.value, _(choice.label)) for choice in item.choices),
            )
            for item in self.fields
        )
        return replace(self, title=_(self.title), submit_label=_(self.submit_label), fields=fields)

    def field(self, name: str) -> Field | None:
        return self._by_name.get(name)

    def command_text(self, values: Mapping[str, Answer]) -> str:
        """The filled-in fields as the command's text, each value quoted so that it is one argument whatever it
        holds: `at="2025-07-03 14:00 Kyiv" parties="Trump, Putin" "the notes"`.

        Blank values are left out (not given, as when typing); names the form does not declare are refused, so a
        forged submit can only say what a person could have typed.
        """
        unknown = set(values) - set(self._by_name)
        if unknown:
            raise ValueError(f"form {self.command} has no field {', '.join(sorted(unknown))}")  # i18n: internal
        parts: list[str] = []
        notes = ""
        for item in self.fields:
            given = values.get(item.name)
            text = given.text() if isinstance(given, Moment) else (given or "")
            if not text.strip():
                continue
            if item.name == NOTES:
                notes = text  # one quoted word: the grammar keeps its quotes, its '=' and its line breaks
            else:
                parts.append(f"{item.name}={quote(text)}")
        if notes:
            parts.append(quote(notes))
        return " ".join([self.action, *parts] if self.action else parts)


def choices(values: Iterable[str], labels: Mapping[str, str] | None = None) -> tuple[Choice, ...]:
    """`("call", "meeting")` → choices labelled `Call`, `Meeting`, or as `labels` names them (marked with `N_`,
    so `Form.translated` shows them in the reader's language)."""
    return tuple(Choice(value, (labels or {}).get(value) or value.capitalize()) for value in values)


_ACTION = re.compile(r"[a-z]+ [0-9]{1,12}")  # `edit 17`: a word and a record's id, nothing a person typed
_CLOSING = {'"': '"', "„": "“"}  # the grammar's quote pairs used here: `"` closes `"`; only `“` closes `„`


def quote(value: str) -> str:
    """`value` as one token of the argument grammar, character for character.

    The grammar has no escape character but joins adjacent quoted parts into one token, so the value is written
    as parts: those holding a `"` are quoted `„…“` (which only `“` closes), the others `"…"`. A value with both
    kinds of quote mark just takes more parts. Every character, line breaks included, reaches the grammar as
    typed; cleaning it is the grammar's job.
    """
    parts: list[tuple[str | None, list[str]]] = []  # (opening quote, or None while any would do; characters)
    for char in value:
        needs = "„" if char == '"' else '"' if char == "“" else None
        if parts and (needs is None or parts[-1][0] in (None, needs)):
            opener, chars = parts[-1]
            parts[-1] = (opener or needs, chars)
            chars.append(char)
        else:
            parts.append((needs, [char]))
    if not parts:
        return '""'
    written = []
    for opener, chars in parts:
        start = opener or '"'
        written.append(start + "".join(chars) + _CLOSING[start])
    return "".join(written)
