"""Time to alert: one contact logged, its alert posted in every subscribed channel — 1,000 Slack channels and
1,000 Telegram groups — against the floor the platforms' documented limits allow, with 1 and 2 workers.

    python -m bench.alerts_fanout                          # SQLite files in a temp dir
    python -m bench.alerts_fanout --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python -m bench.alerts_fanout --channels 300 --runs 3 --platforms telegram --workers 2
    python -m bench.alerts_fanout --platforms slack --round-trip-ms 50   # answers held as slack.com's would be

The real path: the contact goes through the router (planning in its transaction), the real workers claim with
the shared pacing in the database, post through the real `SlackNotifier` / `TelegramNotifier`, and the loopback
stand-ins (tests/slack/standin.py, tests/telegram/standin.py) enforce the documented limits and answer 429:
Slack one post per second per channel; Telegram 30 messages per second overall, one per second per chat and 20
per minute per group. Each worker runs on its own event loop, database engine and HTTP client. Where they run
follows the deployments: on SQLite (one `callwatch run` process) in threads of the bench's process, hearing of
new rows in-process as the worker inside `callwatch run` does; on PostgreSQL (`callwatch worker` processes beside
the servers, deploy/compose) each in a process of its own, woken by PostgreSQL's NOTIFY. The stand-in runs in a
process of its own: slack.com is another machine, and its CPU and interpreter lock are not ours.

Each run logs a contact twice (`--rounds`), the second after every channel's spacing has passed, and times the
second: a running bot, not one whose first statements are still being compiled. The first contact after start-up
is printed beside it, and so is the part of the time the /contact itself took (the plan written in its transaction:
the worker can start only after it commits).

Floors, measured or computed in the same run:
- Telegram: channels / 30 s (the documented overall rate); the stand-in's own time for the same sends is printed
  beside it, and the floor is the larger of the two.
- Slack: one post per channel is within Slack's per-channel limit, so the platform asks for no wait at all; the
  floor is the stand-in's time to take the same N posts sent straight through the same notifier, with no
  database, plan or worker — what the platform and this machine allow. Each worker count has its own floor: one
  sender process per worker, each with the worker's 64 in flight, so two workers are held to 128 in flight on two
  interpreters, not flattered by a floor that keeps only 64 out. On loopback that is the HTTP client's CPU alone;
  `--round-trip-ms` holds each answer as slack.com's network would.
Each figure is the median of --runs runs with the min–max spread. Then, per platform, a burst (20 channels, five
contacts logged back to back, 2 workers) shows the most posts any channel got in any one-second window (and, for
Telegram groups, in any minute) beside the limit, and the 429s received.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import statistics
import tempfile
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy
from aiohttp import web

from bot.alert_worker import AlertWorker
from bot.collector import settle
from bot.core import Core
from bot.slack.notifier import SlackNotifier
from bot.telegram.notifier import TelegramNotifier
from bot.wiring import build_core
from handlers.alerts.delivery import Notifier
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from storage import subscriptions
from tests.slack.standin import StandinSlack
from tests.telegram.standin import TOKEN, BotApiStandIn, _error

TELEGRAM_PER_SECOND = 30
SLACK_TOKEN = "xoxb-bench"
CONCURRENCY = 64  # the worker's batch: posts in flight at once


# --- stand-ins that enforce the documented limits ---------------------------------------------------------------
class Arrivals:
    """When each post reached the stand-in, per channel (perf_counter seconds)."""

    def __init__(self) -> None:
        self.per_channel: dict[str, list[float]] = defaultdict(list)
        self.refused = 0
        self.total = 0
        self.changed: asyncio.Event | None = None  # set on every arrival, for whoever waits in the stand-in

    def add(self, channel: str, at: float) -> None:
        self.per_channel[channel].append(at)
        self.total += 1
        if self.changed is not None:
            self.changed.set()

    def __getstate__(self) -> dict[str, Any]:  # sent to the bench's process without the stand-in's event
        return {**self.__dict__, "changed": None}

    @property
    def last(self) -> float:
        return max(times[-1] for times in self.per_channel.values())

    def most_in(self, seconds: float) -> int:
        """The most posts any one channel received within any window of `seconds`."""
        most = 0
        for times in self.per_channel.values():
            window: deque[float] = deque()
            for at in sorted(times):
                window.append(at)
                while at - window[0] >= seconds:
                    window.popleft()
                most = max(most, len(window))
        return most


@dataclass
class LimitedSlack(StandinSlack):
    """Slack's documented special tier for chat.postMessage: about one message per second per channel."""

    arrivals: Arrivals = field(default_factory=Arrivals)
    round_trip: float = 0.0  # seconds each answer is held: the network between a worker and slack.com

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":
            if self.round_trip:
                await asyncio.sleep(self.round_trip)
            now = time.perf_counter()
            args = dict(await request.post())
            channel = str(args.get("channel") or (await request.json()).get("channel"))
            times = self.arrivals.per_channel.get(channel)
            if times and now - times[-1] < 1.0:
                self.arrivals.refused += 1
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            self.arrivals.add(channel, now)
            ts = f"1751716800.{self.arrivals.total:06d}"
            return web.json_response({"ok": True, "channel": channel, "ts": ts})
        return await super()._api(request)


