"""The `callwatch` command line."""

from bot.cli.main import app

__all__ = ["app"]
