"""`SlackNotifier`: how the alert worker posts to Slack, with Slack's errors mapped onto ours.

Retries on 429 happen inside the client (honouring `Retry-After`); only when those are used up does the worker
see `RateLimitedError`, and it schedules the post again rather than dropping it.
"""

from __future__ import annotations

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.client import web_client
from handlers.alerts.delivery import ChannelGoneError, RateLimitedError, TransientDeliveryError
from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from handlers.chat.settings import Settings

GONE = {"channel_not_found", "is_archived", "not_in_channel", "account_inactive"}


class SlackNotifier:
    platform = Platform.SLACK

    def __init__(self, client: AsyncWebClient | Settings) -> None:
        """Give it the app's client, or the settings to build one (as the worker does)."""
        self.client = client if isinstance(client, AsyncWebClient) else web_client(client)

    async def post(self, channel_id: str, message: Reply) -> str:
        try:
            response = await self.client.chat_postMessage(channel=channel_id, **blocks.message(message))
        except (SlackClientError, ClientError, TimeoutError) as error:
            raise _delivery_error(error) from error
        return str(response["ts"])

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        try:
            await self.client.chat_update(channel=channel_id, ts=message_ref, **blocks.message(message))
        except (SlackClientError, ClientError, TimeoutError) as error:
            raise _delivery_error(error) from error


def _delivery_error(error: Exception) -> Exception:
    if isinstance(error, SlackApiError):
        response = error.response
        code = response.get("error") if isinstance(response.data, dict) else None
        if response.status_code == 429 or code == "ratelimited":
            return RateLimitedError(float(response.headers.get("Retry-After", response.headers.get("retry-after", 1))))
        if code in GONE:
            return ChannelGoneError(f"slack: {code}")
        if response.status_code >= 500:
            return TransientDeliveryError(f"slack answered {response.status_code}")
        return TransientDeliveryError(f"slack refused the post: {code}")  # unexpected: retry with backoff
    return TransientDeliveryError(f"slack unreachable: {error}")
