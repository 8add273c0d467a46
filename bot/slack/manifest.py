"""The Slack app manifest, generated from the command registry (`callwatch manifest slack [--http URL]`).

One slash command, `/callwatch`, whose usage hint lists the registry's commands (see spelling.py for why one), and
the message shortcuts (shortcuts.py: "Log as strike report" on any message).
Two variants: Socket Mode (the default: no public URL, `SLACK_APP_TOKEN`) and HTTP (`callwatch serve slack
--http`, every request to `URL/slack/events`). `deploy/slack-manifest.yml` and `deploy/slack-manifest-http.yml`
are this module's output, and a test fails when they differ from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from bot.slack import spelling
from bot.slack.shortcuts import MESSAGE_SHORTCUTS

EVENTS_PATH = "/slack/events"  # bot/slack/web.py serves it (not imported: it loads the Slack SDK)
EXAMPLE_URL = "https://callwatch.example.org"
DESCRIPTION = "Logs leader contacts and strike reports, alerts channels through the risk window."
# Each scope, and why the app needs it.
SCOPES = {
    "commands": "the /callwatch slash command and the Log as strike report message shortcut",
    "chat:write": "replies, alerts, and editing them (Acknowledge / Snooze)",
    "chat:write.public": "announce reports and post alerts in public channels without an invite",
    "files:write": "/callwatch timeline chart uploads its PNG",
}


class Described(Protocol):
    name: str
    summary: str


def manifest(commands: Iterable[Described], *, http_url: str | None = None) -> dict[str, Any]:
    """The manifest as data; `http_url` (the public base URL) selects the HTTP variant, else Socket Mode."""
    names = [command.name for command in commands]
    command: dict[str, Any] = {
        "command": f"/{spelling.UMBRELLA}",
        "description": f"callwatch: {', '.join(names)} (try /{spelling.UMBRELLA} help)",
        "usage_hint": f"{' | '.join(names)} [arguments]",
        "should_escape": False,  # we undo Slack's &amp; &lt; &gt; ourselves (requests.py)
    }
    settings: dict[str, Any] = {"interactivity": {"is_enabled": True}}
    if http_url is not None:
        events = http_url.rstrip("/") + EVENTS_PATH
        command["url"] = events
        settings["interactivity"]["request_url"] = events  # form submits, buttons and shortcuts
    settings |= {
        "org_deploy_enabled": False,
        "socket_mode_enabled": http_url is None,
        "token_rotation_enabled": False,
    }
    return {
        "display_information": {"name": "callwatch", "description": DESCRIPTION, "background_color": "#2c3e50"},
        "features": {
            "bot_user": {"display_name": "callwatch", "always_online": True},
            "shortcuts": [
                {
                    "name": shortcut.name,
                    "type": "message",
                    "callback_id": shortcut.callback_id,
                    "description": shortcut.description,
                }
                for shortcut in MESSAGE_SHORTCUTS
            ],
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": list(SCOPES)}},
        "settings": settings,
    }


def manifest_yaml(commands: Iterable[Described], *, http_url: str | None = None) -> str:
    """The manifest as the YAML file an operator pastes into api.slack.com/apps → From an app manifest."""
    import yaml  # only when generating: not on any command path

    if http_url is None:
        variant = [
            "# Socket Mode: Slack needs no public URL. Create an app-level token with connections:write",
            "# (Basic Information → App-Level Tokens): that is SLACK_APP_TOKEN. Run `callwatch serve slack`.",
        ]
    else:
        variant = [
            f"# HTTP: Slack posts commands, form submits and button clicks to {http_url.rstrip('/')}{EVENTS_PATH}",
            "# (`callwatch serve slack --http`; SLACK_SIGNING_SECRET checks every request). For another address,",
            "# generate your own: callwatch manifest slack --http https://your.host",
        ]
    header = [
        "# Slack app manifest for callwatch, generated from the command registry (do not edit by hand):",
        f"#   callwatch manifest slack{' --http ' + http_url if http_url is not None else ''}",
        *variant,
        "# Create the app at https://api.slack.com/apps → Create New App → From an app manifest, paste this file.",
        "# Bot scopes:",
        *(f"#   {scope}: {why}" for scope, why in SCOPES.items()),
    ]
    body = yaml.safe_dump(manifest(commands, http_url=http_url), sort_keys=False, allow_unicode=True, width=120)
    return "\n".join(header) + "\n" + body
