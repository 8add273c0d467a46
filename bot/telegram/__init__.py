"""The Telegram adapter: PTB `Application` in, neutral requests to the router, HTML replies out."""

from bot.telegram.app import build_application, run_telegram
from bot.telegram.notifier import TelegramNotifier, telegram_notifier

__all__ = ["TelegramNotifier", "build_application", "run_telegram", "telegram_notifier"]
