"""Every chat command, registered in one place (like PTB's `application.add_handler` block)."""

from __future__ import annotations

from bot.command import Command


def all_commands() -> list[Command]:
    from handlers import alerts, analysis, contact, help, role, strike, timeline

    return [
        contact.COMMAND,
        strike.COMMAND,
        timeline.COMMAND,
        alerts.COMMAND,
        analysis.COMMAND,
        role.COMMAND,
        help.COMMAND,
    ]
