"""The slack-bolt `AsyncApp`: one listener per slash command, the modal submit, and our buttons.

Each listener is thin: Slack payload → `ChatRequest` → router → `Reply` → Block Kit. Slack gives us three
seconds to acknowledge. A listener runs the router against `ack_budget`: a reply ready in time is the ack
itself (one round trip, no "working…" flash); a slower one is acknowledged at the budget and its reply follows
through `response_url` (or chat.postMessage for a modal), which is what bolt's lazy listeners do in a
long-running process — an asyncio task that outlives the ack — without costing fast commands a second post.

The app's own words (the "working on it" ack, a modal's buttons, a failed chart upload) are in the language of the
reply they go with, or, before there is one, the language the router answers the caller in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import Core
from bot.slack import blocks, modals, report_shortcut, spelling
from bot.slack.ack_first import answer_every_listener_at_ack
from bot.slack.client import web_client, webhook_client
from bot.slack.inflight import InFlight
from bot.slack.requests import from_button, from_slash_command
from handlers.chat.forms import Form
from handlers.chat.reply import Reply, Visibility
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import secret
from handlers.i18n import DEFAULT_LANGUAGE, _, activate

log = logging.getLogger("callwatch.slack")

COMMANDS = (spelling.UMBRELLA,)  # what the manifest declares: `/callwatch contact …` (see spelling.py)
ACK_BUDGET = 2.0  # seconds; Slack's limit is 3 and the ack itself still has to travel back
LANGUAGE_BUDGET = 0.3  # seconds to look up the caller's language for a late ack (cached by the router: instant)

Body = dict[str, Any]


class SlackListeners:
    """The listener functions, sharing the router, the in-flight table and the ack budget."""

    def __init__(self, core: Core, ack_budget: float) -> None:
        self.core = core
        self.ack_budget = ack_budget
        self.inflight = InFlight()

    async def _handle(self, request: ChatRequest) -> tuple[asyncio.Future[Reply], bool]:
        """Start (or join) the router run for `request`; say whether it finished within the ack budget."""
        future = self.inflight.run(request.idempotency_key, lambda: self._route(request))
        done, _pending = await asyncio.wait({future}, timeout=self.ack_budget)  # never cancels the shared future
        return future, bool(done)

    async def _route(self, request: ChatRequest) -> Reply:
        reply = await self.core.router.handle_async(request)
        return spelling.error_spelled(reply, self.core.router.commands)

    async def _language(self, request: ChatRequest) -> str:
        """The caller's language for words said before their reply exists; English if the look-up is slow (the ack
        must not miss Slack's deadline over a word)."""
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self.core.router.language_of, request), timeout=LANGUAGE_BUDGET
            )
        except TimeoutError:
            return DEFAULT_LANGUAGE

    async def _today(self, channel_id: str) -> date:
        ctx = self.core.ctx
        zone = await asyncio.to_thread(ctx.channel_zone, f"{Platform.SLACK}:{channel_id}")
        return ctx.now().astimezone(zone).date()

    # --- slash commands ---------------------------------------------------------------------------------
    async def on_command(self, ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        request = from_slash_command(body)
        future, in_time = await self._handle(request)
        if not in_time:
            with activate(await self._language(request)):
                working = _("Working on {command}…").format(command=spelling.spell(request.command))
            await ack(response_type="ephemeral", text=blocks.escape(working))
            reply = await future
            await respond(body.get("response_url"), reply)
            await self._upload_image(client, request, reply, body.get("response_url"))
            return
        reply = future.result()
        if reply.form is not None:
            await ack()
            await self._open_form(client, body, request, reply)
            return
        await ack(**blocks.response(reply))
        await self._upload_image(client, request, reply, body.get("response_url"))

    async def _open_form(self, client: AsyncWebClient, body: Body, request: ChatRequest, reply: Reply) -> None:
        assert reply.form is not None
        today = await self._today(request.channel_id)
        view = modals.view(reply.form, request.channel_id, today, language=reply.language)
        try:
            await client.views_open(trigger_id=body.get("trigger_id", ""), view=view)
        except SlackClientError as error:  # the trigger expired (>3 s) or Slack refused: fall back to usage
            log.warning("views.open failed: %s", error)
            await respond(body.get("response_url"), reply)

    async def _upload_image(
        self, client: AsyncWebClient, request: ChatRequest, reply: Reply, response_url: str | None
    ) -> None:
        if reply.image is None:
            return
        try:
            await client.files_upload_v2(
                channel=request.channel_id,
                file=reply.image.png,
                filename=reply.image.filename,
                title=reply.image.title,
            )
        except SlackClientError as error:
            log.warning("chart upload to %s failed: %s", request.channel_id, error)
            with activate(reply.language):
                message = _("I could not post the chart in this channel. Invite me first: /invite @callwatch")
            await respond(response_url, dataclasses.replace(Reply.error(message), language=reply.language))

    # --- the modal form ---------------------------------------------------------------------------------
    async def on_view_submission(self, ack: AsyncAck, body: Body, view: Body, client: AsyncWebClient) -> None:
        user = body.get("user") or {}
        opener = ChatRequest(
            platform=Platform.SLACK,
            user_id=user.get("id", ""),
            channel_id=modals.channel_of(view),
            command=modals.command_of(view),
            user_name=user.get("username") or user.get("name"),
        )
        form, refusal = await self._form(opener)
        if form is None:  # the caller may no longer open it (a role revoked meanwhile): say why in the form
            await ack(response_action="update", view=_message_view(refusal))
            return
        request = dataclasses.replace(
            opener,
            command=form.command,
            text=modals.submitted_text(form, view),
            # A double-clicked submit carries the same view id and hash; an edited resubmit a new hash.
            idempotency_key=f"slack:view:{view.get('id', '')}:{view.get('hash', '')}",
        )
        future, in_time = await self._handle(request)
        if not in_time:
            await ack()  # close the form; the outcome follows in the channel
            await self._announce(client, request, await future)
            return
        reply = future.result()
        if reply.ok:
            await ack()
            await self._announce(client, request, reply)
        elif reply.errors:
            await ack(response_action="errors", errors=modals.field_errors(form, reply.errors))
        else:  # refused for a reason no field can fix (e.g. the caller's role): say so in the form
            await ack(response_action="update", view=_message_view(reply))

    async def _form(self, opener: ChatRequest) -> tuple[Form | None, Reply]:
        """The form a submitted view fills in, as its command declares it now: the bare command, routed with the
        submitter's role (any replica can take the submit, so nothing is remembered from the opening)."""
        reply = await self._route(opener)
        return reply.form, reply

    async def _announce(self, client: AsyncWebClient, request: ChatRequest, reply: Reply) -> None:
        """A logged report is announced in the channel; anything else is shown to the submitter only."""
        message = blocks.message(reply)
        try:
            if reply.visibility is Visibility.CHANNEL:
                await client.chat_postMessage(channel=request.channel_id, **message)
            else:
                await client.chat_postEphemeral(channel=request.channel_id, user=request.user_id, **message)
        except SlackApiError as error:  # not in that channel, or it is gone: tell the submitter directly
            log.warning("posting to %s failed (%s); sending to the user", request.channel_id, error)
            await client.chat_postMessage(channel=request.user_id, **message)

    # --- buttons ----------------------------------------------------------------------------------------
    async def on_button(self, ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        """A click (Acknowledge, Snooze) runs its command; a success replaces the buttons with the outcome."""
        await ack()
        request = from_button(body, action)
        if request is None:
            return
        reply = await self.inflight.run(request.idempotency_key, lambda: self._route(request))
        container = body.get("container") or {}
        original = body.get("message") or {}
        response_url = body.get("response_url")
        if not reply.ok:
            await respond(response_url, reply, replace_original=False)
        elif container.get("is_ephemeral") or not container.get("message_ts"):
            await respond(response_url, reply, replace_original=True, original=original)
        else:
            await client.chat_update(
                channel=request.channel_id,
                ts=container["message_ts"],
                text=original.get("text") or blocks.fallback_text(reply),
                blocks=blocks.acted_on(original.get("blocks") or [], reply),
            )


async def respond(
    response_url: str | None, reply: Reply, *, replace_original: bool | None = None, original: Body | None = None
) -> None:
    """Answer through `response_url` (our client retries on 429, unlike bolt's `respond`)."""
    if not response_url:
        log.warning("no response_url to answer with: %s", reply.plain()[:200])
        return
    payload: Body = blocks.response(reply)
    if original is not None:
        payload["blocks"] = blocks.acted_on(original.get("blocks") or [], reply)
    if replace_original is not None:
        payload["replace_original"] = replace_original
    result = await webhook_client(response_url).send_dict(payload)
    if result.status_code != 200:
        log.warning("response_url answered %s: %s", result.status_code, result.body[:200])


def _message_view(reply: Reply) -> Body:
    with activate(reply.language):
        close = _("Close")
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "callwatch"},
        "close": {"type": "plain_text", "text": close[: modals.TITLE_LIMIT]},
        "blocks": blocks.blocks(reply),
    }


