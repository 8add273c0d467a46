"""The key a chat is stored under. Kept free of SQLAlchemy: the command line and every adapter build requests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    """A chat somewhere: the platform's name and its own id for the chat.

    Stored as one key, `platform:id` (`slack:C123`, `telegram:-1001234`), the form subscriptions, planned posts,
    reports and the audit log all use. This is the one place that key is built and taken apart.
    """

    platform: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"

    @classmethod
    def from_key(cls, key: str) -> Channel:
        platform, separator, chat_id = key.partition(":")
        if not separator or not platform or not chat_id:
            raise ValueError(f"{key!r} is not a channel key (platform:id)")
        return cls(platform, chat_id)

    def __str__(self) -> str:
        return self.key
