"""The /contact and /strike modal forms: their Block Kit views, and a submitted form read back as command text.

A submitted form becomes the same `key=value` text a person would type, so it passes through exactly the
handler's validation and gets exactly its error messages; `field_errors` maps them back onto the form's blocks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers.chat.reply import Form

CALLBACK_PREFIX = "callwatch:"  # view callback_id: `callwatch:contact`
VALUE = "value"  # the action_id of the single element in each input block

# Form blocks that are not arguments of the command: they are joined into `at=`.
DATE, TIME, ZONE, NOTES = "at_date", "at_time", "zone", "notes"


@dataclass(frozen=True)
class Field:
    block_id: str  # also the argument name, except for the date/time/zone blocks joined into at=
    label: str
    element: dict[str, Any]
    optional: bool = True
    hint: str | None = None


def _text(placeholder: str, *, multiline: bool = False, max_length: int = 200) -> dict[str, Any]:
    return {
        "type": "plain_text_input",
        "placeholder": {"type": "plain_text", "text": placeholder},
        "multiline": multiline,
        "max_length": max_length,
    }


def _select(options: tuple[str, ...], initial: str) -> dict[str, Any]:
    choices = [{"text": {"type": "plain_text", "text": option}, "value": option} for option in options]
    return {"type": "static_select", "options": choices, "initial_option": choices[options.index(initial)]}


def _count(placeholder: str) -> dict[str, Any]:
    return {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "0",
        "placeholder": {"type": "plain_text", "text": placeholder},
    }


def _when_fields(today: date) -> list[Field]:
    return [
        Field(DATE, "Date", {"type": "datepicker", "initial_date": today.isoformat()}, optional=False),
        Field(TIME, "Time", {"type": "timepicker"}, hint="Leave empty if only the day is known."),
        Field(ZONE, "Time zone", _text("the channel's zone, e.g. UTC, Kyiv, +03:00", max_length=40)),
    ]


def contact_fields(today: date) -> list[Field]:
    return [
        *_when_fields(today),
        Field("parties", "Parties", _text("Trump, Putin"), optional=False, hint="Comma separated."),
        Field("kind", "Kind", _select(("call", "meeting", "message", "envoy"), "call"), optional=False),
        Field("confidence", "Confidence", _select(("confirmed", "reported", "unverified"), "reported"), optional=False),
        Field("source", "Source", _text("Reuters, Kremlin readout, …")),
        Field("duration", "Duration", _text("45m, 1h30m", max_length=20)),
        Field(NOTES, "Notes", _text("anything else worth keeping", multiline=True, max_length=2000)),
    ]


def strike_fields(today: date) -> list[Field]:
    return [
        *_when_fields(today),
        Field("drones", "Drones launched", _count("0")),
        Field("missiles", "Missiles launched", _count("0")),
        Field("weapons", "Per model", _text("Shahed-136:400, Iskander-M:6", max_length=500)),
        Field("region", "Region", _text("Kyiv", max_length=120)),
        Field("killed", "Killed", _count("0")),
        Field("injured", "Injured", _count("0")),
        Field("source", "Source", _text("Air Force of Ukraine, …")),
        Field(NOTES, "Notes", _text("anything else worth keeping", multiline=True, max_length=2000)),
    ]


FIELDS = {Form.CONTACT: contact_fields, Form.STRIKE: strike_fields}
TITLES = {Form.CONTACT: "Log a contact", Form.STRIKE: "Log a strike"}


def view(form: Form, channel_id: str, today: date) -> dict[str, Any]:
    """The modal opened by `/contact` or `/strike` with no arguments; remembers the channel it came from."""
    blocks = []
    for field in FIELDS[form](today):
        block: dict[str, Any] = {
            "type": "input",
            "block_id": field.block_id,
            "label": {"type": "plain_text", "text": field.label},
            "element": {**field.element, "action_id": VALUE},
            "optional": field.optional,
        }
        if field.hint:
            block["hint"] = {"type": "plain_text", "text": field.hint}
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": f"{CALLBACK_PREFIX}{form}",
        "title": {"type": "plain_text", "text": TITLES[form]},
        "submit": {"type": "plain_text", "text": "Log it"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"channel_id": channel_id}),
        "blocks": blocks,
    }


def form_of(view_payload: dict[str, Any]) -> Form:
    return Form(view_payload["callback_id"].removeprefix(CALLBACK_PREFIX))


def channel_of(view_payload: dict[str, Any]) -> str:
    try:
        return str(json.loads(view_payload.get("private_metadata") or "{}").get("channel_id", ""))
    except json.JSONDecodeError:
        return ""


def submitted_text(view_payload: dict[str, Any]) -> str:
    """The form's values as the command text a person would type: `at="2025-07-03 14:00 Kyiv" parties="…" …`."""
    values = {block_id: _value(actions.get(VALUE, {})) for block_id, actions in view_payload["state"]["values"].items()}
    parts: list[str] = []
    when = " ".join(part for part in (values.pop(DATE, ""), values.pop(TIME, ""), values.pop(ZONE, "")) if part)
    if when:
        parts.append(f"at={quote(when)}")
    notes = values.pop(NOTES, "")
    parts += [f"{name}={quote(value)}" for name, value in values.items() if value]
    if notes:
        parts.append(quote(notes))  # one quoted token keeps the notes' own quotes and line breaks
    return " ".join(parts)


def field_errors(form: Form, errors: dict[str, str], today: date) -> dict[str, str]:
    """The handler's argument errors keyed by our block ids (`at` shows on the date picker).

    An argument the form has no block for (only possible through the notes) is shown on the notes.
    """
    blocks = {field.block_id for field in FIELDS[form](today)}
    keyed: dict[str, str] = {}
    for name, message in errors.items():
        block = DATE if name == "at" else name if name in blocks else NOTES
        keyed.setdefault(block, message[:150])  # Slack shows at most 150 characters under a field
    return keyed


def _value(action: dict[str, Any]) -> str:
    kind = action.get("type")
    if kind == "datepicker":
        return action.get("selected_date") or ""
    if kind == "timepicker":
        return action.get("selected_time") or ""
    if kind == "static_select":
        return ((action.get("selected_option") or {}).get("value")) or ""
    return (action.get("value") or "").strip()


def quote(value: str) -> str:
    """Quote a value for our argument grammar with a quote pair the value does not contain."""
    if '"' not in value:
        return f'"{value}"'
    if "“" not in value:
        return f"„{value}“"  # opens with „, closes only on “, so straight quotes inside survive
    return '"' + value.replace('"', "”") + '"'
