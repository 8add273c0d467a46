"""Runs the parts of a callwatch process — one adapter per configured platform, and the alert worker — and keeps
them running.

- **Start-up fails fast and clearly.** Each platform proves its credentials first (`ChatPlatform.check`). A token
  the platform refuses is a `StartupError`: the process stops with that one line and a non-zero exit, because only
  an operator can fix it. A platform that cannot be reached is retried with backoff (until SIGTERM/SIGINT).
- **One part failing does not take the others down.** A part that crashes (its database went away, its platform
  answered garbage) is logged in one line and restarted with exponential backoff; meanwhile `/readyz` names it.
  The others keep serving.
- **Stopping is prompt.** SIGTERM/SIGINT set one stop event every part watches; waits and backoffs watch it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.core import Core
from bot.lifecycle import stop_on_signals
from bot.platforms import ChatPlatform, Listen, PlatformUnreachableError, StartupError

log = logging.getLogger("callwatch.supervisor")

FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0
HEALTHY_AFTER = 60.0  # a part up this long starts its backoff afresh after the next failure


@dataclass(frozen=True)
class Backoff:
    first: float = FIRST_BACKOFF
    most: float = MAX_BACKOFF
    healthy_after: float = HEALTHY_AFTER


Part = Callable[[asyncio.Event], Awaitable[None]]


async def run_services(
    core: Core,
    platforms: list[tuple[ChatPlatform, Listen | None]],
    *,
    worker: bool = True,
    stop: asyncio.Event | None = None,
    backoff: Backoff | None = None,
    worker_started: Callable[[], None] | None = None,
) -> None:
    """Serve every given platform (and the alert worker) until stopped. Raises `StartupError` for a refused token.
    `worker_started` is called once the worker's start-up pass is done (the command line settles memory there)."""
    stop = stop or stop_on_signals()
    backoff = backoff or Backoff()
    parts: dict[str, Part] = {}
    for platform, listen in platforms:
        parts[platform.name] = _serving(core, platform, listen, backoff)
    if worker:
        parts["worker"] = _working(core, worker_started)
    fatal: list[StartupError] = []

    async def supervised(name: str, part: Part) -> None:
        try:
            await keep_running(name, part, core=core, stop=stop, backoff=backoff)
        except StartupError as error:
            fatal.append(error)
            stop.set()  # the process cannot do what it was asked: stop the others and say why

    async with asyncio.TaskGroup() as group:
        for name, part in parts.items():
            group.create_task(supervised(name, part), name=f"part:{name}")
        log.info("services started", extra={"parts": sorted(parts)})
    if fatal:
        raise fatal[0]


async def keep_running(name: str, part: Part, *, core: Core, stop: asyncio.Event, backoff: Backoff) -> None:
    """Run `part` until `stop`; restart it with exponential backoff whenever it fails or returns early."""
    delay = backoff.first
    while not stop.is_set():
        started = time.monotonic()
        core.health.up(name)
        try:
            await part(stop)
            if stop.is_set():
                break
            reason = "stopped unexpectedly"
        except StartupError:
            core.health.down(name, "refused at start")
            raise
        except Exception as error:  # the part's own clean-up has run; what is left is to start it again
            reason = _summary(error)
            log.debug("part %s failed", name, exc_info=error)
        if time.monotonic() - started >= backoff.healthy_after:
            delay = backoff.first
        core.health.down(name, reason)
        log.error("%s failed (%s): restarting in %.0f s", name, reason, delay, extra={"part": name})
        await _pause(stop, delay)
        delay = min(delay * 2, backoff.most)
    core.health.forget(name)


def _serving(core: Core, platform: ChatPlatform, listen: Listen | None, backoff: Backoff) -> Part:
    checked = False

    async def serve(stop: asyncio.Event) -> None:
        nonlocal checked
        if not checked:
            await check_until_reachable(core, platform, stop, backoff, inbound=listen is not None)
            checked = True
        if not stop.is_set():
            await platform.serve(core, stop, listen)

    return serve


def _working(core: Core, started: Callable[[], None] | None) -> Part:
    async def work(stop: asyncio.Event) -> None:
        from bot.alert_worker import run_worker

        await run_worker(core, stop=stop, started=started)

    return work


async def check_until_reachable(
    core: Core, platform: ChatPlatform, stop: asyncio.Event, backoff: Backoff, *, inbound: bool = False
) -> None:
    """`platform.check` until it passes; a refusal is raised. An unreachable platform is retried with backoff — except
    when serving inbound HTTP, which needs nothing from the platform to start: requests are served meanwhile, and
    a refused token still shows on the first reply."""
    delay = backoff.first
    while not stop.is_set():
        try:
            await platform.check(core)
            return
        except PlatformUnreachableError as error:
            if inbound:
                log.warning("%s: %s; serving HTTP anyway", platform.title, error, extra={"part": platform.name})
                return
            core.health.down(platform.name, str(error))
            log.warning("%s: %s; retrying in %.0f s", platform.title, error, delay, extra={"part": platform.name})
            await _pause(stop, delay)
            delay = min(delay * 2, backoff.most)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def _summary(error: BaseException) -> str:
    """The kind of failure, without its message: messages can carry addresses or, from some libraries, secrets."""
    return type(error).__name__
