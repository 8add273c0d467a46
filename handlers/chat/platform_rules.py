"""What a handler may know about a chat platform, without importing it: how its users are named and trusted.

Each platform in `bot/platforms.py` provides these rules; the wiring hands them to the handler context, so a new
platform needs no edit under `handlers/`.
"""

from __future__ import annotations

from typing import Protocol

from handlers.chat.request import Role


class PlatformRules(Protocol):
    name: str  # the prefix of its user and channel keys: `slack:U123`, `telegram:456`
    default_role: Role  # the role of a user nobody has granted one (Slack members read; Telegram strangers: none)
    owner_is_admin: bool  # whoever runs it on a local SQLite database owns that database (the console)

    def parse_user(self, text: str) -> str:
        """The platform's own id for a user as typed in chat (`<@U123|ann>` → `U123`); ValueError with the reason."""
        ...
