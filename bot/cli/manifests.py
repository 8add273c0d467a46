"""`callwatch manifest slack|telegram`: the platform's command list generated from the registry.

Needs no settings and no database: it reads only the commands. The files in `deploy/` are this command's output.
"""

from __future__ import annotations

from typing import Annotated

import typer

manifest_app = typer.Typer(
    help="Print what a platform needs to know about the commands, generated from the registry.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@manifest_app.command("slack")
def slack(
    http: Annotated[
        str | None,
        typer.Option(
            "--http",
            metavar="URL",
            help="Serve over HTTP at URL/slack/events (the public base URL) instead of Socket Mode.",
        ),
    ] = None,
) -> None:
    """The Slack app manifest (YAML), to paste at api.slack.com/apps → From an app manifest."""
    from bot.slack.manifest import manifest_yaml
    from handlers.registry import all_commands

    if http is not None and not http.startswith("https://"):
        typer.echo("callwatch: --http takes the public https:// URL Slack will call", err=True)
        raise typer.Exit(2)
    typer.echo(manifest_yaml(all_commands(), http_url=http), nl=False)


@manifest_app.command("telegram")
def telegram() -> None:
    """The command list for @BotFather's /setcommands."""
    from bot.telegram.command_menu import command_list
    from handlers.registry import all_commands

    typer.echo(command_list(all_commands()), nl=False)
