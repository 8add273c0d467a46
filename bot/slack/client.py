"""The Slack Web API client every Slack piece shares: our base URL, our token, and retries on 429.

slack_sdk installs only a connection-error retry by default; a rate-limited post would then be lost. We add
`AsyncRateLimitErrorRetryHandler` (it sleeps for `Retry-After`) with several retries, because Slack's limit
for chat.postMessage is one per second per channel and a burst of alerts can trip it more than once.
"""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from handlers.chat.settings import Settings, secret

RATE_LIMIT_RETRIES = 5
TIMEOUT_SECONDS = 15


def rate_limit_retry() -> AsyncRateLimitErrorRetryHandler:
    return AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)


def api_base_url(settings: Settings) -> str:
    return settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"


def web_client(settings: Settings) -> AsyncWebClient:
    client = AsyncWebClient(
        token=secret(settings.slack_bot_token), base_url=api_base_url(settings), timeout=TIMEOUT_SECONDS
    )
    client.retry_handlers.append(rate_limit_retry())
    return client


def webhook_client(response_url: str) -> AsyncWebhookClient:
    """For `response_url` answers; bolt's own `respond` has no retry handlers, so a 429 there would drop it."""
    client = AsyncWebhookClient(url=response_url, timeout=TIMEOUT_SECONDS)
    client.retry_handlers.append(rate_limit_retry())
    return client
