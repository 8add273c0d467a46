"""Readiness posts in the console chat: `callwatch run` without tokens shows alerts where commands are typed.

The console has no message ids or edits, so a post gets a running number and an update is printed again,
marked as such. The heading is written in the post's own language (its channel's), like the post beneath it.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import TYPE_CHECKING, TextIO

from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from handlers.i18n import _, activate

if TYPE_CHECKING:
    from bot.core import Core


class ConsoleNotifier:
    platform = Platform.CONSOLE

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._numbers = itertools.count(1)

    async def post(self, channel_id: str, message: Reply) -> str:
        number = str(next(self._numbers))
        with activate(message.language):
            self._print(_("[alert to {channel}]").format(channel=channel_id), message)
        return number

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        with activate(message.language):
            self._print(_("[alert {ref} in {channel}, updated]").format(ref=message_ref, channel=channel_id), message)

    def _print(self, heading: str, message: Reply) -> None:
        self.out.write(f"{heading}\n{message.plain()}\n\n")
        self.out.flush()


def post_due_to_console(core: Core, out: TextIO) -> int:
    """Post whatever is due for console channels now, synchronously; the console calls this after each line.

    A one-shot worker pass: the console is a plain read-eval-print loop with no event loop of its own.
    """
    from bot.alert_worker import AlertWorker

    worker = AlertWorker(core.db, core.settings, {"console": ConsoleNotifier(out)}, clock=core.ctx.clock)
    return asyncio.run(worker.run_once())
