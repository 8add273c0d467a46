"""Slack as the rest of the bot sees it: its users, its limits, its settings and how it is served.

Workspace members may read without a grant (they are already vetted by the workspace); writing needs one. Serving
is Socket Mode when `SLACK_APP_TOKEN` is set, else HTTP at `/slack/events` (signed with `SLACK_SIGNING_SECRET`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.platforms import Listen, ServeOption
from bot.slack import spelling
from handlers.chat.request import Role
from handlers.i18n import _

if TYPE_CHECKING:
    import asyncio

    from bot.core import Core
    from bot.pacing import RateLimit
    from handlers.alerts.delivery import Notifier
    from handlers.chat.settings import Settings

_MENTION = re.compile(r"^<@([A-Za-z0-9]+)(?:\|[^>]*)?>$")
_USER_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
HTTP_PORT = 3000


class SlackPlatform:
    name = "slack"
    title = "Slack"
    default_role = Role.VIEWER  # workspace members may read; writing needs a grant
    owner_is_admin = False
    serve_option = ServeOption("http", "Serve HTTP at /slack/events instead of Socket Mode.", HTTP_PORT)
    command_prefix = spelling.PREFIX  # `/callwatch contact`: Slack's commands share one namespace (spelling.py)

    def parse_user(self, text: str) -> str:
        """`U123`, `@U123` or a mention `<@U123|ann>` → `U123`."""
        raw = text.strip()
        mention = _MENTION.match(raw)
        user = mention.group(1) if mention else raw.lstrip("@")
        if not _USER_ID.match(user):
            # A chat reply (`/role grant user=…`), in the admin's language.
            raise ValueError(_("is not a user id: give the member id (U123…) or @-mention them"))
        return user

    def rate_limit(self) -> RateLimit:
        from bot.pacing import DEFAULT_LIMITS

        return DEFAULT_LIMITS[self.name]

    def configured(self, settings: Settings) -> bool:
        return settings.slack_bot_token is not None

    def settings_problems(self, settings: Settings, listen: Listen | None) -> list[str]:
        problems = []
        if settings.slack_bot_token is None:
            problems.append("set SLACK_BOT_TOKEN (the bot token, xoxb-…)")
        if listen is not None and settings.slack_signing_secret is None:
            problems.append("set SLACK_SIGNING_SECRET to serve Slack over HTTP (requests are checked against it)")
        if listen is None and settings.slack_app_token is None:
            problems.append(
                "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP, with --http) to serve Slack"
            )
        return problems

    def default_listen(self, settings: Settings) -> Listen | None:
        if settings.slack_app_token is not None:
            return None
        return Listen(HTTP_PORT) if settings.slack_signing_secret is not None else None

    def notifier(self, core: Core) -> Notifier | None:
        from bot.slack.notifier import SlackNotifier

        return SlackNotifier(core.settings)

    async def check(self, core: Core) -> None:
        from bot.slack.startup import check_tokens

        await check_tokens(core.settings)

    async def serve(self, core: Core, stop: asyncio.Event, listen: Listen | None) -> None:
        from bot.slack.run import run_slack

        if listen is None:
            await run_slack(core, http=False, stop=stop)
        else:
            await run_slack(core, http=True, port=listen.port, host=listen.host, stop=stop)


SLACK = SlackPlatform()
