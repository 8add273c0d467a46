"""`SlackNotifier`: how the alert worker posts to Slack, with Slack's errors mapped onto ours.

A 429 whose `Retry-After` is short (a second, Slack's per-channel spacing) is retried inside the client; a longer
one is not slept on inside the send's timeout: it surfaces at once as `RateLimitedError`, and the worker
reschedules the post at now + Retry-After without counting a try, and holds Slack for every worker meanwhile.
"""

from __future__ import annotations

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.client import RATE_LIMIT_RETRIES, web_client
from handlers.alerts.delivery import ChannelGoneError, RateLimitedError, TransientDeliveryError
from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from handlers.chat.settings import Settings

GONE = {"channel_not_found", "is_archived", "not_in_channel", "account_inactive"}
INLINE_RETRY_SECONDS = 1.0  # a Retry-After up to this is waited out inside the send; a longer one goes to the worker


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """slack_sdk's 429 retry, but only for a short `Retry-After`: the worker reschedules anything longer."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return _retry_after(response.headers) <= INLINE_RETRY_SECONDS


def _retry_after(headers: object) -> float:
    """`Retry-After` in seconds from slack_sdk's headers (a dict of lists) or aiohttp's; 1 when absent."""
    for key, value in dict(headers or {}).items():  # type: ignore[call-overload]
        if str(key).lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return 1.0
    return 1.0


def worker_client(settings: Settings) -> AsyncWebClient:
    """The app's client, with the 429 retry swapped for one that leaves long waits to the worker."""
    client = web_client(settings)
    kept = [handler for handler in client.retry_handlers if not isinstance(handler, AsyncRateLimitErrorRetryHandler)]
    client.retry_handlers = [*kept, ShortRateLimitRetry(max_retry_count=RATE_LIMIT_RETRIES)]
    return client


class SlackNotifier:
    platform = Platform.SLACK

    def __init__(self, client: AsyncWebClient | Settings) -> None:
        """Give it the app's client, or the settings to build one (as the worker does)."""
        self._owns_client = not isinstance(client, AsyncWebClient)
        self.client = client if isinstance(client, AsyncWebClient) else worker_client(client)

    def _keep_alive(self) -> None:
        """Give our own client one HTTP session for all its posts.

        Without one, slack_sdk opens a session, a TCP connection and (against slack.com) a TLS handshake for every
        request and closes them after: a fan-out to 1,000 channels paid that 1,000 times. Made here, on the first
        send, because an aiohttp session belongs to the event loop that runs it.
        """
        if self._owns_client and self.client.session is None:
            from aiohttp import ClientSession

            self.client.session = ClientSession()

    async def close(self) -> None:
        """Release the session (the worker calls this on its way out)."""
        if self._owns_client and self.client.session is not None:  # the app's client's session is not ours
            session, self.client.session = self.client.session, None
            await session.close()

    async def post(self, channel_id: str, message: Reply) -> str:
        self._keep_alive()
        try:
            response = await self.client.chat_postMessage(channel=channel_id, **blocks.message(message))
        except (SlackClientError, ClientError, TimeoutError) as error:
            raise _delivery_error(error) from error
        return str(response["ts"])

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        self._keep_alive()
        try:
            await self.client.chat_update(channel=channel_id, ts=message_ref, **blocks.message(message))
        except (SlackClientError, ClientError, TimeoutError) as error:
            raise _delivery_error(error) from error


def _delivery_error(error: Exception) -> Exception:
    if isinstance(error, SlackApiError):
        response = error.response
        code = response.get("error") if isinstance(response.data, dict) else None
        if response.status_code == 429 or code == "ratelimited":
            return RateLimitedError(_retry_after(response.headers))
        if code in GONE:
            return ChannelGoneError(f"slack: {code}")
        if response.status_code >= 500:
            return TransientDeliveryError(f"slack answered {response.status_code}")
        return TransientDeliveryError(f"slack refused the post: {code}")  # unexpected: retry with backoff
    return TransientDeliveryError(f"slack unreachable: {error}")
