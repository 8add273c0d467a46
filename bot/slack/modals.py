"""A handler's form as a Slack modal: its Block Kit view, the submitted values read back, errors mapped onto blocks.

The form is declared once by the handler (`handlers/chat/forms.py`); this module only draws it. Each field is an
input block whose `block_id` is the field's name, except a moment, which is three blocks (`at_date`, `at_time`,
`at_zone`) joined back into `at=`. A submit goes through the form's own `command_text`, so the handler validates
it as typed text and its errors, keyed by argument, come back here to be shown under their fields.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from handlers.chat.forms import NOTES, Answer, Field, FieldKind, Form, Moment

CALLBACK_PREFIX = "callwatch:"  # view callback_id: `callwatch:contact`
VALUE = "value"  # the action_id of the single element in each input block
DATE, TIME, ZONE = "_date", "_time", "_zone"  # a moment's three blocks: `at_date`, `at_time`, `at_zone`
TITLE_LIMIT = 24  # Slack's limit for a modal's title, submit and close texts
PLACEHOLDER_LIMIT = 150
ERROR_LIMIT = 150  # Slack shows at most this much under a field

Block = dict[str, Any]


def view(form: Form, channel_id: str, today: date) -> dict[str, Any]:
    """The modal for `form`, remembering the channel it was opened from; the date picker starts at `today`."""
    blocks = [block for item in form.fields for block in _blocks(item, today)]
    return {
        "type": "modal",
        "callback_id": f"{CALLBACK_PREFIX}{form.command}",
        "title": _plain(form.title[:TITLE_LIMIT]),
        "submit": _plain(form.submit_label[:TITLE_LIMIT]),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({"channel_id": channel_id}),
        "blocks": blocks,
    }


def command_of(view_payload: dict[str, Any]) -> str:
    """The command whose form was submitted (`callwatch:contact` → `contact`)."""
    return str(view_payload.get("callback_id", "")).removeprefix(CALLBACK_PREFIX)


def channel_of(view_payload: dict[str, Any]) -> str:
    try:
        return str(json.loads(view_payload.get("private_metadata") or "{}").get("channel_id", ""))
    except (json.JSONDecodeError, AttributeError):
        return ""


def submitted_values(form: Form, view_payload: dict[str, Any]) -> dict[str, Answer]:
    """The submitted view's values by field name; blocks the form does not declare are ignored."""
    state = (view_payload.get("state") or {}).get("values") or {}

    def read(block_id: str) -> str:
        return _value((state.get(block_id) or {}).get(VALUE) or {})

    values: dict[str, Answer] = {}
    for item in form.fields:
        if item.kind is FieldKind.MOMENT:
            values[item.name] = Moment(read(item.name + DATE), read(item.name + TIME), read(item.name + ZONE))
        else:
            values[item.name] = read(item.name)
    return values


def submitted_text(form: Form, view_payload: dict[str, Any]) -> str:
    """The submitted view as the command text a person would type (through the form's one submit function)."""
    return form.command_text(submitted_values(form, view_payload))


def field_errors(form: Form, errors: dict[str, str]) -> dict[str, str]:
    """The handler's argument errors keyed by our block ids (a moment's on its date picker).

    An argument the form has no field for (only possible through the notes) is shown on the notes, else on the
    first block, so no error is lost.
    """
    keyed: dict[str, str] = {}
    for name, message in errors.items():
        item = form.field(name) or form.field(NOTES) or form.fields[0]
        block = item.name + DATE if item.kind is FieldKind.MOMENT else item.name
        keyed.setdefault(block, message[:ERROR_LIMIT])
    return keyed


# --- drawing ------------------------------------------------------------------------------------------------
def _blocks(item: Field, today: date) -> list[Block]:
    if item.kind is FieldKind.MOMENT:
        return [
            _input(item.name + DATE, item.label, {"type": "datepicker", "initial_date": today.isoformat()}, item),
            _input(
                item.name + TIME,
                "Time",
                {"type": "timepicker"},
                optional=True,
                hint="Leave empty if only the day is known.",
            ),
            _input(
                item.name + ZONE,
                "Time zone",
                _text_element("the channel's zone, e.g. UTC, Kyiv, +03:00", max_length=40),
                optional=True,
            ),
        ]
    return [_input(item.name, item.label, _element(item), item)]


def _element(item: Field) -> dict[str, Any]:
    if item.kind is FieldKind.CHOICE:
        options = [{"text": _plain(choice.label), "value": choice.value} for choice in item.choices]
        element: dict[str, Any] = {"type": "static_select", "options": options}
        if item.default is not None:
            element["initial_option"] = next(o for o in options if o["value"] == item.default)
        return element
    if item.kind is FieldKind.COUNT:
        element = {"type": "number_input", "is_decimal_allowed": False, "min_value": "0"}
        if item.placeholder:
            element["placeholder"] = _plain(item.placeholder[:PLACEHOLDER_LIMIT])
        return element
    return _text_element(item.placeholder, multiline=item.kind is FieldKind.MULTILINE, max_length=item.max_length)


def _text_element(placeholder: str | None, *, multiline: bool = False, max_length: int | None = None) -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline}
    if placeholder:
        element["placeholder"] = _plain(placeholder[:PLACEHOLDER_LIMIT])
    if max_length:
        element["max_length"] = max_length
    return element


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    item: Field | None = None,
    *,
    optional: bool | None = None,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {**element, "action_id": VALUE},
        "optional": (not item.required) if optional is None and item is not None else bool(optional),
    }
    hint = hint or (item.hint if item is not None else None)
    if hint:
        block["hint"] = _plain(hint)
    return block


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def _value(action: dict[str, Any]) -> str:
    kind = action.get("type")
    if kind == "datepicker":
        return action.get("selected_date") or ""
    if kind == "timepicker":
        return action.get("selected_time") or ""
    if kind == "static_select":
        return ((action.get("selected_option") or {}).get("value")) or ""
    return action.get("value") or ""