class LimitedTelegram(BotApiStandIn):
    """Telegram's Bot FAQ limits: 30 messages a second overall, one a second per chat, 20 a minute per group."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.overall: deque[float] = deque()
        self.arrivals = Arrivals()

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "sendMessage":
            now = time.perf_counter()
            fields = dict(await request.post()) if request.content_type != "application/json" else await request.json()
            chat = str(fields.get("chat_id"))
            while self.overall and now - self.overall[0] >= 1.0:
                self.overall.popleft()
            times = self.arrivals.per_channel.get(chat, [])
            recent_minute = [at for at in times if now - at < 60.0]
            if (
                len(self.overall) >= TELEGRAM_PER_SECOND
                or (times and now - times[-1] < 1.0)
                or (chat.startswith("-") and len(recent_minute) >= 20)
            ):
                self.arrivals.refused += 1
                return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self.overall.append(now)
            self.arrivals.add(chat, now)
        return await super()._dispatch(request)


class PlatformProcess:
    """The stand-in in a process of its own, as slack.com or api.telegram.org is another machine: its CPU and its
    interpreter lock are not the workers'. Arrival times are `perf_counter()` readings, which on Linux are
    CLOCK_MONOTONIC and so comparable between the two processes."""

    def __init__(self, platform: str, round_trip: float = 0.0, overall_limit: bool = True) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_serve_platform, args=(platform, round_trip, overall_limit, child), daemon=True
        )
        self.url = ""

    def __enter__(self) -> PlatformProcess:
        self._process.start()
        if not self._connection.poll(60):
            raise TimeoutError("the stand-in process did not start")
        self.url = self._connection.recv()
        return self

    def wait_for(self, count: int, limit: float) -> None:
        """Until `count` posts have arrived (the stand-in watches its own arrivals: no polling across processes)."""
        self._connection.send(("wait", count))
        if not self._connection.poll(limit):
            raise TimeoutError("the workers did not finish in time")
        self._connection.recv()

    def arrivals(self) -> Arrivals:
        self._connection.send(("arrivals", 0))
        arrivals: Arrivals = self._connection.recv()
        return arrivals

    def __exit__(self, *_exc: object) -> None:
        self._connection.send(("stop", 0))
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()


def _serve_platform(platform: str, round_trip: float, overall_limit: bool, connection: Any) -> None:
    asyncio.run(_serve(platform, round_trip, overall_limit, connection))


async def _serve(platform: str, round_trip: float, overall_limit: bool, connection: Any) -> None:
    standin, api, arrivals = _standin(platform, round_trip)
    if not overall_limit:  # the Telegram floor: the stand-in's own speed, without the 30/s limit
        standin.overall = _Unlimited()
    await standin.start()
    connection.send(api())
    loop = asyncio.get_running_loop()
    while True:
        command, count = await loop.run_in_executor(None, connection.recv)
        if command == "wait":
            arrivals.changed = asyncio.Event()
            while arrivals.total < count:
                arrivals.changed.clear()
                await arrivals.changed.wait()
            connection.send(True)
        elif command == "arrivals":
            connection.send(arrivals)
        else:
            break
    await standin.stop()


# --- databases ------------------------------------------------------------------------------------------------
@contextmanager
def fresh_database(base_url: str | None) -> Iterator[str]:
    """A new SQLite file, or a new PostgreSQL schema (dropped afterwards), for one run."""
    if base_url is None or base_url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _subscribe(core: Core, platform: str, chat_ids: list[str]) -> None:
    now = datetime.now(UTC)
    with core.db.transaction() as session:
        for chat_id in chat_ids:
            subscriptions.subscribe(
                session,
                channel=f"{platform}:{chat_id}",
                platform=platform,
                channel_id=chat_id,
                by="bench",
                at=now,
                offsets="0h,72h",
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


# --- workers, each on its own loop ------------------------------------------------------------------------------
class WorkerThread:
    def __init__(self, url: str, settings: Settings, platform: str) -> None:
        self.url, self.settings, self.platform = url, settings, platform
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.ready = threading.Event()
        self.stop: asyncio.Event | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        from storage.database import Database

        database = Database(self.url)
        notifier = _notifier(self.platform, self.settings)
        if isinstance(notifier, TelegramNotifier):
            await notifier._ready()  # getMe once, as a running worker has
        self.stop = asyncio.Event()
        worker = AlertWorker(database, self.settings, {self.platform: notifier})
        self.ready.set()
        try:
            await worker.run(self.stop, started=settle)  # as `callwatch worker` and `run` do (bot/cli/serving.py)
        finally:
            close = getattr(notifier, "close", None)
            if close is not None:
                await close()
            database.dispose()

    def __enter__(self) -> WorkerThread:
        self.thread.start()
        self.ready.wait(timeout=30)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.stop is not None:
            self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout=30)


class WorkerProcess:
    """A worker in a process of its own, as `callwatch worker` is deployed beside PostgreSQL (deploy/compose):
    its CPU and interpreter lock are its own, and it hears of a contact's plan through PostgreSQL's NOTIFY, not
    in-process. On SQLite the bench keeps its workers in threads of its own process, as `callwatch run` does."""

    def __init__(self, url: str, settings: Settings, platform: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        api = settings.slack_api_url if platform == "slack" else settings.telegram_api_url
        self._process = context.Process(target=_serve_worker, args=(url, platform, api, child), daemon=True)

    def __enter__(self) -> WorkerProcess:
        self._process.start()
        if not self._connection.poll(60):
            raise TimeoutError("the worker process did not start")
        self._connection.recv()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._connection.send("stop")
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()


def _serve_worker(url: str, platform: str, api: str, connection: Any) -> None:
    logging.basicConfig(level=logging.ERROR)
    with WorkerThread(url, _settings(platform, url, api), platform):
        connection.send("ready")
        connection.recv()


def _worker_kind(base_url: str | None) -> type[WorkerThread] | type[WorkerProcess]:
    return WorkerProcess if base_url is not None and base_url.startswith("postgresql") else WorkerThread


def _notifier(platform: str, settings: Settings) -> Notifier:
    return SlackNotifier(settings) if platform == "slack" else TelegramNotifier(settings)


def _settings(platform: str, url: str, api: str) -> Settings:
    if platform == "slack":
        return Settings(database_url=url, slack_bot_token=SLACK_TOKEN, slack_api_url=api, admins="slack:UBENCH")
    return Settings(database_url=url, telegram_bot_token=TOKEN, telegram_api_url=api, admins="slack:UBENCH")


def _standin(platform: str, round_trip: float = 0.0) -> tuple[Any, Callable[[], str], Arrivals]:
    if platform == "slack":
        slack = LimitedSlack(round_trip=round_trip)
        return slack, lambda: slack.api_url, slack.arrivals
    telegram = LimitedTelegram()
    return telegram, lambda: telegram.base_url, telegram.arrivals


def _chat_ids(platform: str, count: int, offset: int = 0) -> list[str]:
    return [f"C{offset + n:05d}" if platform == "slack" else str(-1001000000000 - offset - n) for n in range(count)]


@dataclass(frozen=True)
class Run:
    seconds: float  # the last round's: a contact logged to a bot that has logged one before (the steady state)
    first_seconds: float  # the first round's: the first contact after start-up (cold statement caches)
    contact_seconds: float  # of `seconds`, the /contact itself (its plan is written in its transaction)
    lost: int
    duplicates: int
    refused: int
    most_per_second: int
    most_per_minute: int


def fanout(
    platform: str,
    channels: int,
    workers: int,
    base_url: str | None,
    contacts: int = 1,
    round_trip: float = 0.0,
    rounds: int = 2,
) -> Run:
    """Subscribe `channels`; then, `rounds` times, log `contacts` contacts at once and time until every alert of
    that round reached the stand-in. The first round is the first contact after start-up; the last is the steady
    state of a bot that has been running (the one the ratio is taken of)."""
    with PlatformProcess(platform, round_trip) as standin, fresh_database(base_url) as url:
        settings = _settings(platform, url, standin.url)
        core = build_core(settings)
        try:
            chats = _chat_ids(platform, channels)
            _subscribe(core, platform, chats)
            starts: list[float] = []
            kind = _worker_kind(base_url)
            with contextlib_exit_stack([kind(url, settings, platform) for _ in range(workers)]):
                time.sleep(0.5)  # idle workers, as deployed ones are when a contact comes (their start-up pass done)
                for round_number in range(rounds):
                    if round_number:
                        time.sleep(1.5)  # past every channel's spacing after the last round's post
                    starts.append(time.perf_counter())
                    for number in range(contacts):
                        serial = round_number * contacts + number
                        _log_contact(core, f"Leader{serial},Other{serial}")
                    logged = time.perf_counter() - starts[-1]
                    standin.wait_for(channels * contacts * (round_number + 1), limit=600)
                time.sleep(1.0)  # anything sent twice would arrive now
                arrivals = standin.arrivals()
        finally:
            core.close()
    expected = contacts * rounds
    per_chat = {chat: sorted(times) for chat, times in arrivals.per_channel.items()}
    ends = [
        max(times[min(len(times), (number + 1) * contacts) - 1] for times in per_chat.values())
        for number in range(rounds)
    ]
    return Run(
        seconds=ends[-1] - starts[-1],
        first_seconds=ends[0] - starts[0],
        contact_seconds=logged,
        lost=sum(max(0, expected - len(per_chat.get(chat, []))) for chat in chats),
        duplicates=sum(max(0, len(times) - expected) for times in per_chat.values()),
        refused=arrivals.refused,
        most_per_second=arrivals.most_in(1.0),
        most_per_minute=arrivals.most_in(60.0),
    )


@contextmanager
def contextlib_exit_stack(managers: Sequence[AbstractContextManager[Any]]) -> Iterator[None]:
    from contextlib import ExitStack

    with ExitStack() as stack:
        for manager in managers:
            stack.enter_context(manager)
        yield


def direct_sends(platform: str, channels: int, round_trip: float = 0.0, senders: int = 1) -> float:
    """The same N posts straight through the notifier, no database and no worker: one sender per worker, each in a
    process of its own (its own CPU, loop and HTTP client) with the worker's 64 in flight, the channels dealt
    between them. Processes are the strictest floor: the bench's workers never have more room than this."""
    with PlatformProcess(platform, round_trip, overall_limit=False) as standin:
        context = multiprocessing.get_context("spawn")
        chats = _chat_ids(platform, channels)
        pipes, processes = [], []
        for index in range(senders):
            mine, child = context.Pipe()
            process = context.Process(
                target=_send_directly, args=(platform, standin.url, chats[index::senders], child), daemon=True
            )
            process.start()
            pipes.append(mine)
            processes.append(process)
        try:
            for pipe in pipes:  # each has made its client (and, for Telegram, asked getMe) before the clock starts
                if not pipe.poll(60):
                    raise TimeoutError("a direct sender did not start")
                pipe.recv()
            for pipe in pipes:
                pipe.send("go")
            started = min(pipe.recv() for pipe in pipes)
        finally:
            for process in processes:
                process.join(timeout=30)
        return standin.arrivals().last - started


