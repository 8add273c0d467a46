"""The Telegram command list comes from the registry: the committed deploy/telegram-commands.txt is exactly what
`callwatch manifest telegram` prints, and every entry is one BotFather accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.telegram.command_menu import command_list
from handlers.chat.command import single_action
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest
from handlers.registry import all_commands

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_committed_list_is_what_the_cli_generates() -> None:
    result = CliRunner().invoke(app, ["manifest", "telegram"])
    assert result.exit_code == 0, result.output
    assert (DEPLOY / "telegram-commands.txt").read_text() == result.output, (
        "deploy/telegram-commands.txt is stale: regenerate it with "
        "`callwatch manifest telegram > deploy/telegram-commands.txt`"
    )


def test_every_registered_command_is_listed_as_botfather_takes_it() -> None:
    lines = command_list(all_commands()).splitlines()
    listed = [line.split(" - ", 1)[0] for line in lines]
    assert listed == [command.name for command in all_commands()] + ["cancel"]
    for line in lines:
        name, description = line.split(" - ", 1)
        assert re.fullmatch(r"[a-z0-9_]{1,32}", name) and 1 <= len(description) <= 256


def test_a_command_telegram_cannot_take_is_refused_when_generating() -> None:
    def nothing(_request: ChatRequest, _ctx: HandlerContext) -> Reply:
        return Reply(text="")

    with pytest.raises(ValueError, match="not a valid Telegram command name"):
        command_list([single_action("time-line", "x", "/time-line", nothing)])
    with pytest.raises(ValueError, match="description of 1–256"):
        command_list([single_action("long", "x" * 257, "/long", nothing)])


def test_the_slack_manifest_command_needs_no_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["manifest", "slack"], env={"CALLWATCH_DATABASE_URL": "sqlite:////nonexistent/x"})
    assert result.exit_code == 0 and result.output == (DEPLOY / "slack-manifest.yml").read_text()
    refused = CliRunner().invoke(app, ["manifest", "slack", "--http", "callwatch.example.org"])
    assert refused.exit_code == 2 and "https://" in refused.output
