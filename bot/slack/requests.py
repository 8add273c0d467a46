"""Translates Slack payloads (slash commands, button clicks) into our neutral `ChatRequest`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.slack import spelling
from bot.slack.blocks import parse_action_id, unescape
from handlers.chat.request import ChatRequest, Platform


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
        user_name=body.get("user_name"),
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
        user_name=user.get("username") or user.get("name"),
        idempotency_key=f"slack:action:{body.get('trigger_id', '')}:{action.get('action_ts', '')}",
        received_at=datetime.now(UTC),
    )