def _send_directly(platform: str, api: str, chats: list[str], connection: Any) -> None:
    settings = _settings(platform, "sqlite://", api)

    async def send_all() -> None:
        notifier = _notifier(platform, settings)
        if isinstance(notifier, TelegramNotifier):
            await notifier._ready()
        gate = asyncio.Semaphore(CONCURRENCY)
        message = Reply(title="READINESS ALERT · contact #1 · call · Leader, Other", text="bench " * 40)

        async def one(chat: str) -> None:
            async with gate:
                await notifier.post(chat, message)

        connection.send("ready")
        await asyncio.get_running_loop().run_in_executor(None, connection.recv)
        connection.send(time.perf_counter())
        await asyncio.gather(*(one(chat) for chat in chats))
        close = getattr(notifier, "close", None)
        if close is not None:
            await close()

    asyncio.run(send_all())


class _Unlimited(deque):  # type: ignore[type-arg]
    def __len__(self) -> int:
        return 0


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} (min {min(values):.2f} – max {max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--platforms", default="slack,telegram")
    parser.add_argument("--workers", default="1,2", help="worker counts to try, comma separated")
    parser.add_argument("--database-url", default=None, help="default: SQLite files in a temporary directory")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="contacts logged one after another in each run; the last is timed (default 2: the first warms up)",
    )
    parser.add_argument(
        "--round-trip-ms",
        type=float,
        default=0.0,
        help="Slack only: hold each post's answer this long, as the network to slack.com would (default 0: loopback)",
    )
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    worker_counts = [int(part) for part in arguments.workers.split(",")]
    database = "SQLite" if not arguments.database_url else arguments.database_url.split("@")[-1]
    round_trip = arguments.round_trip_ms / 1000
    print(f"time to alert: {arguments.channels} channels, {arguments.runs} runs each, database {database}")
    if round_trip:
        print(f"Slack answers held {arguments.round_trip_ms:g} ms (a network round trip), floor and workers alike")
    for platform in arguments.platforms.split(","):
        documented = arguments.channels / TELEGRAM_PER_SECOND if platform == "telegram" else 0.0
        print(f"\n{platform}:")
        if platform == "telegram":
            print(f"  documented 30 msg/s: {documented:.2f} s")
        else:
            print("  1 post per channel is within Slack's 1/s per channel: each floor is the stand-in's time for the")
            print("  same posts sent directly at the workers' concurrency (no database, no worker)")
        for count in worker_counts:
            direct = [
                direct_sends(platform, arguments.channels, round_trip, senders=count) for _ in range(arguments.runs)
            ]
            floor = max(documented, statistics.median(direct))
            print(
                f"  floor for {count} worker{'s' if count != 1 else ''}: {floor:.2f} s "
                f"(stand-in direct, {count} sender process{'es' if count != 1 else ''} of {CONCURRENCY} in flight: "
                f"{_spread(direct)} s)"
            )
            runs = [
                fanout(
                    platform,
                    arguments.channels,
                    count,
                    arguments.database_url,
                    round_trip=round_trip,
                    rounds=arguments.rounds,
                )
                for _ in range(arguments.runs)
            ]
            seconds = [run.seconds for run in runs]
            ratios = [value / floor for value in seconds]
            print(
                f"  {count} worker{'s' if count != 1 else ' '}: {_spread(seconds)} s; ratio to floor "
                f"{_spread(ratios)}; lost {sum(run.lost for run in runs)}, doubled "
                f"{sum(run.duplicates for run in runs)}, 429s {sum(run.refused for run in runs)}, "
                f"most posts to one channel in 1 s: {max(run.most_per_second for run in runs)} (limit 1)"
            )
            print(
                f"    of which the /contact itself (plan written): {_spread([run.contact_seconds for run in runs])} s; "
                f"the first contact after start-up: {_spread([run.first_seconds for run in runs])} s, ratio "
                f"{_spread([run.first_seconds / floor for run in runs])}"
            )
        burst = fanout(platform, 20, 2, arguments.database_url, contacts=5, rounds=1)
        limit_minute = " (limit 20)" if platform == "telegram" else ""
        print(
            f"  burst, 20 channels x 5 contacts at once, 2 workers: {burst.seconds:.2f} s; most posts to one channel "
            f"in any 1 s: {burst.most_per_second} (limit 1), in any 60 s: {burst.most_per_minute}{limit_minute}; "
            f"lost {burst.lost}, doubled {burst.duplicates}, 429s {burst.refused}"
        )


if __name__ == "__main__":
    main()
