"""Translates Slack payloads (slash commands, button clicks) into our neutral `ChatRequest`, and says which
verified payloads are too malformed to translate (`problem`), so the HTTP endpoint can answer 400 before a
listener trips over a missing field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.slack import spelling
from bot.slack.blocks import ACTION_PREFIX, parse_action_id, unescape
from handlers.chat.request import ChatRequest, Platform
from handlers.text import cleaning


def from_slash_command(body: dict[str, Any]) -> ChatRequest:
    """`/callwatch contact at=now …` → command `contact`, text unescaped (Slack sends `&lt;` for `<`).

    Slack redelivers a slash command with the same body, so its trigger_id (unique per invocation) names it.
    """
    command, text = spelling.command_and_text(body.get("command", ""), unescape(body.get("text", "")))
    return ChatRequest(
        platform=Platform.SLACK,
        user_id=body.get("user_id", ""),
        channel_id=body.get("channel_id", ""),
        command=command,
        text=text,
        user_name=cleaning.platform_name(body.get("user_name")),
        idempotency_key=f"slack:cmd:{body.get('team_id', '')}:{body.get('user_id', '')}:{body.get('trigger_id', '')}",
        received_at=datetime.now(UTC),
    )


def from_button(body: dict[str, Any], action: dict[str, Any]) -> ChatRequest | None:
    """A click on `alerts ack` with value `17` → `/alerts ack 17`; None for buttons that are not ours."""
    parsed = parse_action_id(action.get("action_id", ""))
    if parsed is None:
        return None
    command, sub = parsed
    user = body.get("user") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    return ChatRequest(
        platform=Platform.SLACK,
        user_id=user.get("id", ""),
        channel_id=channel,
        command=command,
        text=" ".join(part for part in (sub, action.get("value", "")) if part),
        user_name=cleaning.platform_name(user.get("username") or user.get("name")),
        idempotency_key=f"slack:action:{body.get('trigger_id', '')}:{action.get('action_ts', '')}",
        received_at=datetime.now(UTC),
    )


# --- which verified payloads the listeners can take ---------------------------------------------------------
def problem(body: object) -> str | None:
    """Why a signed request body cannot be handled (→ 400), or None. Checks every field a listener reads."""
    if not isinstance(body, Mapping):
        return "the body is not a Slack payload"
    if "command" in body:
        return _missing(body, strings=("command", "user_id", "channel_id"), optional=_COMMAND_OPTIONAL)
    if body.get("ssl_check") is not None:
        return None
    kind = body.get("type")
    if kind == "url_verification":
        return None if isinstance(body.get("challenge"), str) else "url_verification without a challenge"
    if kind == "view_submission":
        return _view_problem(body)
    if kind == "block_actions":
        return _actions_problem(body)
    if kind == "message_action":
        return _message_action_problem(body)
    return "not a slash command or an interaction callwatch handles"


_COMMAND_OPTIONAL = ("text", "user_name", "team_id", "trigger_id", "response_url")


def _missing(body: Mapping[str, Any], *, strings: tuple[str, ...], optional: tuple[str, ...] = ()) -> str | None:
    for name in strings:
        value = body.get(name)
        if not isinstance(value, str) or not value:
            return f"{name} is missing or not a string"
    for name in optional:
        if name in body and body[name] is not None and not isinstance(body[name], str):
            return f"{name} is not a string"
    return None


def _user_problem(body: Mapping[str, Any]) -> str | None:
    user = body.get("user")
    if not isinstance(user, Mapping):
        return "user is missing"
    return _missing(user, strings=("id",), optional=("username", "name"))


def _view_problem(body: Mapping[str, Any]) -> str | None:
    view = body.get("view")
    if not isinstance(view, Mapping):
        return "view is missing"
    trouble = _user_problem(body) or _missing(
        view, strings=("callback_id",), optional=("id", "hash", "private_metadata")
    )
    if trouble:
        return trouble
    values = (view.get("state") or {}).get("values") if isinstance(view.get("state"), Mapping) else None
    if not isinstance(values, Mapping):
        return "view.state.values is missing"
    for block in values.values():
        if not isinstance(block, Mapping) or not all(isinstance(action, Mapping) for action in block.values()):
            return "a block in view.state.values is not an object"
        for action in block.values():
            for name in ("type", "value", "selected_date", "selected_time"):
                if action.get(name) is not None and not isinstance(action.get(name), str):
                    return f"{name} in a form field is not a string"
            option = action.get("selected_option")
            if option is not None and not (isinstance(option, Mapping) and isinstance(option.get("value"), str)):
                return "a selected option has no value"
    return None


def _message_action_problem(body: Mapping[str, Any]) -> str | None:
    """A message shortcut ("Log as strike report"): the message, its channel and who used it."""
    trouble = _user_problem(body) or _missing(
        body, strings=("callback_id",), optional=("trigger_id", "response_url", "action_ts")
    )
    if trouble:
        return trouble
    channel, message = body.get("channel"), body.get("message")
    if not isinstance(channel, Mapping) or _missing(channel, strings=("id",), optional=("name",)):
        return "the channel is missing"
    if not isinstance(message, Mapping):
        return "message is missing"
    trouble = _missing(message, strings=("ts",), optional=("text",))
    if trouble:
        return f"message: {trouble}"
    attachments = message.get("attachments")
    if attachments is not None and not (
        isinstance(attachments, list) and all(isinstance(a, Mapping) for a in attachments)
    ):
        return "message.attachments is not a list of objects"
    team = body.get("team")
    if team is not None and not isinstance(team, Mapping):
        return "team is not an object"
    return None


def _actions_problem(body: Mapping[str, Any]) -> str | None:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not all(isinstance(action, Mapping) for action in actions):
        return "actions are missing"
    for action in actions:
        trouble = _missing(action, strings=("action_id",), optional=("value", "action_ts"))
        if trouble:
            return trouble
        if not action["action_id"].startswith(ACTION_PREFIX):
            return "not one of callwatch's buttons"
    for name in ("channel", "container", "message"):
        if body.get(name) is not None and not isinstance(body[name], Mapping):
            return f"{name} is not an object"
    message = body.get("message") or {}
    shown = message.get("blocks")
    if shown is not None and not (isinstance(shown, list) and all(isinstance(block, Mapping) for block in shown)):
        return "message.blocks is not a list of blocks"
    if message.get("text") is not None and not isinstance(message.get("text"), str):
        return "message.text is not a string"
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if not isinstance(channel, str) or not channel:
        return "the channel is missing"
    return _user_problem(body) or _missing(body, strings=(), optional=("trigger_id", "response_url"))
