"""The console adapter: a chat on standard input and output, no tokens needed.

Works typed or piped (`printf '/contact …\\n/timeline\\n' | callwatch console`): one command per line, the
reply printed after it. The console user is admin of a local SQLite database.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.console.notifier import post_due_to_console
from bot.wiring import Core
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform

CHANNEL = "console"
PROMPT = "callwatch> "


def to_request(line: str, user: str, *, now: datetime | None = None) -> ChatRequest | None:
    """A line like `/contact at=now …` as a request; None for blank lines and `#` comments."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    command, _, rest = text.partition(" ")
    return ChatRequest(
        platform=Platform.CONSOLE,
        user_id=user,
        user_name=user,
        channel_id=CHANNEL,
        command=command.lstrip("/").lower(),
        text=rest.strip(),
        received_at=now or datetime.now(UTC),
    )


def render(reply: Reply, images: Path) -> str:
    if reply.image is not None:
        images.mkdir(parents=True, exist_ok=True)
        path = images / reply.image.filename
        path.write_bytes(reply.image.png)
        reply = Reply(title=reply.title, text=f"{reply.text}\nChart written to {path}", footer=reply.footer)
    body = reply.plain()
    return body if reply.ok else f"Error: {body}"


def run_console(core: Core, stdin: TextIO, stdout: TextIO, *, user: str | None = None) -> int:
    """Answer each line until end of input. Returns 0, or 1 when the last command failed (for scripts)."""
    user = user or getpass.getuser()
    interactive = stdin.isatty()
    images = Path("charts")
    last_ok = True
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        if line.strip() and not line.strip().startswith(("/", "#")):
            stdout.write("Commands start with / — type /help to see them.\n\n")
            stdout.flush()
            last_ok = False
            continue
        request = to_request(line, user)
        if request is None:
            continue
        reply = core.router.handle(request)
        last_ok = reply.ok
        stdout.write(render(reply, images) + "\n\n")
        stdout.flush()  # the confirmation is printed only after the report is committed
        post_due_to_console(core, stdout)  # a subscribed console sees its alerts right after the command
    return 0 if last_ok else 1
