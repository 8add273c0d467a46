"""Every chat command, registered in one place (like PTB's `application.add_handler` block)."""

from __future__ import annotations

from handlers.chat.command import Command


def all_commands() -> list[Command]:
    from handlers.alerts import command as alerts
    from handlers.analysis import command as analysis
    from handlers.contacts import command as contact
    from handlers.help import command as help
    from handlers.languages import command as language
    from handlers.roles import command as role
    from handlers.strikes import command as strike
    from handlers.timeline import command as timeline

    return [
        contact.COMMAND,
        strike.COMMAND,
        timeline.COMMAND,
        alerts.COMMAND,
        analysis.COMMAND,
        role.COMMAND,
        language.COMMAND,
        help.COMMAND,
    ]
