"""Before Telegram is served: prove the token works with `getMe`, so a bad token is one line, not a traceback.

Telegram refusing the token is fatal (`StartupError`); the Bot API being unreachable is not
(`PlatformUnreachableError`: the supervisor retries with backoff). The token never appears in either message.
"""

from __future__ import annotations

import contextlib

from telegram import Bot
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.platforms import PlatformUnreachableError, StartupError
from bot.telegram.app import file_url
from handlers.chat.settings import Settings, secret


async def check_token(settings: Settings) -> None:
    token = secret(settings.telegram_bot_token) or ""
    bot = Bot(token, base_url=settings.telegram_api_url, base_file_url=file_url(settings.telegram_api_url))
    try:
        await bot.get_me()
    except (InvalidToken, Forbidden):
        raise StartupError("Telegram refused TELEGRAM_BOT_TOKEN (check it with @BotFather)") from None
    except (RetryAfter, NetworkError) as error:  # TimedOut is a NetworkError
        raise PlatformUnreachableError(f"Telegram unreachable ({type(error).__name__})") from None
    except TelegramError as error:
        raise StartupError(f"Telegram refused to start: {_without(error.message, token)}") from None
    finally:
        with contextlib.suppress(TelegramError):
            await bot.shutdown()


def _without(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text
