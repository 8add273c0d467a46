"""Alert fan-out: one contact, 300 subscribed Telegram chats, a Bot API stand-in limited to 30 messages a second.

    python -m bench.alerts_fanout                 # SQLite in a temp dir
    python -m bench.alerts_fanout --channels 300 --database-url postgresql+psycopg://postgres@127.0.0.1/test

Prints, for the fan-out: time from the contact's commit until every alert is posted, against the floor the limit
allows (channels / 30 s), lost and duplicate alerts, and 429s received. Then, for timed posts (a short ladder of
reminders on a few chats, several contacts), the lateness of each post after its due time (median, p99, max).
The real worker, the real `TelegramNotifier` (python-telegram-bot) and the real database are in the loop; only
Telegram is replaced by the stand-in from tests/telegram/standin.py, with a sliding one-second window added.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.alert_worker import AlertWorker
from bot.telegram.notifier import TelegramNotifier
from bot.wiring import Core, build_core
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from storage import alert_posts, subscriptions
from tests.telegram.standin import TOKEN, BotApiStandIn, _error

LIMIT_PER_SECOND = 30


class LimitedStandIn(BotApiStandIn):
    """Answers 429 (retry_after 1) to any send beyond 30 in the last second, as Telegram's flood control does."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.window: deque[float] = deque()
        self.refused = 0

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["method"] in {"sendMessage", "sendPhoto"}:
            now = time.monotonic()
            while self.window and now - self.window[0] >= 1.0:
                self.window.popleft()
            if len(self.window) >= LIMIT_PER_SECOND:
                self.refused += 1
                return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self.window.append(now)
        return await super()._dispatch(request)


def _subscribe(core: Core, chat_ids: range, offsets: str) -> None:
    now = datetime.now(UTC)
    with core.db.transaction() as session:
        for chat_id in chat_ids:
            subscriptions.subscribe(
                session,
                channel=f"telegram:{chat_id}",
                platform="telegram",
                channel_id=str(chat_id),
                by="bench",
                at=now,
                offsets=offsets,
                escalate_after_seconds=0,
            )


def _log_contact(core: Core, parties: str) -> None:
    request = ChatRequest(
        platform=Platform.SLACK,
        user_id="UBENCH",
        channel_id="CBENCH",
        command="contact",
        text=f"at=now parties={parties} source=bench confidence=confirmed",
    )
    reply = core.router.handle(request)
    assert reply.ok, reply.plain()


async def _wait_for(condition: Any, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not finish in time")
        await asyncio.sleep(0.005)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class ServerThread:
    """The stand-in on its own event loop in its own thread, as Telegram is a separate server: the worker's
    loop being busy must not change when requests arrive there."""

    def __init__(self, standin: LimitedStandIn) -> None:
        self.standin = standin
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.standin.start(), self.loop).result(timeout=10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.standin.stop(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


async def bench(channels: int, database_url: str) -> None:
    standin = LimitedStandIn()
    server = ServerThread(standin)
    server.start()
    settings = Settings(
        database_url=database_url,
        telegram_bot_token=TOKEN,
        telegram_api_url=standin.base_url,
        admins="slack:UBENCH",
        tz="UTC",
    )
    core = build_core(settings)
    notifier = TelegramNotifier(settings)
    worker = AlertWorker(core.db, settings, {"telegram": notifier})
    stop = asyncio.Event()
    running = asyncio.ensure_future(worker.run(stop))
    try:
        # --- fan-out ---
        _subscribe(core, range(1, channels + 1), "0h,72h")
        await notifier._ready()
        started = time.perf_counter()
        await asyncio.to_thread(_log_contact, core, "Trump,Putin")
        await _wait_for(lambda: len(standin.sent) >= channels, limit=120)
        elapsed = time.perf_counter() - started
        await asyncio.sleep(1.0)  # anything sent twice would show up now
        per_chat = Counter(sent.chat_id for sent in standin.sent)
        lost = channels - len(per_chat)
        duplicates = sum(count - 1 for count in per_chat.values())
        floor = channels / LIMIT_PER_SECOND
        print(f"fan-out: {channels} chats, stand-in limited to {LIMIT_PER_SECOND} msg/s")
        print(f"  all alerts posted in {elapsed:.2f} s; floor {floor:.2f} s; ratio {elapsed / floor:.3f} (aim ≤ 1.15)")
        print(f"  lost {lost}, duplicates {duplicates}, 429s received {standin.refused}")
        with core.db.reader() as session:
            fanout = [post for post in alert_posts.posts_of(session, 1) if post.sent_at is not None]
        queueing = [(post.sent_at - post.due_at).total_seconds() for post in fanout]  # type: ignore[operator]
        print(
            f"  queueing behind the rate limit: median {statistics.median(queueing):.2f} s, "
            f"max {max(queueing):.2f} s (the floor forces up to {floor:.1f} s)"
        )

        # --- lateness of timed posts ---
        with core.db.transaction() as session:  # the next contacts go to the ladder chats only
            for chat_id in range(1, channels + 1):
                subscriptions.deactivate(session, f"telegram:{chat_id}", "bench: done", at=datetime.now(UTC))
        ladder_chats = range(channels + 1, channels + 11)
        _subscribe(core, ladder_chats, "0s,5s,10s,15s")
        for number in range(3):  # three contacts 1.5 s apart: due times interleave, each chat ≤ 1 post a second
            await asyncio.to_thread(_log_contact, core, f"Leader{number},Other{number}")
            await asyncio.sleep(1.5)
        expected = 3 * len(ladder_chats) * 4

        def all_recorded() -> bool:  # each send's commit is done, not only the request
            with core.db.reader() as session:
                posts = [post for contact_id in (2, 3, 4) for post in alert_posts.posts_of(session, contact_id)]
            return len(posts) == expected and all(post.sent_at is not None for post in posts)

        await _wait_for(all_recorded, limit=60)
        with core.db.reader() as session:
            timed = [
                post
                for contact_id in (2, 3, 4)
                for post in alert_posts.posts_of(session, contact_id)
                if post.kind != "alert"
            ]
        lateness = [(post.sent_at - post.due_at).total_seconds() for post in timed]  # type: ignore[operator]
        print(f"timed posts: {len(lateness)} reminders and summaries on {len(ladder_chats)} chats")
        print(
            f"  lateness after due: median {statistics.median(lateness) * 1000:.0f} ms, "
            f"p99 {_percentile(lateness, 0.99) * 1000:.0f} ms, max {max(lateness) * 1000:.0f} ms (aim: p99 < 1 s)"
        )
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
        await notifier.close()
        server.stop()
        core.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=300)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary directory")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as directory:
        url = arguments.database_url or f"sqlite:///{Path(directory) / 'bench.db'}"
        asyncio.run(bench(arguments.channels, url))


if __name__ == "__main__":
    main()
