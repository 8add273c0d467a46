"""One console exchange, shared by the piped and the interactive console: a typed line or a pasted report in,
the reply written out, in the language this user is answered in (their `/lang`, else the terminal's locale).

The console user is admin of a local SQLite database. Charts are written to `charts/`, each under its own name.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from bot.console.paste import Command as ConsoleCommand
from bot.console.paste import Unit
from bot.core import Core
from handlers.chat.command import Command
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.i18n import N_, _, activate
from handlers.strikes.pasted import preview_text

CHANNEL = "console"
PROMPT = "callwatch> "
CHARTS = Path("charts")
# Declared in English, shown through `_` in the user's language (`language_of`).
CONTINUE_PROMPT = N_("paste> ")  # gathering a pasted report (two empty lines end it)
NOT_A_COMMAND = N_("Commands start with / — type /help to see them.")
BANNER = N_("callwatch console: /help lists the commands; Tab completes, ↑ recalls, Ctrl-D leaves.")


def to_request(line: str, user: str, *, now: datetime | None = None) -> ChatRequest | None:
    """A line like `/contact at=now …` as a request; None for blank lines and `#` comments."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    command, *rest = text.split(None, 1)  # `/strike` and a report on the lines below it
    return ChatRequest(
        platform=Platform.CONSOLE,
        user_id=user,
        user_name=user,
        channel_id=CHANNEL,
        command=command.lstrip("/").lower(),
        text=rest[0].strip() if rest else "",
        received_at=now or datetime.now(UTC),
        language=terminal_language(),
    )


def terminal_language() -> str | None:
    """The locale the terminal runs in (`LC_ALL`, `LC_MESSAGES`, `LANG`: `uk_UA.UTF-8` → replies in Ukrainian)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return value
    return None


def language_of(core: Core, user: str) -> str:
    """The language the router answers `user` in here (their `/lang` choice, else the terminal's locale), for the
    console's own words outside a reply."""
    probe = ChatRequest(
        platform=Platform.CONSOLE, user_id=user, channel_id=CHANNEL, command="help", language=terminal_language()
    )
    return core.router.language_of(probe)


def say(language: str, message: str) -> str:
    """`message` (declared with `N_`) in `language`."""
    with activate(language):
        return _(message)


def render(reply: Reply, images: Path) -> str:
    with activate(reply.language):  # the console's words around the reply are in the reply's language
        if reply.image is not None:
            path = save_chart(images, reply.image.filename, reply.image.png)
            written = _("Chart written to {path}").format(path=path)
            reply = dataclasses.replace(reply, image=None, text=f"{reply.text}\n{written}")
        if reply.buttons:  # nothing to press here: each button as the command it runs
            typed = "  ".join(f"[{button.label}: /{button.action} {button.value}]" for button in reply.buttons)
            reply = dataclasses.replace(reply, buttons=(), footer="\n".join(filter(None, [typed, reply.footer])))
        body = reply.plain()
        return body if reply.ok else _("Error: {message}").format(message=body)


def save_chart(images: Path, filename: str, png: bytes, *, now: datetime | None = None) -> Path:
    """`timeline.png` → `charts/timeline-20250705T120000Z.png` (then `-2`, `-3` … within one second): a new chart
    never overwrites an earlier one."""
    images.mkdir(parents=True, exist_ok=True)
    name = Path(filename).name or "chart.png"
    stem, suffix = Path(name).stem, Path(name).suffix or ".png"
    stamp = f"{stem}-{(now or datetime.now(UTC)).astimezone(UTC):%Y%m%dT%H%M%SZ}"
    number = 1
    while True:
        path = images / (f"{stamp}{suffix}" if number == 1 else f"{stamp}-{number}{suffix}")
        try:
            with path.open("xb") as file:
                file.write(png)
            return path
        except FileExistsError:
            number += 1


def answer_unit(
    core: Core,
    unit: Unit,
    user: str,
    write: Callable[[str], object],
    *,
    on_form: Callable[[Reply], Reply | None] | None = None,
) -> bool | None:
    """Run a command line, or read a pasted text as an Air Force report (`/strike preview`)."""
    if isinstance(unit, ConsoleCommand):
        return answer(core, unit.line, user, write, on_form=on_form)
    request = to_request(f"/strike {preview_text(unit.text)}", user)
    if request is None:
        return None
    reply = core.router.handle(request)
    if not reply.ok and unit.one_line:  # one stray line is a mistyped command far more often than a report
        write(say(reply.language, NOT_A_COMMAND) + "\n\n")
        return False
    write(render(reply, CHARTS) + "\n\n")
    return reply.ok


def answer(
    core: Core,
    line: str,
    user: str,
    write: Callable[[str], object],
    *,
    on_form: Callable[[Reply], Reply | None] | None = None,
) -> bool | None:
    """Run one line and write its reply; whether it succeeded, None for a blank line or a comment.

    `on_form` runs a form the reply asks for (the interactive dialog) and returns its final reply (None: the person
    cancelled); without it, the reply's own text (the usage) is shown, as for a script.
    """
    if line.strip() and not is_command(line) and not line.strip().startswith("#"):
        write(say(language_of(core, user), NOT_A_COMMAND) + "\n\n")
        return False
    request = to_request(line, user)
    if request is None:
        return None
    reply = core.router.handle(request)
    if reply.form is not None and on_form is not None:
        finished = on_form(reply)
        if finished is None:
            return False
        reply = finished
    write(render(reply, CHARTS) + "\n\n")
    return reply.ok


def is_command(line: str) -> bool:
    return line.strip().startswith("/")


def completions(commands: Mapping[str, Command]) -> Callable[[str], list[str]]:
    """What Tab offers for the line typed so far: command words first, then that command's action words."""

    def words(line: str) -> list[str]:
        parts = line.split()
        finishing_word = bool(line) and not line[-1].isspace()
        if not parts or (len(parts) == 1 and finishing_word):
            return [f"/{name}" for name in commands]
        command = commands.get(parts[0].lstrip("/").lower())
        if command is not None and (len(parts) == 1 or (len(parts) == 2 and finishing_word)):
            return list(command.action_words)
        return []

    return words
