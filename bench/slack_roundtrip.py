"""Slash-command round trip (signed POST → HTTP response) for callwatch and for a bare bolt app, same run.

    python -m bench.slack_roundtrip [--command help|timeline|contact] [--runs 3] [--requests 300]
                                    [--database-url URL] [--callwatch PATH] [--plain]

Both apps run as separate processes (`callwatch serve slack --http` and bench/bare_bolt_app.py) against a stand-in
Web API on loopback that also takes `response_url` posts; this process only signs, sends and times. Each run sends
`--requests` commands at 1, 10 and 50 concurrent (BENCH_LEVELS) to ours and then to the bare app; after `--runs`
runs it prints, per level, the median p50 and p99 of the runs with their min–max, and the ratio ours / bare taken
run by run (median, min–max).

`--command contact` is a write: the bench first grants `reporter` to its user through the bot itself (as the admin
named in CALLWATCH_ADMINS, over the same signed HTTP), then every request logs a new contact (parties unique to the
request, so none is taken for a duplicate), every reply must say it was logged, and at the end the stored contacts
are counted in the database: the figure stops if a single write is missing. `help` and `timeline` run as a viewer
(a workspace member without a grant), so the router looks the role up in the database.

`--callwatch PATH` measures another install (an older checkout's venv, say); `--plain` sends `/help` instead of
`/callwatch help` for code that predates the umbrella command. The bare app always gets `/help` and only acks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from tests.helpers import until_serving as serving

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
ADMIN, REPORTER, VIEWER = "UBENCH", "UREPORTER", "UMEMBER"
LEVELS = tuple(int(level) for level in os.environ.get("BENCH_LEVELS", "1,10,50").split(","))
HERE = Path(__file__).resolve().parent
_triggers = count(1)
_contacts = count(1)
_RUN = uuid.uuid4().hex[:6]  # parties unique to this bench run too, for a PostgreSQL database used before


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class StandIn:
    """What reached the stand-in: `response_url` posts (deferred replies) and Web API calls."""

    api_url: str = ""
    response_url: str = ""
    responses: list[dict[str, object]] = field(default_factory=list)
    api_calls: list[str] = field(default_factory=list)


@asynccontextmanager
async def standin_web_api() -> AsyncIterator[StandIn]:
    """Just enough Slack for the apps: auth.test and the other Web API methods answer ok; `response_url` takes
    deferred replies."""
    seen = StandIn()

    async def api(request: web.Request) -> web.Response:
        seen.api_calls.append(request.match_info["method"])
        return web.json_response({"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT", "ts": "1.0"})

    async def respond(request: web.Request) -> web.Response:
        seen.responses.append(json.loads(await request.read() or b"{}"))
        return web.Response(text="ok")

    app = web.Application()
    app.add_routes([web.post("/api/{method}", api), web.post("/response/{name}", respond)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    seen.api_url, seen.response_url = f"http://127.0.0.1:{port}/api/", f"http://127.0.0.1:{port}/response/bench"
    try:
        yield seen
    finally:
        await runner.cleanup()


@asynccontextmanager
async def served(argv: list[str], env: dict[str, str], port: int, cwd: Path) -> AsyncIterator[str]:
    process = await asyncio.create_subprocess_exec(
        *argv, env=env, cwd=cwd, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await until_serving(process, url, argv[0])
        yield url
    finally:
        process.terminate()
        await process.wait()


async def until_serving(process: asyncio.subprocess.Process, url: str, name: str) -> None:
    """Poll `url`/healthz until the server answers 200 (the tests' own wait); stop the bench if it exits first."""
    async with aiohttp.ClientSession() as session:
        try:
            await serving(session, url, process)
        except AssertionError as error:
            raise SystemExit(f"{name}: {error}") from error


def signed_command(
    command: str, text: str, user: str, response_url: str, *, plain: bool = False
) -> tuple[bytes, dict[str, str]]:
    """`/callwatch COMMAND TEXT` (or `/COMMAND TEXT` with `plain`), signed as Slack signs it."""
    slash, words = (f"/{command}", text) if plain else ("/callwatch", f"{command} {text}".strip())
    body = urlencode(
        {
            "team_id": "T1",
            "channel_id": "CBENCH",
            "user_id": user,
            "user_name": user.lower(),
            "command": slash,
            "text": words,
            "response_url": response_url,
            "trigger_id": f"bench.{next(_triggers)}",
        }
    )
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return body.encode(), {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }


def contact_text() -> str:
    """A new contact each time: unique parties, so the same-contact-within-two-hours rule never merges two."""
    return f"at=now parties=Bench{_RUN}{next(_contacts)},Mark kind=call"


Check = Callable[[bytes], None]


@dataclass
class Writes:
    """Replies to /contact: 'Logged' in the HTTP response, or acked 'Working on…' (over the ack budget) with the
    reply to follow at `response_url`."""

    answered: int = 0
    deferred: int = 0

    def check(self, body: bytes) -> None:
        if b"Logged" in body:
            self.answered += 1
        elif b"Working on" in body:
            self.deferred += 1
        else:
            raise SystemExit(f"a /contact was not logged: {body[:300]!r}")


async def deferred_replies_arrive(standin: StandIn, expected: int) -> int:
    """Wait (bounded) for the deferred replies; how many arrived saying 'Logged'."""
    logged = 0
    for _ in range(300):
        logged = sum("Logged" in json.dumps(reply) for reply in standin.responses)
        if logged >= expected:
            break
        await asyncio.sleep(0.1)
    return logged


async def measure(
    url: str, concurrency: int, total: int, make: Callable[[], tuple[bytes, dict[str, str]]], check: Check | None
) -> list[float]:
    """`concurrency` clients each sending back to back until `total` requests are done; latencies in ms."""
    latencies: list[float] = []
    remaining = count()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client() -> None:
            while next(remaining) < total:
                body, headers = make()
                started = time.perf_counter()
                async with session.post(f"{url}/slack/events", data=body, headers=headers) as response:
                    answer = await response.read()
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status != 200:
                        raise SystemExit(f"HTTP {response.status}: {answer[:300]!r}")
                if check is not None:
                    check(answer)
                latencies.append(elapsed)

        await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def spread(values: list[float], unit: str = "ms", digits: int = 1) -> str:
    return f"{statistics.median(values):.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def count_contacts(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM contact_report")).scalar_one())
    finally:
        engine.dispose()