def build_slack_app(
    core: Core,
    *,
    client: AsyncWebClient | None = None,
    signing_secret: str | None = None,
    ack_budget: float = ACK_BUDGET,
    verify_requests: bool = True,
) -> AsyncApp:
    """The bolt app with every listener registered; `verify_requests=False` only for Socket Mode."""
    settings = core.settings
    app = AsyncApp(
        client=client or web_client(settings),
        signing_secret=signing_secret or secret(settings.slack_signing_secret) or "",
        request_verification_enabled=verify_requests,
        # Answer Slack when the listener returns, not after polling for its ack every 10 ms; the listeners return
        # at their ack and leave any later work running (ack_first.py), so deferred replies still follow.
        process_before_response=True,
        name="callwatch",
    )
    listeners = SlackListeners(core, ack_budget)
    # The umbrella command, and each command's own word for workspaces still on an older manifest.
    for name in (*COMMANDS, *core.router.commands):
        app.command(f"/{name}")(listeners.on_command)
    app.view_submission(re.compile(f"^{re.escape(modals.CALLBACK_PREFIX)}"))(listeners.on_view_submission)
    report_shortcut.register(app, core)  # the report shortcut and the preview's Edit: before the general buttons
    app.action(re.compile(f"^{re.escape(blocks.ACTION_PREFIX)}"))(listeners.on_button)

    @app.error
    async def on_error(error: Exception, body: Body) -> None:
        log.error("slack listener failed: %s", error, exc_info=error)

    answer_every_listener_at_ack(app)
    return app
