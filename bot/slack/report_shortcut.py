"""Slack's ways into the Air Force report preview: the "Log as strike report" message shortcut, and the preview's
Edit button, which opens the strike form filled in with the draft.

The shortcut turns the message into `/strike preview` with its permalink (channel and timestamp) as the source and
its time as the posting time, routes it as the person who used the shortcut, and answers them alone (ephemeral,
through the payload's `response_url`). The preview's Confirm and Cancel are ordinary buttons (`app.py`); Edit needs
a listener of its own because its answer is a modal, opened with the click's `trigger_id`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import Core
from bot.slack import blocks, modals, spelling
from bot.slack.client import webhook_client
from bot.slack.requests import from_button
from bot.slack.shortcuts import MESSAGE_SHORTCUTS
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.strikes.pasted import preview_text
from handlers.text import cleaning

log = logging.getLogger("callwatch.slack")

Body = dict[str, Any]
EDIT_BUTTON = re.compile(rf"^{re.escape(blocks.ACTION_PREFIX)}[a-z]+ edit\|")  # `cw|strike edit|1`
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")  # mrkdwn `<url|label>`


class ReportListeners:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def on_shortcut(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        await ack()  # a shortcut's ack carries no message: the preview follows through response_url
        request = await self._request(body, client)
        reply = await self._route(request)
        await _answer(client, body, request, reply)

    async def on_edit_button(self, ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        """Edit under a preview: the strike form filled in with the draft, as a modal; a refusal, as a reply."""
        await ack()
        request = from_button(body, action)
        if request is None:
            return
        reply = await self._route(request)
        if reply.form is not None:
            zone = await asyncio.to_thread(self.core.ctx.channel_zone, request.channel)
            today = self.core.ctx.now().astimezone(zone).date()
            view = modals.view(reply.form, request.channel_id, today, language=reply.language)
            try:
                await client.views_open(trigger_id=body.get("trigger_id", ""), view=view)
                return
            except SlackClientError as error:  # the trigger expired: the typed command is in the reply's text
                log.warning("views.open for an edit failed: %s", error)
                reply = Reply(title=reply.title, text=reply.text, language=reply.language)
        await _answer(client, body, request, reply, replace_original=False)

    async def _route(self, request: ChatRequest) -> Reply:
        reply = await self.core.router.handle_async(request)
        return spelling.error_spelled(reply, self.core.router.commands)

    async def _request(self, body: Body, client: AsyncWebClient) -> ChatRequest:
        message = body.get("message") or {}
        channel = body.get("channel") or {}
        user = body.get("user") or {}
        ts = str(message.get("ts") or "")
        source = await _permalink(client, body, str(channel.get("id") or ""), ts)
        name = channel.get("name")
        if name and not str(name).startswith("directmessage"):
            source = f"Slack #{name} · {source}"
        return ChatRequest(
            platform=Platform.SLACK,
            user_id=str(user.get("id") or ""),
            channel_id=str(channel.get("id") or ""),
            command="strike",
            text=preview_text(message_text(message), source=source, posted=_posted(ts)),
            user_name=cleaning.platform_name(user.get("username") or user.get("name")),
            idempotency_key=f"slack:shortcut:{(body.get('team') or {}).get('id', '')}:{user.get('id', '')}:"
            f"{body.get('trigger_id', '')}",
            received_at=datetime.now(UTC),
        )


def message_text(message: Body) -> str:
    """What a person reads in the message: its text (mrkdwn links shown as their labels, Slack's escapes undone),
    else the text of its attachments (how feeds and bridges post)."""
    parts = [str(message.get("text") or "")]
    if not parts[0].strip():
        for attachment in message.get("attachments") or []:
            if isinstance(attachment, dict):
                parts += [str(attachment.get(key) or "") for key in ("pretext", "title", "text")]
    text = "\n".join(part for part in parts if part.strip())
    text = _LINK.sub(lambda match: match.group(2) or match.group(1), text)
    return blocks.unescape(text)


async def _permalink(client: AsyncWebClient, body: Body, channel_id: str, ts: str) -> str:
    """The message's permalink. Slack's own shape (`https://DOMAIN.slack.com/archives/CHANNEL/pTS`, a reply in a
    thread with its `thread_ts`) is built from the payload, which names the workspace's domain: asking
    `chat.getPermalink` would put a Web API round trip before every preview. Without the domain, Slack is asked;
    if it will not say either, the link is built on the `app.slack.com` domain, which redirects."""
    domain = (body.get("team") or {}).get("domain")
    if not domain:
        try:
            answer = await client.chat_getPermalink(channel=channel_id, message_ts=ts)
            link = answer.get("permalink")
            if isinstance(link, str) and link.startswith("https://"):
                return link
        except SlackClientError as error:
            log.info("chat.getPermalink failed (%s): building the link", error)
    link = f"https://{domain or 'app'}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    thread = str((body.get("message") or {}).get("thread_ts") or "")
    return f"{link}?thread_ts={thread}&cid={channel_id}" if thread and thread != ts else link


def _posted(ts: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (ValueError, OverflowError):
        return None


async def _answer(
    client: AsyncWebClient, body: Body, request: ChatRequest, reply: Reply, *, replace_original: bool | None = None
) -> None:
    """To the person who acted, only: through `response_url`, else an ephemeral message."""
    response_url = body.get("response_url")
    if response_url:
        payload: Body = {**blocks.response(reply), "response_type": "ephemeral"}
        if replace_original is not None:
            payload["replace_original"] = replace_original
        result = await webhook_client(response_url).send_dict(payload)
        if result.status_code == 200:
            return
        log.warning("response_url answered %s; answering ephemerally", result.status_code)
    try:
        await client.chat_postEphemeral(channel=request.channel_id, user=request.user_id, **blocks.message(reply))
    except SlackClientError as error:
        log.warning("could not answer %s in %s: %s", request.user_id, request.channel_id, error)


def register(app: AsyncApp, core: Core) -> None:
    """The shortcut and the Edit button's listener; registered before the app's general button listener, which
    would otherwise take the Edit click (bolt runs the first listener that matches)."""
    listeners = ReportListeners(core)
    for shortcut in MESSAGE_SHORTCUTS:
        app.message_shortcut(shortcut.callback_id)(listeners.on_shortcut)
    app.action(EDIT_BUTTON)(listeners.on_edit_button)
