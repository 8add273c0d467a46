"""The `callwatch` command line (Typer). Each command is a thin call into the module that does the work."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli import serving
from bot.cli.imports import ImportGroup
from bot.cli.manifests import manifest_app
from bot.cli.start_up import loading
from bot.logs import configure_logging
from handlers.imports.formats import FORMATS, format_list

if TYPE_CHECKING:  # `--help` must not load the database layer, pydantic or the handlers: they load on use
    from bot.core import Core

# Plain help (no type column): `--verbose <bool>` read as if a flag took a value, and plain help needs no Rich.
PLAIN = None
app = typer.Typer(
    help="callwatch: log leader contacts and strikes, alert channels, measure what follows.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=PLAIN,
)
serve_app = typer.Typer(help="Run one chat adapter.", no_args_is_help=True, rich_markup_mode=PLAIN)
import_app = typer.Typer(
    cls=ImportGroup,
    help="Bulk import and restore: `callwatch import FILE` reads a backup or a CSV, its format from its content "
    "(idempotent: a re-import adds nothing). Exit 0 when rows were stored or already were (rejected rows listed), "
    "1 when nothing could be read; --strict: 1 and nothing stored if any row is rejected.",
    no_args_is_help=True,
    rich_markup_mode=PLAIN,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True, rich_markup_mode=PLAIN)
app.add_typer(serve_app, name="serve")
app.add_typer(import_app, name="import")
app.add_typer(db_app, name="db")
app.add_typer(manifest_app, name="manifest")

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details.")]


def _show_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"callwatch {version('callwatch')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("callwatch (not installed)")
        raise typer.Exit(0)


@app.callback()
def main(
    _version: Annotated[
        bool, typer.Option("--version", help="Show the version and exit.", callback=_show_version, is_eager=True)
    ] = False,
) -> None:
    """callwatch: log leader contacts and strikes, alert channels, measure what follows."""


def _core() -> Core:
    with loading():
        return _open_core()


def _open_core() -> Core:
    from bot.wiring import build_core
    from handlers.chat.settings import Settings

    try:
        settings = Settings()
    except Exception as error:  # pydantic's message names the bad variable
        typer.echo(f"callwatch: bad setting: {error}", err=True)
        raise typer.Exit(2) from None
    from bot.platforms import all_platforms, unknown_admin_platforms

    for admin in unknown_admin_platforms(settings):
        known = ", ".join(all_platforms())
        typer.echo(f"callwatch: bad setting: CALLWATCH_ADMINS entry {admin!r} names no platform ({known})", err=True)
        raise typer.Exit(2)
    from storage.database import DatabaseUnreachableError, SchemaOutdatedError

    try:
        return build_core(settings)
    except SchemaOutdatedError as error:
        typer.echo(f"callwatch: {error}", err=True)
        raise typer.Exit(2) from None
    except DatabaseUnreachableError as error:  # one line naming the setting, not the driver's traceback
        typer.echo(f"callwatch: {error}", err=True)
        raise typer.Exit(1) from None


@app.command()
def run(verbose: Verbose = False) -> None:
    """Every adapter whose tokens are set, plus the alert worker; with no tokens, the console chat."""
    serving.run(_core, verbose)


@app.command()
def console(verbose: Verbose = False) -> None:
    """The console chat: reads commands line by line from standard input (typed or piped)."""
    with loading():
        configure_logging(verbose=verbose, quiet_console=True)
        core = _core()
    from bot.console.chat import run_console

    raise typer.Exit(run_console(core, sys.stdin, sys.stdout))


serving.add_serve_commands(serve_app, lambda: _core())


@app.command()
def worker(verbose: Verbose = False) -> None:
    """The alert worker alone: posts due alerts (several may run against one PostgreSQL)."""
    serving.worker(_core, verbose)


Strict = Annotated[bool, typer.Option("--strict", help="Fail (exit 1) and store nothing if any row is rejected.")]
ImportFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


@import_app.command("file")
def import_any(file: ImportFile, strict: Strict = False, verbose: Verbose = False) -> None:
    """Restore a backup (`callwatch export --format json`) or import a CSV of any known format."""
    configure_logging(verbose=verbose, quiet_console=True)
    from bot.cli.imports import import_file_cli

    raise typer.Exit(import_file_cli(_core(), file, strict=strict))


@import_app.command("strikes", epilog="Formats, read from the header unless --format names one:\n\n" + format_list())
def import_strikes(
    file: ImportFile,
    format: Annotated[
        str | None,
        typer.Option("--format", help=f"Source format ({', '.join(FORMATS)}); default: read from the header."),
    ] = None,
    strict: Strict = False,
    verbose: Verbose = False,
) -> None:
    """Import strike reports from a CSV file."""
    configure_logging(verbose=verbose, quiet_console=True)
    from bot.cli.imports import import_strikes_cli

    raise typer.Exit(import_strikes_cli(_core(), file, format, strict=strict))


@import_app.command("contacts")
def import_contacts(file: ImportFile, strict: Strict = False, verbose: Verbose = False) -> None:
    """Import contact reports from a CSV file (date, parties; optional time, zone, kind, duration, source,
    confidence, notes), or the contact rows of a timeline CSV."""
    configure_logging(verbose=verbose, quiet_console=True)
    from bot.cli.imports import import_contacts_cli

    raise typer.Exit(import_contacts_cli(_core(), file, strict=strict))


@app.command()
def analyze(
    window: Annotated[int, typer.Option("--window", min=1, max=30, help="Days after each contact.")] = 3,
    json_output: Annotated[bool, typer.Option("--json", help="Every figure as JSON.")] = False,
    verbose: Verbose = False,
) -> None:
    """Do strikes rise after contacts? Effect size and permutation p-value against the baseline."""
    configure_logging(verbose=verbose, quiet_console=True)
    from bot.cli.reports import analyze_cli

    raise typer.Exit(analyze_cli(_core(), window=window, as_json=json_output))


@app.command()
def export(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="json: the backup `callwatch import FILE` restores; csv: the timeline for spreadsheets (not a "
            "backup); png: the chart (needs --output).",
        ),
    ] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")] = None,
    verbose: Verbose = False,
) -> None:
    """Everything users entered as a JSON backup (also the way from SQLite to PostgreSQL), the timeline as CSV,
    or the timeline chart as a PNG file."""
    configure_logging(verbose=verbose, quiet_console=True)
    from bot.cli.reports import export_cli

    raise typer.Exit(export_cli(_core(), format=format, output=output))


@app.command("parse")
def parse(
    file: Annotated[str, typer.Argument(help="An Air Force report (UTF-8 text), or - for standard input.")],
    posted_at: Annotated[
        str | None, typer.Option("--posted-at", help="When the post was published, for reports that say 'this night'.")
    ] = None,
) -> None:
    """Read an Air Force overnight report and print its counts as JSON; stores nothing, opens no database."""
    from bot.cli.parse import parse_cli

    raise typer.Exit(parse_cli(file, posted_at))


@db_app.command("upgrade")
def db_upgrade(verbose: Verbose = False) -> None:
    """Apply schema migrations."""
    configure_logging(verbose=verbose)
    from handlers.chat.settings import Settings
    from storage.database import Database, DatabaseUnreachableError

    database = Database(Settings().database_url)
    try:
        before = database.current_revisions()
        database.upgrade()
    except DatabaseUnreachableError as error:
        typer.echo(f"callwatch: {error}", err=True)
        raise typer.Exit(1) from None
    after = database.current_revisions()
    typer.echo(f"schema {'already current' if before == after else 'upgraded'}: {', '.join(sorted(after))}")


@db_app.command("check")
def db_check() -> None:
    """Exit 0 when the database answers and its schema is current (health checks, deploy scripts)."""
    from handlers.chat.settings import Settings
    from storage.database import Database, DatabaseUnreachableError

    try:
        database = Database(Settings().database_url)
        current = database.is_current()
    except DatabaseUnreachableError as error:
        typer.echo(f"callwatch: {error}", err=True)
        raise typer.Exit(1) from None
    except Exception as error:
        typer.echo(f"database unreachable: {type(error).__name__}", err=True)
        raise typer.Exit(1) from None
    if not current:
        typer.echo("schema behind: run `callwatch db upgrade`", err=True)
        raise typer.Exit(1)
    typer.echo("database ok, schema current")


if __name__ == "__main__":
    app()
