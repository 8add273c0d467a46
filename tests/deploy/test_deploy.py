"""What an operator installs from deploy/ must match the program: real commands, every setting documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli.main import app
from handlers.chat.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


@pytest.mark.parametrize("service", ["migrate", "slack", "telegram", "worker"])
def test_every_compose_service_runs_a_real_callwatch_command(service: str) -> None:
    command = compose()["services"][service]["command"]
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output


def test_compose_runs_postgres_migrations_and_two_workers() -> None:
    services = compose()["services"]
    assert services["worker"]["deploy"]["replicas"] == 2
    for name in ("slack", "telegram", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["CALLWATCH_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (DEPLOY / ".env.example").read_text(), re.MULTILINE))
    names = {field.validation_alias.choices[0] for field in Settings.model_fields.values()}  # type: ignore[union-attr]
    assert names <= documented, names - documented


def test_service_unit_and_dockerfile_run_as_non_root() -> None:
    unit = (DEPLOY / "callwatch.service").read_text()
    assert "User=callwatch" in unit and "ExecStart=/opt/callwatch/bin/callwatch run" in unit
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "USER callwatch" in dockerfile and "HEALTHCHECK" in dockerfile