async def grant_reporter(url: str, response_url: str, plain: bool) -> None:
    body, headers = signed_command("role", f"grant user={REPORTER} role=reporter", ADMIN, response_url, plain=plain)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/slack/events", data=body, headers=headers) as response,
    ):
        answer = await response.read()
        if response.status != 200 or b"reporter" not in answer or b"rror" in answer:
            raise SystemExit(f"could not grant {REPORTER} the reporter role: {response.status} {answer[:300]!r}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per concurrency level and run")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians and min–max are over these")
    parser.add_argument("--command", default="help", choices=("help", "timeline", "contact"))
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--callwatch", default=None, help="the callwatch executable to serve (default: this venv's)")
    parser.add_argument("--plain", action="store_true", help="send /COMMAND, not /callwatch COMMAND (older code)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cw-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    callwatch = args.callwatch or shutil.which("callwatch", path=str(Path(sys.executable).parent)) or "callwatch"
    user = REPORTER if args.command == "contact" else VIEWER
    results: dict[tuple[str, int], list[list[float]]] = {}
    async with standin_web_api() as standin:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "CALLWATCH_"))}
        env.update(
            {
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": standin.api_url,
                "CALLWATCH_ADMINS": f"slack:{ADMIN}",
                "CALLWATCH_DATABASE_URL": database_url,
            }
        )
        ours_port, bare_port = free_port(), free_port()
        async with (
            served([callwatch, "serve", "slack", "--http", "--port", str(ours_port)], env, ours_port, workdir) as ours,
            served([sys.executable, str(HERE / "bare_bolt_app.py"), str(bare_port)], env, bare_port, workdir) as bare,
        ):
            if args.command == "contact":
                await grant_reporter(ours, standin.response_url, args.plain)
            stored_before = count_contacts(database_url) if args.command == "contact" else 0

            def ours_request() -> tuple[bytes, dict[str, str]]:
                text = contact_text() if args.command == "contact" else ""
                return signed_command(args.command, text, user, standin.response_url, plain=args.plain)

            def bare_request() -> tuple[bytes, dict[str, str]]:
                return signed_command("help", "", VIEWER, standin.response_url, plain=True)

            writes = Writes()
            check = writes.check if args.command == "contact" else None
            sides = (("callwatch", ours, ours_request, check), ("bare bolt", bare, bare_request, None))
            for _name, url, make, checker in sides:
                await measure(url, 10, 100, make, checker)  # warm up
            sent = 100
            for _run in range(args.runs):
                for level in LEVELS:
                    total = max(args.requests, level * 10)
                    for name, url, make, checker in sides:
                        latencies = await measure(url, level, total, make, checker)
                        results.setdefault((name, level), []).append(latencies)
                    sent += total
            if args.command == "contact":
                arrived = await deferred_replies_arrive(standin, writes.deferred)
                stored = count_contacts(database_url) - stored_before
                if stored != sent or arrived < writes.deferred:
                    raise SystemExit(
                        f"{sent} contacts sent, {stored} stored; {arrived} of {writes.deferred} deferred replies came"
                    )

    where = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(
        f"Slash-command round trip, /{args.command} as {user} (signed POST → HTTP response), {where}, "
        f"{os.cpu_count()} CPUs, {args.runs} runs × {args.requests} requests a level; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    if args.command == "contact":
        print(
            f"  {sent} new contacts are in the database; {writes.answered} answered 'Logged' in the HTTP response, "
            f"{writes.deferred} acked 'Working on…' past the ack budget (their 'Logged' came at response_url)"
        )
    print(f"  deferred replies received at response_url: {len(standin.responses)}")
    print(
        f"{'concurrent':>10}  {'ours p50':>20} {'bare p50':>20} {'p50 ×':>18}  "
        f"{'ours p99':>22} {'bare p99':>20} {'p99 ×':>18}"
    )
    for level in LEVELS:
        ours_runs, bare_runs = results[("callwatch", level)], results[("bare bolt", level)]
        o50 = [percentile(run, 0.50) for run in ours_runs]
        b50 = [percentile(run, 0.50) for run in bare_runs]
        o99 = [percentile(run, 0.99) for run in ours_runs]
        b99 = [percentile(run, 0.99) for run in bare_runs]
        r50 = [o / b for o, b in zip(o50, b50, strict=True)]
        r99 = [o / b for o, b in zip(o99, b99, strict=True)]
        print(
            f"{level:>10}  {spread(o50):>20} {spread(b50):>20} {spread(r50, '×', 2):>18}  "
            f"{spread(o99):>22} {spread(b99):>20} {spread(r99, '×', 2):>18}"
        )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
