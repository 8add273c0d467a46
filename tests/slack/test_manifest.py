"""The Slack app manifest declares every command the adapter listens for, and the interactivity URL."""

from __future__ import annotations

import re
from pathlib import Path

from bot.slack.app import COMMANDS
from bot.slack.web import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "slack-manifest.yml"


def test_manifest_declares_every_command_and_the_events_url() -> None:
    text = MANIFEST.read_text()
    declared = re.findall(r"^\s*- command: /(\w+)$", text, flags=re.MULTILINE)
    assert sorted(declared) == sorted(COMMANDS)
    urls = set(re.findall(r"(?:url|request_url): (\S+)", text))
    assert urls and all(url.endswith(EVENTS_PATH) for url in urls)
    assert text.count("should_escape: false") == len(COMMANDS)  # we unescape &amp; &lt; &gt; ourselves
    for scope in ("commands", "chat:write", "chat:write.public", "files:write"):
        assert re.search(rf"^\s*- {re.escape(scope)}(\s|$)", text, flags=re.MULTILINE), scope
    assert "socket_mode_enabled: true" in text
