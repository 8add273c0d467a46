"""A handler's form as a Slack modal: its Block Kit view, the submitted values read back, errors mapped onto blocks.

The form is declared once by the handler (`handlers/chat/forms.py`); this module only draws it. Each field is an
input block whose `block_id` is the field's name, except a moment, which is three blocks (`at_date`, `at_time`,
`at_zone`) joined back into `at=`. A submit goes through the form's own `command_text`, so the handler validates
it as typed text and its errors, keyed by argument, come back here to be shown under their fields.

A form that starts filled in (Edit on a draft) shows its values in the inputs, and the action its submit runs
(`edit 17`) rides in the view's `private_metadata`, which only the app sets, so the submit goes back to that draft.

The form arrives translated by its handler; the modal's own words (Cancel, a moment's time and zone fields) are
drawn in `language`, the language of the reply that carried the form.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from handlers.chat.forms import NOTES, Answer, Field, FieldKind, Form, Moment
from handlers.i18n import DEFAULT_LANGUAGE, _, activate

CALLBACK_PREFIX = "callwatch:"  # view callback_id: `callwatch:contact`
_ACTION = re.compile(r"[a-z]+ [0-9]{1,12}")  # what a filled-in form's submit may run: an action word and an id
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # a datepicker's initial_date
_CLOCK = re.compile(r"\d{2}:\d{2}")  # a timepicker's initial_time
VALUE = "value"  # the action_id of the single element in each input block
DATE, TIME, ZONE = "_date", "_time", "_zone"  # a moment's three blocks: `at_date`, `at_time`, `at_zone`
TITLE_LIMIT = 24  # Slack's limit for a modal's title, submit and close texts
PLACEHOLDER_LIMIT = 150
ERROR_LIMIT = 150  # Slack shows at most this much under a field

Block = dict[str, Any]


def view(form: Form, channel_id: str, today: date, *, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The modal for `form`, remembering the channel it was opened from; the date picker starts at `today` unless
    the form starts with a date. `language`: the reply's, for the modal's own words."""
    with activate(language):
        blocks = [block for item in form.fields for block in _blocks(item, today, form.initial.get(item.name))]
        close = _("Cancel")
    metadata = {"channel_id": channel_id, **({"action": form.action} if form.action else {})}
    return {
        "type": "modal",
        "callback_id": f"{CALLBACK_PREFIX}{form.command}",
        "title": _plain(form.title[:TITLE_LIMIT]),
        "submit": _plain(form.submit_label[:TITLE_LIMIT]),
        "close": _plain(close[:TITLE_LIMIT]),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def command_of(view_payload: dict[str, Any]) -> str:
    """The command whose form was submitted (`callwatch:contact` → `contact`)."""
    return str(view_payload.get("callback_id", "")).removeprefix(CALLBACK_PREFIX)


def channel_of(view_payload: dict[str, Any]) -> str:
    return str(_metadata(view_payload).get("channel_id", ""))


def action_of(view_payload: dict[str, Any]) -> str:
    """The action a filled-in form's submit runs (`edit 17`), or "" (the command's own: log)."""
    action = str(_metadata(view_payload).get("action", ""))
    return action if _ACTION.fullmatch(action) else ""


def _metadata(view_payload: dict[str, Any]) -> dict[str, Any]:
    try:
        metadata = json.loads(view_payload.get("private_metadata") or "{}")
    except (json.JSONDecodeError, TypeError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


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
    """The submitted view as the command text a person would type (through the form's one submit function),
    after the action it was opened for (`edit 17 at=… drones=…`)."""
    text = form.command_text(submitted_values(form, view_payload))
    action = action_of(view_payload)
    return f"{action} {text}".strip() if action and not text.startswith(action) else text


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
def _blocks(item: Field, today: date, initial: Answer | None = None) -> list[Block]:
    if item.kind is FieldKind.MOMENT:
        moment = initial if isinstance(initial, Moment) else Moment()
        day = moment.date if _DAY.fullmatch(moment.date) else today.isoformat()
        clock = {"initial_time": moment.time} if _CLOCK.fullmatch(moment.time) else {}
        return [
            _input(item.name + DATE, item.label, {"type": "datepicker", "initial_date": day}, item),
            _input(
                item.name + TIME,
                _("Time"),
                {"type": "timepicker", **clock},
                optional=True,
                hint=_("Leave empty if only the day is known."),
            ),
            _input(
                item.name + ZONE,
                _("Time zone"),
                _text_element(_("the channel's zone, e.g. UTC, Kyiv, +03:00"), max_length=40, initial=moment.zone),
                optional=True,
            ),
        ]
    return [_input(item.name, item.label, _element(item, initial if isinstance(initial, str) else ""), item)]


def _element(item: Field, initial: str = "") -> dict[str, Any]:
    if item.kind is FieldKind.CHOICE:
        options = [{"text": _plain(choice.label), "value": choice.value} for choice in item.choices]
        element: dict[str, Any] = {"type": "static_select", "options": options}
        chosen = initial if initial in {choice.value for choice in item.choices} else item.default
        if chosen is not None:
            element["initial_option"] = next(o for o in options if o["value"] == chosen)
        return element
    if item.kind is FieldKind.COUNT:
        element = {"type": "number_input", "is_decimal_allowed": False, "min_value": "0"}
        if item.placeholder:
            element["placeholder"] = _plain(item.placeholder[:PLACEHOLDER_LIMIT])
        if initial.isascii() and initial.isdigit():
            element["initial_value"] = initial
        return element
    return _text_element(
        item.placeholder, multiline=item.kind is FieldKind.MULTILINE, max_length=item.max_length, initial=initial
    )


def _text_element(
    placeholder: str | None, *, multiline: bool = False, max_length: int | None = None, initial: str = ""
) -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline}
    if placeholder:
        element["placeholder"] = _plain(placeholder[:PLACEHOLDER_LIMIT])
    if max_length:
        element["max_length"] = max_length
    if initial.strip():
        element["initial_value"] = initial[:max_length] if max_length else initial  # Slack refuses a longer one
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
