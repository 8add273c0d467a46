"""Slack gets its HTTP response (or Socket Mode envelope ack) the moment a listener calls `ack()`; whatever the
listener does after that runs on as a task.

Why not bolt's default: with `process_before_response=False`, bolt starts the listener as a task and then polls
every 10 ms until `ack()` has been called, so every command, however fast, waited about 11 ms in that loop (a
bare bolt app as much as ours). With `process_before_response=True` bolt answers as soon as the listener
returns, with no polling, but then any work a listener does after its ack (answering through `response_url`,
uploading a chart, opening a modal, announcing a submitted form) would hold the response back. Wrapping each
listener so that it returns at its ack and leaves the rest running gives both: the response leaves at the ack,
and deferred replies still follow through `response_url` exactly as before.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

log = logging.getLogger("callwatch.slack")

Listener = Callable[..., Awaitable[Any]]

# The work listeners do after their ack: held here so the event loop does not drop a task it only weakly references.
_after_ack: set[asyncio.Future[Any]] = set()


def answer_at_ack(listener: Listener) -> Listener:
    """`listener`, returning as soon as it has called `ack()` (or finished, or raised before acking)."""
    if getattr(listener, "_answers_at_ack", False):
        return listener

    @functools.wraps(listener)  # bolt reads the wrapped listener's argument names through __wrapped__
    async def run(**kwargs: Any) -> Any:
        ack = kwargs.get("ack")
        if ack is None:
            return await listener(**kwargs)
        acked = asyncio.Event()

        async def ack_and_signal(*args: Any, **options: Any) -> Any:
            try:
                return await ack(*args, **options)
            finally:
                acked.set()

        work = asyncio.ensure_future(listener(**{**kwargs, "ack": ack_and_signal}))
        waiting = asyncio.ensure_future(acked.wait())
        await asyncio.wait({work, waiting}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if not acked.is_set():
            return work.result()  # finished (or failed) without answering: bolt handles it as it always has
        if work.done():  # acked, and the rest already done: a failure after the ack must not undo the answer
            _finished(work)
            return None
        _after_ack.add(work)
        work.add_done_callback(_finished)
        return None

    run._answers_at_ack = True  # type: ignore[attr-defined]
    return run


def answer_every_listener_at_ack(app: AsyncApp) -> None:
    """Wrap every listener registered on `app` (ours and those other modules register) with `answer_at_ack`.

    Call it after the last registration and build the app with `process_before_response=True`.
    """
    for listener in app._async_listeners:  # bolt keeps no public list; tests/slack check every kind answers at ack
        function = getattr(listener, "ack_function", None)
        if function is not None:
            listener.ack_function = answer_at_ack(function)  # type: ignore[attr-defined]


async def finish_pending(within: float) -> None:
    """Let work that followed an ack finish (a deferred reply, an upload), for at most `within` seconds."""
    loop = asyncio.get_running_loop()
    mine = {work for work in _after_ack if work.get_loop() is loop}
    if mine:
        await asyncio.wait(mine, timeout=within)


def _finished(work: asyncio.Future[Any]) -> None:
    _after_ack.discard(work)
    if work.cancelled():
        return
    error = work.exception()
    if error is not None:
        log.error("slack listener failed after its ack: %s", error, exc_info=error)
