"""Scale test: two Slack HTTP replicas and two alert workers on one PostgreSQL, against one of each, same run.

    /tmp/venv/bin/python -m bench.scale                  # 2,000 commands, 50 contacts, 20 channels, 20 in flight
    /tmp/venv/bin/python -m bench.scale --quick          # 200 commands, 5 contacts, 4 channels
    /tmp/venv/bin/python -m bench.scale --commands 2000 --contacts 50 --channels 20 --concurrency 20 --rounds 3

Run from the repository root (it imports the Slack stand-in from tests/slack/standin.py). Every callwatch piece is
a real process, started the way an operator would: `callwatch db upgrade`, then `callwatch serve slack --http
--port N` per replica and `callwatch worker` per worker, each against a fresh PostgreSQL schema that is dropped at
the end. Slack is replaced by the stand-in Web API, run in this process on its own thread and loopback port, so
every chat.postMessage a worker makes is recorded. This process only signs, sends, times and counts.

Each scenario (2 replicas + 2 workers, then 1 + 1 on a new schema; `--rounds N` repeats both, alternating which
goes first, and reports the median throughput, because on a small machine one pair of runs is mostly noise):

1. `/alerts subscribe offsets=0h,72h escalate=off` from an admin in each channel. A contact then plans exactly
   two posts per channel: the alert, due at once, and the window-close summary, due in 72 h. So during the run
   exactly one post per (contact, channel) is due, and any second one is a duplicate.
2. N signed slash commands, round-robin over the replicas, `--concurrency` in flight: `--contacts` `/contact
   at=now` with distinct parties (each opens its own window), the rest `/strike`, `/timeline` and `/help`.
3. Wait (bounded) until the stand-in holds an alert for every (contact, channel), then a little longer so a
   late duplicate would show.

"Stored" is counted in the database, not from the replies: every write command (contact, strike) must be there
exactly once under its own Slack trigger id, with its audit entry; every read must be answered 200 with a reply
that is not an error. Alerts are counted from what the stand-in received, keyed by (contact id, channel).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlencode

import aiohttp
import sqlalchemy
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from tests.slack.standin import StandinSlack, _arguments

SECRET = "scale-signing-secret"
TOKEN = "xoxb-scale"
ADMIN = "UADMIN"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ALERT_TITLE = re.compile(r"READINESS ALERT · contact #(\d+)")
START_TIMEOUT = 30.0  # seconds for a process to come up
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
REQUEST_TIMEOUT = 30.0  # one slash command; Slack itself gives up after 3
SETTLE_SECONDS = 3.0  # after the last expected alert, so a duplicate sent just behind it still shows
BENIGN_LOG_EVENTS = (
    "`token` will be unused",  # bolt, at start: our AsyncApp is given a ready client, so its token is not needed
)
WARMUP_PER_REPLICA = 10  # /help requests per replica before timing, not counted


# --- the stand-in, on its own loop and thread -------------------------------------------------------------------
@dataclass
class TimedStandin(StandinSlack):
    """The tests' stand-in, also noting when each chat.postMessage arrived (for drain time and per-channel rate)."""

    posted_at: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, channel)

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":  # aiohttp caches the body: the parent reads it again
            self.posted_at.append((time.monotonic(), str((await _arguments(request)).get("channel", ""))))
        return await super()._api(request)


class StandinThread:
    """The stand-in runs on its own event loop, as Slack is a separate server: our load generator being busy
    must not delay the workers' posts, nor the slow-reply posts to response_url."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="slack-standin", daemon=True)
        self.standin = TimedStandin()

    def __enter__(self) -> StandinThread:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.standin.start(), self.loop).result(timeout=10)
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self.standin.stop(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    def snapshot(self) -> tuple[list[dict[str, Any]], list[tuple[float, str]], list[str]]:
        """Copies taken on the stand-in's own loop, so no list is read while it grows."""

        async def take() -> tuple[list[dict[str, Any]], list[tuple[float, str]], list[str]]:
            posts = [call.args for call in self.standin.calls if call.method == "chat.postMessage"]
            texts = [str(body.get("text", "")) for body in self.standin.responses]
            return posts, list(self.standin.posted_at), texts

        return asyncio.run_coroutine_threadsafe(take(), self.loop).result(timeout=10)

    def reset(self) -> None:
        async def clear() -> None:
            self.standin.calls.clear()
            self.standin.responses.clear()
            self.standin.posted_at.clear()

        asyncio.run_coroutine_threadsafe(clear(), self.loop).result(timeout=10)


