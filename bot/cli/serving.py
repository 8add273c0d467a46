"""`callwatch run`, `callwatch serve NAME` and `callwatch worker`: what the process serves, read from the registry.

Each platform brings its own `serve` subcommand (with its inbound-HTTP flag: `--http` for Slack, `--webhook` for
Telegram), so a new platform needs no edit here. Settings are checked before anything starts: a missing or
contradictory setting is one line naming it, and a token the platform refuses is one line too — never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from bot.cli.start_up import loading
from bot.logs import configure_logging
from bot.platforms import ChatPlatform, Listen, StartupError, all_platforms, configured

if TYPE_CHECKING:  # the database layer loads when a command runs, not for `--help`
    from bot.core import Core

CoreFactory = Callable[[], "Core"]
VERBOSE_HELP = "Log debug details."


def run(core_factory: CoreFactory, verbose: bool) -> None:
    """Every platform whose tokens are set, plus the alert worker; with none, the console chat."""
    with loading():
        configure_logging(verbose=verbose, quiet_console=True)
        core = core_factory()
    chosen = [(platform, platform.default_listen(core.settings)) for platform in configured(core.settings)]
    if not chosen:
        from bot.console.chat import run_console

        typer.echo("No Slack or Telegram token set: starting the console chat (type /help, Ctrl-D to leave).", err=True)
        raise typer.Exit(run_console(core, sys.stdin, sys.stdout))
    _serve(core, chosen, worker=True)


def worker(core_factory: CoreFactory, verbose: bool) -> None:
    """The alert worker alone: posts due alerts (several may run against one PostgreSQL)."""
    with loading():
        configure_logging(verbose=verbose)
        core = core_factory()
    if not any(True for _ in configured(core.settings)):
        names = " or ".join(_token_names())
        _fail(f"the alert worker has no platform to post to: set {names}")
    _serve(core, [], worker=True)


def add_serve_commands(serve_app: typer.Typer, core_factory: CoreFactory) -> None:
    for platform in all_platforms().values():
        serve_app.command(platform.name)(_serve_command(platform, core_factory))


def _serve_command(platform: ChatPlatform, core_factory: CoreFactory) -> Callable[..., None]:
    option = platform.serve_option

    def serve_one(listen: Listen | None, verbose: bool) -> None:
        with loading():
            configure_logging(verbose=verbose)
            core = core_factory()
        _serve(core, [(platform, listen)], worker=False)

    if option is None:

        def serve(verbose: bool = typer.Option(False, "--verbose", "-v", help=VERBOSE_HELP)) -> None:
            serve_one(None, verbose)

    else:

        def serve(  # type: ignore[misc]
            inbound: bool = typer.Option(False, f"--{option.flag}", help=option.help),
            port: int = typer.Option(option.default_port, "--port", help="HTTP port.", min=1, max=65535),
            verbose: bool = typer.Option(False, "--verbose", "-v", help=VERBOSE_HELP),
        ) -> None:
            serve_one(Listen(port) if inbound else None, verbose)

    mode = f" (add --{option.flag} for inbound HTTP)" if option else ""
    serve.__doc__ = f"The {platform.title} adapter alone{mode}."
    return serve


def _serve(core: Core, chosen: list[tuple[ChatPlatform, Listen | None]], *, worker: bool) -> None:
    problems = [
        f"{platform.title}: {problem}"
        for platform, listen in chosen
        for problem in platform.settings_problems(core.settings, listen)
    ]
    if problems:
        _fail("; ".join(problems))
    import asyncio

    from bot.collector import settle
    from bot.supervisor import run_services

    try:
        asyncio.run(run_services(core, chosen, worker=worker, worker_started=settle))
    except StartupError as error:
        _fail(str(error))
    finally:
        core.close()


def _token_names() -> list[str]:
    return [f"{platform.name.upper()}_BOT_TOKEN" for platform in all_platforms().values() if platform.serve_option]


def _fail(message: str) -> None:
    typer.echo(f"callwatch: {message}", err=True)
    raise typer.Exit(2)
