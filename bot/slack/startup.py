"""Before Slack is served: prove the tokens work, so a bad one is one clear line at start, not a loop of tracebacks.

`auth.test` checks the bot token; in Socket Mode `apps.connections.open` checks the app-level token (it only hands
out a websocket URL, which we then leave unused). Slack refusing a token is fatal (`StartupError`: an operator must
fix it); Slack being unreachable is not (`PlatformUnreachableError`: the supervisor retries with backoff).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms import PlatformUnreachableError, StartupError
from bot.slack.client import TIMEOUT_SECONDS, api_base_url, web_client
from handlers.chat.settings import Settings, secret


async def check_tokens(settings: Settings) -> None:
    await _check("SLACK_BOT_TOKEN", web_client(settings).auth_test)
    app_token = secret(settings.slack_app_token)
    if app_token is not None:
        app_client = AsyncWebClient(base_url=api_base_url(settings), timeout=TIMEOUT_SECONDS)
        await _check("SLACK_APP_TOKEN", lambda: app_client.apps_connections_open(app_token=app_token))


async def _check(variable: str, call: Callable[[], Awaitable[object]]) -> None:
    try:
        await call()
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if error.response.status_code >= 500 or error.response.status_code == 429:
            raise PlatformUnreachableError(f"Slack answered {error.response.status_code}") from None
        raise StartupError(f"Slack refused {variable}: {code or error.response.status_code}") from None
    except (SlackClientError, ClientError, TimeoutError, OSError) as error:
        raise PlatformUnreachableError(f"Slack unreachable ({type(error).__name__})") from None
