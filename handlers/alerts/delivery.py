"""How the alert worker reaches a platform: one small `Notifier` per platform, the same errors for all.

The worker only knows this protocol; the Slack and Telegram adapters each provide one implementation that
renders the neutral `Reply` the same way their command replies are rendered.
"""

from __future__ import annotations

from typing import Protocol

from handlers.chat.reply import Reply
from handlers.chat.request import Platform


class DeliveryError(Exception):
    """A post failed; subclasses say whether and when to try again."""


class RateLimitedError(DeliveryError):
    """The platform asked us to wait (`429 Retry-After`, Telegram `RetryAfter`)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after:.1f}s")
        self.retry_after = retry_after


class TransientDeliveryError(DeliveryError):
    """Network trouble or a 5xx: try again with backoff."""


class ChannelGoneError(DeliveryError):
    """The bot was removed, blocked, or the chat does not exist: mark the channel inactive, do not retry."""


class ChannelMovedError(DeliveryError):
    """A Telegram group became a supergroup: the subscription moves to `new_channel_id`."""

    def __init__(self, new_channel_id: str) -> None:
        super().__init__(f"channel moved to {new_channel_id}")
        self.new_channel_id = new_channel_id


class Notifier(Protocol):
    platform: Platform

    async def post(self, channel_id: str, message: Reply) -> str:
        """Post `message`; return the platform's reference to it (Slack `ts`, Telegram `message_id`)."""
        ...

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        """Replace a posted message (e.g. to show who acknowledged an alert)."""
        ...
