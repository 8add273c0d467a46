"""The Slack app manifest, generated from the registry: one umbrella command the app listens for, the events URL in
the HTTP variant, the scopes the adapter uses; the committed files are what the generator writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.slack import spelling
from bot.slack.app import COMMANDS
from bot.slack.manifest import SCOPES, manifest, manifest_yaml
from bot.slack.web import EVENTS_PATH
from handlers.registry import all_commands
from tests.slack.conftest import SlackClient, command_body

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
VARIANTS = {"slack-manifest.yml": None, "slack-manifest-http.yml": "https://callwatch.example.org"}


@pytest.mark.parametrize(("filename", "http_url"), VARIANTS.items())
def test_the_committed_manifest_is_what_the_registry_generates(filename: str, http_url: str | None) -> None:
    committed = (DEPLOY / filename).read_text()
    assert committed == manifest_yaml(all_commands(), http_url=http_url), (
        f"deploy/{filename} is stale: regenerate it with "
        f"`callwatch manifest slack{' --http ' + http_url if http_url else ''} > deploy/{filename}`"
    )


def test_one_umbrella_command_naming_every_registered_command() -> None:
    data = yaml.safe_load(manifest_yaml(all_commands()))
    [command] = data["features"]["slash_commands"]
    assert command["command"] == f"/{spelling.UMBRELLA}" and COMMANDS == (spelling.UMBRELLA,)
    assert command["should_escape"] is False  # requests.py undoes &amp; &lt; &gt; itself
    hinted = {word.strip() for word in command["usage_hint"].removesuffix(" [arguments]").split("|")}
    assert hinted == {registered.name for registered in all_commands()}
    assert re.fullmatch(r"/[a-z0-9_-]{1,32}", command["command"])  # Slack's rule for a command's name
    assert data["oauth_config"]["scopes"]["bot"] == list(SCOPES)


def test_socket_mode_and_http_variants() -> None:
    socket = manifest(all_commands())
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "url" not in socket["features"]["slash_commands"][0]
    assert "request_url" not in socket["settings"]["interactivity"]
    http = manifest(all_commands(), http_url="https://cw.example.net/")
    assert http["settings"]["socket_mode_enabled"] is False
    urls = {http["features"]["slash_commands"][0]["url"], http["settings"]["interactivity"]["request_url"]}
    assert urls == {f"https://cw.example.net{EVENTS_PATH}"}  # commands, form submits and buttons: one path


async def test_the_app_answers_the_command_the_manifest_declares(slack: SlackClient) -> None:
    [declared] = manifest(all_commands())["features"]["slash_commands"]
    for text in ("", "help"):
        body = command_body(
            declared["command"].lstrip("/"), text, umbrella=False, response_url=slack.standin.response_url()
        )
        status, answer = await slack.post(body)
        assert status == 200 and answer["blocks"][0]["text"]["text"] == "*callwatch commands*", answer
