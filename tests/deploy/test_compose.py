"""The compose model brought up as far as this machine allows: no Docker engine here, so the file is validated
against the Compose Specification's own JSON schema, then its profiles, ports, commands and proxy routes are
checked the way `docker compose` would resolve them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from bot.cli.main import app
from bot.telegram.webhook import WEBHOOK_PATH

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCHEMA = Path(__file__).parent / "schema" / "compose-spec.json"  # provenance: schema/SOURCE.md
EVENTS_PATH = "/slack/events"  # bot/slack/web.py (which imports the Slack SDK) serves it
HEALTH_PATHS = ("/healthz", "/readyz")  # bot/health.py
PLATFORM_PROFILES = {"slack": "slack", "slack-socket": "slack", "telegram": "telegram", "telegram-polling": "telegram"}
ALWAYS = {"postgres", "migrate", "worker"}


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def enabled(services: dict[str, Any], profiles: set[str]) -> set[str]:
    """Compose's rule: a service runs when it has no profiles or one of them is active."""
    return {
        name for name, service in services.items() if not service.get("profiles") or set(service["profiles"]) & profiles
    }


def callwatch_services(services: dict[str, Any]) -> dict[str, Any]:
    return {name: service for name, service in services.items() if service.get("image") == "callwatch:latest"}


def test_the_compose_file_is_valid_under_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(Draft7Validator(schema).iter_errors(compose()), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, error.path))}: {error.message}" for error in errors)


def test_the_validator_does_catch_a_broken_file() -> None:
    """Calibration: the schema check fails on the mistakes it is there to catch."""
    validator = Draft7Validator(json.loads(SCHEMA.read_text()))
    broken = compose()
    broken["services"]["worker"]["depends_on"] = 5
    broken["services"]["slack"]["profiles"] = "slack"
    broken["services"]["proxy"]["portz"] = ["80:80"]
    where = {tuple(error.path)[:2] for error in validator.iter_errors(broken)}
    assert where >= {("services", "worker"), ("services", "slack"), ("services", "proxy")}, where


@pytest.mark.parametrize("service", sorted(callwatch_services(compose()["services"])))
def test_every_service_runs_a_real_callwatch_command(service: str) -> None:
    command = compose()["services"][service]["command"]
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output


def test_each_platform_profile_alone_starts_that_platform_and_nothing_that_needs_the_other() -> None:
    services = compose()["services"]
    assert enabled(services, set()) == ALWAYS  # no profile: no adapter whose token is missing, no restart loop
    for profile, platform in PLATFORM_PROFILES.items():
        running = enabled(services, {profile})
        adapters = running - ALWAYS - {"proxy"}
        assert adapters == {profile}, (profile, running)
        commands = [services[name]["command"] for name in adapters]
        assert all(command[:2] == ["serve", platform] for command in commands)
        http = any("--http" in command or "--webhook" in command for command in commands)
        assert ("proxy" in running) is http, profile  # the proxy comes with the HTTP modes only
        for name in running:  # compose refuses to start a service whose dependency is disabled
            assert set(services[name].get("depends_on", {})) <= running, (profile, name)


def test_no_host_port_can_clash_when_replicas_are_scaled() -> None:
    services = compose()["services"]
    published: list[str] = []
    for name, service in services.items():
        ports = [str(port).rsplit(":", 1)[0] for port in service.get("ports", [])]
        if name in callwatch_services(services):
            assert not ports, f"{name} publishes {ports}: `--scale {name}=2` would clash; the proxy publishes"
        published += ports
    assert len(published) == len(set(published)), published
    assert set(services["proxy"]["ports"]) == {"80:80", "443:443"}
    assert services["telegram"]["deploy"]["replicas"] == 1 and services["worker"]["deploy"]["replicas"] == 2


def _caddy_blocks(text: str) -> dict[str, str]:
    """`handle <matcher>` → the block's text, for the Caddyfile's site (comments dropped, braces matched)."""
    body = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    matchers = dict(re.findall(r"@(\w+)\s+path\s+([^\n]+)", body))
    blocks: dict[str, str] = {}
    for match in re.finditer(r"handle\s+([^\s{]+)?\s*\{", body):
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(body[end], 0)
            end += 1
        target = match.group(1) or "*"
        for path in matchers.get(target.lstrip("@"), target).split():
            blocks[path] = body[match.end() : end - 1]
    assert body.count("{") == body.count("}"), "unbalanced braces in the Caddyfile"
    return blocks


def _port_of(command: list[str]) -> str:
    return command[command.index("--port") + 1]


def test_the_proxy_routes_every_public_path_to_the_service_that_serves_it() -> None:
    services = compose()["services"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]
    blocks = _caddy_blocks((DEPLOY / "Caddyfile").read_text())
    slack_port, telegram_port = _port_of(services["slack"]["command"]), _port_of(services["telegram"]["command"])
    assert services["slack"]["expose"] == [slack_port] and services["telegram"]["expose"] == [telegram_port]
    assert re.search(rf"dynamic a slack {slack_port}\b", blocks[EVENTS_PATH])
    assert re.search(rf"dynamic a telegram {telegram_port}\b", blocks[WEBHOOK_PATH])
    for path in HEALTH_PATHS:
        assert f"a slack {slack_port}" in blocks[path] and f"a telegram {telegram_port}" in blocks[path]
    assert "respond" in blocks["*"] and "404" in blocks["*"]  # nothing else is exposed


def test_the_slack_manifests_match_the_mode_each_profile_serves() -> None:
    services = compose()["services"]
    http = yaml.safe_load((DEPLOY / "slack-manifest-http.yml").read_text())
    socket = yaml.safe_load((DEPLOY / "slack-manifest.yml").read_text())
    assert "--http" in services["slack"]["command"] and "--http" not in services["slack-socket"]["command"]
    assert http["settings"]["socket_mode_enabled"] is False
    assert http["settings"]["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert all(command["url"].endswith(EVENTS_PATH) for command in http["features"]["slash_commands"])
    assert socket["settings"]["socket_mode_enabled"] is True
    header = (DEPLOY / "docker-compose.yml").read_text().split("\nname:", 1)[0]
    assert "`slack` (HTTP" in header and "slack-manifest-http.yml" in header and "slack-manifest.yml" in header


def test_the_site_setting_of_the_proxy_is_documented() -> None:
    assert "{$CALLWATCH_SITE::80}" in (DEPLOY / "Caddyfile").read_text()
    assert re.search(r"^CALLWATCH_SITE=:80$", (DEPLOY / ".env.example").read_text(), re.MULTILINE)