# --- the database schema ------------------------------------------------------------------------------------------
class Schema:
    """A fresh PostgreSQL schema per scenario, so the two scenarios cannot see each other's rows."""

    def __init__(self, admin: sqlalchemy.Engine, base_url: str) -> None:
        self.admin = admin
        self.name = f"scale_{uuid.uuid4().hex[:10]}"
        separator = "&" if "?" in base_url else "?"
        self.url = f"{base_url}{separator}options={quote(f'-csearch_path={self.name}')}"

    def create(self) -> None:
        with self.admin.begin() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{self.name}"'))

    def drop(self) -> None:
        with self.admin.begin() as connection:
            connection.execute(sqlalchemy.text("SET LOCAL lock_timeout = '10s'"))  # bounded even if a process hangs
            connection.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))


# --- processes ----------------------------------------------------------------------------------------------------
def callwatch_command() -> list[str]:
    found = shutil.which("callwatch", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "bot.cli.main"]


def process_env(database_url: str, api_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TELEGRAM_", "CALLWATCH_"))}
    env.update(
        {
            "CALLWATCH_DATABASE_URL": database_url,
            "CALLWATCH_ADMINS": f"slack:{ADMIN}",
            "CALLWATCH_TZ": "UTC",
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": api_url,
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _open_log(path: Path) -> TextIO:
    return path.open("w")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a live process (Linux /proc); None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Running:
    name: str
    process: asyncio.subprocess.Process
    log: Path
    url: str | None = None
    cpu_start: float | None = None
    cpu: float | None = None


class Processes:
    """Every process this scenario started; `stop_all` terminates each, then kills any that outlive the grace."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        self.running: list[Running] = []

    async def start(self, name: str, *args: str) -> Running:
        log_path = self.workdir / f"{name}.log"
        log = await asyncio.to_thread(_open_log, log_path)
        try:
            process = await asyncio.create_subprocess_exec(
                *callwatch_command(), *args, cwd=self.workdir, env=self.env, stdout=log, stderr=log
            )
        finally:
            log.close()  # the child holds its own copy
        running = Running(name, process, log_path)
        self.running.append(running)
        return running

    async def serve(self, name: str, session: aiohttp.ClientSession) -> Running:
        port = free_port()
        running = await self.start(name, "serve", "slack", "--http", "--port", str(port))
        running.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if running.process.returncode is not None:
                raise RuntimeError(f"{name} exited with {running.process.returncode}; see {running.log}")
            try:
                async with session.get(f"{running.url}/readyz") as response:
                    if response.status == 200:
                        return running
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
        raise TimeoutError(f"{name} not ready within {START_TIMEOUT:.0f} s; see {running.log}")

    async def worker(self, name: str) -> Running:
        running = await self.start(name, "worker")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if running.process.returncode is not None:
                raise RuntimeError(f"{name} exited with {running.process.returncode}; see {running.log}")
            if "alert worker started" in await asyncio.to_thread(running.log.read_text):
                return running
            await asyncio.sleep(0.1)
        raise TimeoutError(f"{name} did not start within {START_TIMEOUT:.0f} s; see {running.log}")

    async def run_once(self, name: str, *args: str) -> None:
        running = await self.start(name, *args)
        try:
            code = await asyncio.wait_for(running.process.wait(), START_TIMEOUT)
        finally:
            self.running.remove(running)
            if running.process.returncode is None:
                running.process.kill()
                await running.process.wait()
        if code != 0:
            raise RuntimeError(f"callwatch {' '.join(args)} exited with {code}: {running.log.read_text()[-2000:]}")

    def sample_cpu(self, *, start: bool) -> None:
        """At the start of the load note each process's CPU so far (start-up, imports); at the end keep the
        difference, so the figure is the command phase alone."""
        for running in self.running:
            now = cpu_seconds(running.process.pid)
            if start:
                running.cpu_start = now
            elif now is not None and running.cpu_start is not None:
                running.cpu = now - running.cpu_start

    async def stop_all(self) -> dict[str, int | None]:
        for running in self.running:
            if running.process.returncode is None:
                running.process.terminate()
        codes: dict[str, int | None] = {}
        for running in self.running:
            try:
                codes[running.name] = await asyncio.wait_for(running.process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                running.process.kill()
                await running.process.wait()
                codes[running.name] = None  # had to be killed
        return codes


# --- the load -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Command:
    index: int
    command: str
    text: str
    user: str
    channel: str

    @property
    def writes(self) -> bool:
        return self.command in {"contact", "strike"}


def plan_load(total: int, contacts: int, channels: list[str], seed: int) -> list[Command]:
    """A fixed, seeded mix: contacts spread evenly through the run, the rest strikes, timelines and help.

    Each contact names its own pair of parties, so none falls within two hours of another of the same pair and
    each opens its own readiness window. Writes come from the admin; reads from the admin or from members
    without a role (viewers), so the role lookup in the database is part of the load too.
    """
    rng = random.Random(seed)
    # Spread evenly; the k-th contact's index has k's parity, so round-robin gives each of two replicas half.
    spread = ((k * total) // contacts + total // (2 * contacts) for k in range(contacts))
    evenly = [min(total - 1, at) for at in spread]
    contact_at = {min(total - 1, at + (at - k) % 2) for k, at in enumerate(evenly)}
    if len(contact_at) < contacts:  # too dense to shift (more than one contact in two commands): keep them even
        contact_at = set(evenly)
    load: list[Command] = []
    next_contact = 0
    for index in range(total):
        channel = channels[index % len(channels)]
        if index in contact_at:
            text = f"at=now parties=Scale{next_contact:04d}East,Scale{next_contact:04d}West kind=call source=bench"
            load.append(Command(index, "contact", text + " confidence=confirmed", ADMIN, channel))
            next_contact += 1
            continue
        draw = rng.random()
        reader = rng.choice([ADMIN, f"UMEMBER{rng.randrange(10)}"])
        if draw < 0.40:
            text = (
                f"at=now drones={rng.randint(1, 600)} missiles={rng.randint(0, 20)} "
                f"region={rng.choice(['Kyiv', 'Kharkiv', 'Odesa', 'Lviv'])} source=bench"
            )
            load.append(Command(index, "strike", text, ADMIN, channel))
        elif draw < 0.75:
            text = rng.choice(["", "", "kind=strike", "kind=contact", "from=yesterday"])
            load.append(Command(index, "timeline", text, reader, channel))
        else:
            load.append(Command(index, "help", rng.choice(["", "contact", "alerts"]), reader, channel))
    return load


def signed(command: str, text: str, *, user: str, channel: str, trigger: str, response_url: str) -> tuple[bytes, dict]:
    """A slash-command POST body as Slack sends it, signed as slack_sdk's SignatureVerifier checks it."""
    body = urlencode(
        {
            "token": "legacy",
            "team_id": "T1",
            "team_domain": "standin",
            "channel_id": channel,
            "channel_name": channel.lower(),
            "user_id": user,
            "user_name": user.lower(),
            "command": f"/{command}",
            "text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger,
        }
    )
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    headers = {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return body.encode(), headers


@dataclass
class Answer:
    command: Command
    status: int
    latency_ms: float
    text: str
    url: str


async def send(session: aiohttp.ClientSession, url: str, item: Command, *, tag: str, response_url: str) -> Answer:
    body, headers = signed(
        item.command,
        item.text,
        user=item.user,
        channel=item.channel,
        trigger=f"scale.{tag}.{item.index}",
        response_url=response_url,
    )
    started = time.perf_counter()
    try:
        async with session.post(f"{url}/slack/events", data=body, headers=headers) as response:
            raw = await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as error:
        return Answer(item, 0, (time.perf_counter() - started) * 1000, f"{type(error).__name__}: {error}", url)
    latency = (time.perf_counter() - started) * 1000
    try:
        text = str(json.loads(raw).get("text", "")) if raw else ""
    except (json.JSONDecodeError, AttributeError):
        text = raw.decode(errors="replace")[:200]
    return Answer(item, status, latency, text, url)


async def drive(
    session: aiohttp.ClientSession, urls: list[str], load: list[Command], concurrency: int, *, tag: str, rsp: str
) -> tuple[list[Answer], float]:
    """`concurrency` clients taking the next command in order; command i goes to replica i mod len(urls)."""
    answers: list[Answer] = []
    position = iter(load)

    async def client() -> None:
        for item in position:  # shared iterator: each command is taken by exactly one client
            answers.append(await send(session, urls[item.index % len(urls)], item, tag=tag, response_url=rsp))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return answers, time.perf_counter() - started


# --- counting ----------------------------------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else float("nan")


@dataclass
class Stored:
    contacts: int
    contact_keys: set[str]
    contact_windows: list[int]  # ids of contacts that opened a window (not a same-contact duplicate)
    strikes: int
    strike_keys: set[str]
    audit: Counter[str]
    posts: Counter[tuple[str, str]]  # (kind, state) → rows
    alert_delay: list[float]  # seconds from due to sent, per alert
    alert_senders: Counter[str]


def read_database(url: str) -> Stored:
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as db:
            q = sqlalchemy.text
            contacts = db.execute(q("SELECT id, request_key, duplicate_of_id FROM contact_report")).all()
            strikes = db.execute(q("SELECT request_key FROM strike_report")).all()
            audit = db.execute(q("SELECT action, count(*) FROM audit_log GROUP BY action")).all()
            posts = db.execute(q("SELECT kind, state, count(*) FROM alert_post GROUP BY kind, state")).all()
            sent = db.execute(
                q(
                    "SELECT extract(epoch FROM sent_at - due_at), claimed_by FROM alert_post"
                    " WHERE kind = 'alert' AND state = 'sent'"
                )
            ).all()
    finally:
        engine.dispose()
    return Stored(
        contacts=len(contacts),
        contact_keys={key for _, key, _ in contacts if key},
        contact_windows=[row_id for row_id, _, duplicate_of in contacts if duplicate_of is None],
        strikes=len(strikes),
        strike_keys={key for (key,) in strikes if key},
        audit=Counter({action: count for action, count in audit}),
        posts=Counter({(kind, state): count for kind, state, count in posts}),
        alert_delay=[float(delay) for delay, _ in sent],
        alert_senders=Counter(sender.rsplit(":", 1)[0] for _, sender in sent),
    )


def alerts_sent_in_database(url: str) -> tuple[int, int]:
    """(alert rows, of which sent): the wait ends only once every send has also been recorded."""
    engine = sqlalchemy.create_engine(url)
    try:
        with engine.connect() as db:
            row = db.execute(
                sqlalchemy.text(
                    "SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM alert_post WHERE kind = 'alert'"
                )
            ).one()
    finally:
        engine.dispose()
    return int(row[0]), int(row[1])


def alert_keys(posts: list[dict[str, Any]]) -> tuple[Counter[tuple[int, str]], int]:
    """(contact id, channel) of every readiness alert the stand-in received; and how many other posts came."""
    keys: Counter[tuple[int, str]] = Counter()
    other = 0
    for args in posts:
        match = ALERT_TITLE.search(str(args.get("text", "")))
        if match is None:
            other += 1
            continue
        keys[(int(match.group(1)), str(args.get("channel", "")))] += 1
    return keys, other


def peak_per_channel_second(posted_at: list[tuple[float, str]]) -> int:
    """The most posts one channel got within any one second: Slack allows about one a second per channel."""
    by_channel: dict[str, list[float]] = {}
    for at, channel in posted_at:
        by_channel.setdefault(channel, []).append(at)
    peak = 0
    for times in by_channel.values():
        times.sort()
        start = 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            peak = max(peak, end - start + 1)
    return peak


def close_posts(posted_at: list[tuple[float, str]], within: float = 0.5) -> int:
    """Posts that reached a channel less than `within` s after the previous one there: a pacer keeping one a
    second per channel never does that, whatever the network jitter."""
    last: dict[str, float] = {}
    close = 0
    for at, channel in sorted(posted_at):
        close += channel in last and at - last[channel] < within
        last[channel] = at
    return close


def log_problems(path: Path) -> tuple[Counter[str], list[str]]:
    """Warnings and errors a process logged (its JSON lines), with a few examples; anything not JSON counts too."""
    levels: Counter[str] = Counter()
    examples: list[str] = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
            level = str(entry.get("level", "?"))
        except (json.JSONDecodeError, AttributeError):
            level = "unstructured"
            entry = {"event": line}
        if any(benign in str(entry.get("event")) for benign in BENIGN_LOG_EVENTS):
            continue
        if level in {"warning", "error", "critical", "unstructured"}:
            levels[level] += 1
            if len(examples) < 3:
                examples.append(f"{level}: {str(entry.get('event'))[:160]} {str(entry.get('error', ''))[-300:]}")
    return levels, examples


# --- one scenario ------------------------------------------------------------------------------------------------
@dataclass
class Result:
    label: str
    replicas: int
    workers: int
    commands: int = 0
    answered_200: int = 0
    failed_answers: list[str] = field(default_factory=list)
    deferred: int = 0
    deferred_delivered: int = 0
    writes_sent: int = 0
    writes_stored_once: int = 0
    reads_sent: int = 0
    reads_ok: int = 0
    contacts_sent: int = 0
    contacts_stored: int = 0
    strikes_sent: int = 0
    strikes_stored: int = 0
    audit_writes: int = 0
    alerts_expected: int = 0
    alerts_posted: int = 0
    duplicates: int = 0
    lost: int = 0
    unexpected: int = 0
    other_posts: int = 0
    peak_per_channel: int = 0
    close_posts: int = 0
    alert_rows: Counter[tuple[str, str]] = field(default_factory=Counter)
    alert_delay: list[float] = field(default_factory=list)
    alert_senders: Counter[str] = field(default_factory=Counter)
    drain_seconds: float = float("nan")
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    per_replica: dict[str, list[float]] = field(default_factory=dict)
    per_kind: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float | None] = field(default_factory=dict)
    exit_codes: dict[str, int | None] = field(default_factory=dict)
    log_levels: dict[str, Counter[str]] = field(default_factory=dict)
    log_examples: dict[str, list[str]] = field(default_factory=dict)
    timed_out: bool = False

    @property
    def throughput(self) -> float:
        return self.commands / self.elapsed if self.elapsed else float("nan")


@dataclass(frozen=True)
class Options:
    commands: int
    contacts: int
    channels: int
    concurrency: int
    alert_timeout: float
    seed: int
    postgres_url: str
    keep_logs: bool
    rounds: int


async def scenario(
    options: Options, replicas: int, workers: int, admin: sqlalchemy.Engine, server: StandinThread, root: Path
) -> Result:
    result = Result(
        f"{replicas} replica{'s' * (replicas > 1)} + {workers} worker{'s' * (workers > 1)}", replicas, workers
    )
    schema = Schema(admin, options.postgres_url)
    workdir = Path(tempfile.mkdtemp(prefix=f"r{replicas}w{workers}-", dir=root))  # one per round
    server.reset()
    standin = server.standin
    await asyncio.to_thread(schema.create)
    processes = Processes(workdir, process_env(schema.url, standin.api_url))
    channels = [f"C{number:03d}" for number in range(1, options.channels + 1)]
    tag = uuid.uuid4().hex[:8]
    connector = aiohttp.TCPConnector(limit=options.concurrency, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    try:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            await processes.run_once("db-upgrade", "db", "upgrade")
            served = [await processes.serve(f"slack-{n}", session) for n in range(1, replicas + 1)]
            for n in range(1, workers + 1):
                await processes.worker(f"worker-{n}")
            urls = [running.url for running in served if running.url]

            # Setup: an admin subscribes each channel; then a short warm-up per replica (not counted).
            for number, channel in enumerate(channels):
                subscribe = Command(-1 - number, "alerts", "subscribe offsets=0h,72h escalate=off", ADMIN, channel)
                answer = await send(session, urls[number % len(urls)], subscribe, tag=f"{tag}s", response_url="")
                if answer.status != 200 or "now receives readiness alerts" not in answer.text:
                    raise RuntimeError(f"/alerts subscribe in {channel} failed: {answer.status} {answer.text}")
            warmup = [Command(i, "help", "", ADMIN, channels[0]) for i in range(WARMUP_PER_REPLICA * len(urls))]
            await drive(session, urls, warmup, min(options.concurrency, len(warmup)), tag=f"{tag}w", rsp="")

            # The load.
            load = plan_load(options.commands, options.contacts, channels, options.seed)
            processes.sample_cpu(start=True)
            answers, result.elapsed = await drive(
                session, urls, load, options.concurrency, tag=tag, rsp=standin.response_url("deferred")
            )
            load_done = time.monotonic()
            processes.sample_cpu(start=False)  # the command phase only; the alert drain waits on the pacer

            # Wait for the alerts: every (contact, channel) seen by the stand-in and recorded sent in the database.
            contacts_in_db = len((await asyncio.to_thread(read_database, schema.url)).contact_windows)
            expected = contacts_in_db * len(channels)
            deadline = load_done + options.alert_timeout
            while True:
                posts, posted_at, responses = server.snapshot()
                keys, _ = alert_keys(posts)
                rows, sent = await asyncio.to_thread(alerts_sent_in_database, schema.url)
                deferred = sum(answer.text.startswith("Working on") for answer in answers)
                if len(keys) >= expected and sent == rows and len(responses) >= deferred:
                    break
                if time.monotonic() > deadline:
                    result.timed_out = True
                    break
                await asyncio.sleep(0.2)
            if posted_at:
                result.drain_seconds = max(at for at, _ in posted_at) - load_done
            await asyncio.sleep(SETTLE_SECONDS)
            posts, posted_at, responses = server.snapshot()
            stored = await asyncio.to_thread(read_database, schema.url)
    finally:
        result.exit_codes = await processes.stop_all()
        for running in processes.running:
            result.cpu[running.name] = running.cpu
            levels, examples = await asyncio.to_thread(log_problems, running.log)
            result.log_levels[running.name], result.log_examples[running.name] = levels, examples
        await asyncio.to_thread(schema.drop)

    # --- commands ---
    result.commands = len(answers)
    by_index = {answer.command.index: answer for answer in answers}
    for item in load:
        answer = by_index.get(item.index)
        if answer is None or answer.status != 200:
            result.failed_answers.append(f"#{item.index} /{item.command}: {answer.status if answer else 'unsent'}")
            continue
        result.answered_200 += 1
        result.latencies.append(answer.latency_ms)
        result.per_replica.setdefault(answer.url, []).append(answer.latency_ms)
        result.per_kind.setdefault(item.command, []).append(answer.latency_ms)
        if answer.text.startswith("Working on"):
            result.deferred += 1
        elif answer.text.startswith("⚠"):
            result.failed_answers.append(f"#{item.index} /{item.command} {item.text!r}: {answer.text[:160]}")
        elif not item.writes:
            result.reads_ok += 1
    result.deferred_delivered = len(responses)
    result.failed_answers += [f"late reply: {text[:160]}" for text in responses if text.startswith("⚠")]
    writes = [item for item in load if item.writes]
    keys_sent = {f"slack:cmd:T1:{item.user}:scale.{tag}.{item.index}": item for item in writes}
    result.writes_sent = len(writes)
    result.reads_sent = len(load) - len(writes)
    result.contacts_sent = sum(item.command == "contact" for item in writes)
    result.strikes_sent = len(writes) - result.contacts_sent
    result.contacts_stored, result.strikes_stored = stored.contacts, stored.strikes
    stored_keys = stored.contact_keys | stored.strike_keys
    result.writes_stored_once = sum(
        key in stored_keys for key in keys_sent
    )  # request_key is unique in both tables, so "present" is "exactly once"
    if stored.contacts + stored.strikes != len(stored_keys):
        result.failed_answers.append(f"{stored.contacts + stored.strikes - len(stored_keys)} stored rows share a key")
    result.audit_writes = stored.audit["contact.log"] + stored.audit["strike.log"]

    # --- alerts ---
    keys, result.other_posts = alert_keys(posts)
    expected_keys = {(contact_id, channel) for contact_id in stored.contact_windows for channel in channels}
    result.alerts_expected = len(expected_keys)
    result.alerts_posted = sum(keys.values())
    result.duplicates = sum(count - 1 for count in keys.values() if count > 1)
    result.lost = len(expected_keys - set(keys))
    result.unexpected = len(set(keys) - expected_keys)
    result.peak_per_channel = peak_per_channel_second(posted_at)
    result.close_posts = close_posts(posted_at)
    result.alert_rows, result.alert_delay, result.alert_senders = stored.posts, stored.alert_delay, stored.alert_senders
    return result


# --- the report --------------------------------------------------------------------------------------------------
def _fmt(value: float, unit: str = "", digits: int = 1) -> str:
    return "—" if value != value else f"{value:.{digits}f}{unit}"  # NaN → dash


def _each(runs: list[Result], cell: Callable[[Result], str]) -> str:
    """One value when every round agrees (the usual case for counts), else each round's, in order."""
    values = [cell(run) for run in runs]
    return values[0] if len(set(values)) == 1 else " · ".join(values)


def _pooled(runs: list[Result], pick: Callable[[Result], list[float]]) -> list[float]:
    return [value for run in runs for value in pick(run)]


def report(results: list[Result], options: Options, bench_cpu: float) -> bool:
    """Print the table (one column per setup; rounds pooled or listed); True when every check passed."""
    setups: dict[str, list[Result]] = {}
    for result in results:
        setups.setdefault(result.label, []).append(result)
    rounds = max(len(runs) for runs in setups.values())
    print()
    print(
        f"callwatch scale test — {options.commands} slash commands ({options.contacts} /contact), "
        f"{options.channels} subscribed channels, {options.concurrency} in flight, {os.cpu_count()} CPUs, PostgreSQL, "
        f"{rounds} round{'s' * (rounds > 1)} per setup (alternating which goes first)"
    )
    print("  alerts: offsets=0h,72h escalate=off → exactly one post due per (contact, channel) during the run")
    print("  a cell with ' · ' lists each round; latencies pool every round")
    rows: list[tuple[str, ...]] = [("", *setups)]

    def row(name: str, cell: Callable[[Result], str]) -> None:
        rows.append((name, *(_each(runs, cell) for runs in setups.values())))

    def pooled(
        name: str, pick: Callable[[Result], list[float]], fraction: float | None, unit: str = " ms", digits: int = 0
    ) -> None:
        cells = []
        for runs in setups.values():
            values = _pooled(runs, pick)
            figure = max(values, default=float("nan")) if fraction is None else percentile(values, fraction)
            cells.append(_fmt(figure, unit, digits))
        rows.append((name, *cells))

    row("commands answered 200", lambda r: f"{r.answered_200} / {r.commands}")
    row('  answered late ("Working on…")', lambda r: f"{r.deferred} (delivered {r.deferred_delivered})")
    row("writes stored exactly once", lambda r: f"{r.writes_stored_once} / {r.writes_sent}")
    row("  contacts in DB / sent", lambda r: f"{r.contacts_stored} / {r.contacts_sent}")
    row("  strikes in DB / sent", lambda r: f"{r.strikes_stored} / {r.strikes_sent}")
    row("  audit entries for writes", lambda r: str(r.audit_writes))
    row("reads answered OK", lambda r: f"{r.reads_ok} / {r.reads_sent}")
    row("commands stored (writes + reads OK)", lambda r: f"{r.writes_stored_once + r.reads_ok} / {r.commands}")
    row("errors in replies", lambda r: str(len(r.failed_answers)))
    row("alerts posted / expected", lambda r: f"{r.alerts_posted} / {r.alerts_expected}")
    row("  duplicates", lambda r: str(r.duplicates))
    row("  lost", lambda r: str(r.lost))
    row("  unexpected / other posts", lambda r: f"{r.unexpected} / {r.other_posts}")
    row("  sent by each worker", lambda r: "+".join(str(count) for _, count in r.alert_senders.most_common()))
    pooled("  due → sent, median", lambda r: r.alert_delay, 0.5, " s", 1)
    pooled("  due → sent, max", lambda r: r.alert_delay, None, " s", 1)
    row("  last alert after last command", lambda r: _fmt(r.drain_seconds, " s"))
    row("  posts < 0.5 s after the last there", lambda r: str(r.close_posts))
    row("  most posts to one channel in 1 s", lambda r: str(r.peak_per_channel))
    row(
        "  alert_post rows by kind:state",
        lambda r: " ".join(f"{kind}:{state}={n}" for (kind, state), n in sorted(r.alert_rows.items())),
    )
    row("command phase", lambda r: _fmt(r.elapsed, " s"))
    rows.append(
        (
            "throughput, median of rounds",
            *(_fmt(statistics.median(run.throughput for run in runs), " cmd/s") for runs in setups.values()),
        )
    )
    row("  each round", lambda r: _fmt(r.throughput, "", 0))
    pooled("latency p50", lambda r: r.latencies, 0.5)
    pooled("latency p99", lambda r: r.latencies, 0.99)
    pooled("latency max", lambda r: r.latencies, None)
    row("  over Slack's 3 s", lambda r: str(sum(ms > 3000 for ms in r.latencies)))
    for kind in ("contact", "strike", "timeline", "help"):
        rows.append(
            (
                f"  /{kind} p50 / p99",
                *(
                    f"{_fmt(percentile(ms, 0.5), ' ms', 0)} / {_fmt(percentile(ms, 0.99), ' ms', 0)}"
                    for ms in (_pooled(runs, lambda r, k=kind: r.per_kind.get(k, [])) for runs in setups.values())
                ),
            )
        )
    row("  p50 per replica", lambda r: " ".join(_fmt(percentile(ms, 0.5), "", 0) for ms in r.per_replica.values()))
    row(
        "CPU s during the load",
        lambda r: " ".join(
            f"{_short(name)}={_fmt(float('nan') if cpu is None else cpu)}" for name, cpu in r.cpu.items()
        ),
    )
    row("process log warnings/errors", _log_summary)
    row("exit codes on SIGTERM (None: killed)", lambda r: " ".join(str(code) for code in r.exit_codes.values()))
    widths = [max(len(line[column]) for line in rows) for column in range(len(rows[0]))]
    for line in rows:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())

    if len(setups) == 2:
        two, one = setups.values()
        ratio = statistics.median(r.throughput for r in two) / statistics.median(r.throughput for r in one)
        p50 = percentile(_pooled(two, lambda r: r.latencies), 0.5) / percentile(
            _pooled(one, lambda r: r.latencies), 0.5
        )
        p99 = percentile(_pooled(two, lambda r: r.latencies), 0.99) / percentile(
            _pooled(one, lambda r: r.latencies), 0.99
        )
        pairs = [a.throughput / b.throughput for a, b in zip(two, one, strict=False)]
        per_round = " ".join(f"{pair:.2f}×" for pair in pairs)
        print(
            f"  throughput {two[0].label} / {one[0].label}: {ratio:.2f}× (medians; each round {per_round}); "
            f"latency p50 {p50:.2f}×, p99 {p99:.2f}×"
        )
        print(
            f"  pair by pair (rounds run back to back): {statistics.median(pairs):.2f}× median, "
            f"{min(pairs):.2f}–{max(pairs):.2f}× over {len(pairs)} pair{'s' * (len(pairs) > 1)}"
        )
        if (os.cpu_count() or 1) <= 2:
            print(
                f"  on {os.cpu_count()} CPUs a second replica and worker add processes, not cores: PostgreSQL, the "
                "load generator and every callwatch process already share them, so a ratio near 1× is what this "
                "machine allows; it says nothing of a machine with cores to spare"
            )
        for runs in (two, one):
            cores = [(run.cpu.get(name) or 0.0) / run.elapsed for run in runs for name in run.cpu if "slack" in name]
            if cores:
                print(
                    f"  {runs[0].label}: each replica kept {statistics.median(cores):.2f} of a core busy during the "
                    f"load (one Python process runs on about one core)"
                )
        print(
            f"  note: {os.cpu_count()} CPUs are shared by PostgreSQL, every replica and worker, and this load "
            f"generator (it used {bench_cpu:.1f} CPU s over the whole run), so these ratios are this machine's."
        )
    if any(run.close_posts for run in results):
        print(
            "  note: posts < 0.5 s apart in one channel: each worker paces Slack's one post a second per channel on "
            "its own, so N workers can post N a second to a channel (real Slack would answer 429 and they retry)."
        )
    if any(code is not None and code < 0 for run in results for code in run.exit_codes.values()):
        print("  note: a negative exit code is the signal that ended the process: it did not shut down on SIGTERM")
    ok = True
    for result in results:
        checks = (
            result.answered_200 == result.commands,
            result.writes_stored_once == result.writes_sent == result.contacts_stored + result.strikes_stored,
            result.audit_writes == result.writes_sent,
            result.reads_ok + result.deferred >= result.reads_sent,
            result.deferred_delivered >= result.deferred,
            result.duplicates == 0 and result.lost == 0 and result.unexpected == 0,
            result.alerts_expected == result.contacts_sent * options.channels,
            not result.failed_answers,
            not result.timed_out,
        )
        if not all(checks):
            ok = False
            problems = [*result.failed_answers[:5], *(["timed out waiting for alerts"] if result.timed_out else [])]
            print(f"  FAILED checks in {result.label}: {problems or 'see the table'}")
        for name, examples in result.log_examples.items():
            for example in examples:
                print(f"  {result.label} · {name} · {example}")
    print("  all checks passed" if ok else "  SOME CHECKS FAILED")
    return ok


def _short(name: str) -> str:
    """slack-1 → s1, worker-2 → w2: keeps the CPU cell narrow."""
    kind, _, number = name.partition("-")
    return f"{kind[0]}{number}"


def _log_summary(result: Result) -> str:
    total: Counter[str] = Counter()
    for levels in result.log_levels.values():
        total.update(levels)
    return " ".join(f"{level}={count}" for level, count in sorted(total.items())) or "none"


def quick_defaults(arguments: argparse.Namespace) -> None:
    if arguments.quick:
        for name, value in (("commands", 200), ("contacts", 5), ("channels", 4)):
            if getattr(arguments, name) is None:
                setattr(arguments, name, value)
    for name, value in (("commands", 2000), ("contacts", 50), ("channels", 20)):
        if getattr(arguments, name) is None:
            setattr(arguments, name, value)


@contextlib.contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="cw-scale-"))
    try:
        yield root
    finally:
        if keep:
            print(f"  process logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


async def main_async(options: Options, single: bool) -> bool:
    admin = sqlalchemy.create_engine(options.postgres_url)
    try:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
        results: list[Result] = []
        with StandinThread() as server, workspace(options.keep_logs) as root:
            setups = ((2, 2), (1, 1)) if not single else ((1, 1),)
            for number in range(options.rounds):
                # Alternate which setup goes first, so a drift in the machine does not favour one side.
                for replicas, workers in setups if number % 2 == 0 else tuple(reversed(setups)):
                    print(f"round {number + 1}: {replicas} replica(s) + {workers} worker(s)…", flush=True)
                    results.append(await scenario(options, replicas, workers, admin, server, root))
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return report(results, options, usage.ru_utime + usage.ru_stime)
    finally:
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=None, help="slash commands per scenario (2000)")
    parser.add_argument("--contacts", type=int, default=None, help="of them /contact, each its own window (50)")
    parser.add_argument("--channels", type=int, default=None, help="channels subscribed to alerts (20)")
    parser.add_argument("--concurrency", type=int, default=20, help="requests in flight")
    parser.add_argument("--quick", action="store_true", help="200 commands, 5 contacts, 4 channels")
    parser.add_argument("--alert-timeout", type=float, default=120.0, help="seconds to wait for the alerts")
    parser.add_argument("--rounds", type=int, default=1, help="repeat each setup; throughput is the median")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres-url", default=os.environ.get("CALLWATCH_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--keep-logs", action="store_true", help="keep each process's log")
    parser.add_argument("--single-only", action="store_true", help="run only 1 replica + 1 worker")
    arguments = parser.parse_args()
    quick_defaults(arguments)
    if not 0 < arguments.contacts <= arguments.commands or min(arguments.channels, arguments.concurrency) < 1:
        parser.error("need 0 < contacts ≤ commands, channels ≥ 1, concurrency ≥ 1")
    if not 1 <= arguments.rounds <= 10:
        parser.error("--rounds is 1 to 10")
    options = Options(
        commands=arguments.commands,
        contacts=arguments.contacts,
        channels=arguments.channels,
        concurrency=arguments.concurrency,
        alert_timeout=min(arguments.alert_timeout, 600.0),
        seed=arguments.seed,
        postgres_url=arguments.postgres_url,
        keep_logs=arguments.keep_logs,
        rounds=arguments.rounds,
    )
    sys.exit(0 if asyncio.run(main_async(options, arguments.single_only)) else 1)


if __name__ == "__main__":
    main()
