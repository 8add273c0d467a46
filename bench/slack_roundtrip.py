"""Slash-command round trip (signed POST → HTTP response) for callwatch and for a bare bolt app, same run.

    /tmp/venv/bin/python bench/slack_roundtrip.py [--requests 600] [--command help] [--database-url URL]

Both apps run as separate processes (`callwatch serve slack --http` and bench/bare_bolt_app.py) against a
stand-in Web API on loopback; this process only signs, sends and times. Prints p50/p99 at 1, 10 and 50
concurrent requests, and the ratio of ours to the bare app.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
LEVELS = tuple(int(level) for level in os.environ.get("BENCH_LEVELS", "1,10,50").split(","))
HERE = Path(__file__).resolve().parent
_triggers = count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def standin_web_api() -> AsyncIterator[str]:
    """Just enough Slack Web API for the apps to start: auth.test (bolt calls it once)."""

    async def api(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"})

    app = web.Application()
    app.add_routes([web.post("/api/{method}", api)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/api/"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def served(argv: list[str], env: dict[str, str], port: int, cwd: Path) -> AsyncIterator[str]:
    process = await asyncio.create_subprocess_exec(
        *argv, env=env, cwd=cwd, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session, asyncio.timeout(30):
            while True:
                try:
                    async with session.get(f"{url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        await process.wait()


def signed_command(command: str, text: str, user: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {
            "team_id": "T1",
            "channel_id": "CBENCH",
            "user_id": user,
            "user_name": "bench",
            "command": f"/{command}",
            "text": text,
            "response_url": "http://127.0.0.1:9/unused",
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


async def measure(
    url: str, concurrency: int, total: int, make: Callable[[], tuple[bytes, dict[str, str]]]
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
                    await response.read()
                    assert response.status == 200, response.status
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=600, help="requests per concurrency level")
    parser.add_argument("--command", default="help", help="help | timeline | contact (a write per request)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument(
        "--user",
        default="UMEMBER",
        help="UMEMBER: a viewer, so the router looks the role up in the database; UBENCH: an admin",
    )
    args = parser.parse_args()

    texts = {"help": "", "timeline": "", "contact": "at=now parties=Bench,Mark"}
    text = texts.get(args.command, "")
    workdir = Path(tempfile.mkdtemp(prefix="cw-bench-"))
    callwatch = shutil.which("callwatch", path=str(Path(sys.executable).parent)) or "callwatch"
    async with standin_web_api() as api_url:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "CALLWATCH_"))}
        env.update(
            {
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": api_url,
                "CALLWATCH_ADMINS": "slack:UBENCH",
                "CALLWATCH_DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'bench.db'}",
            }
        )
        ours_port, bare_port = free_port(), free_port()
        async with (
            served([callwatch, "serve", "slack", "--http", "--port", str(ours_port)], env, ours_port, workdir) as ours,
            served([sys.executable, str(HERE / "bare_bolt_app.py"), str(bare_port)], env, bare_port, workdir) as bare,
        ):
            results: dict[tuple[str, int], list[float]] = {}
            for _name, url, command in (("callwatch", ours, args.command), ("bare bolt", bare, "help")):
                await measure(url, 10, 100, lambda c=command: signed_command(c, text, args.user))  # warm up
            for level in LEVELS:
                total = max(args.requests, level * 10)
                for name, url, command in (("callwatch", ours, args.command), ("bare bolt", bare, "help")):
                    results[(name, level)] = await measure(
                        url, level, total, lambda c=command: signed_command(c, text, args.user)
                    )

    print(
        f"Slash-command round trip, /{args.command} as {args.user} (signed POST → HTTP response), "
        f"{os.cpu_count()} CPUs, {args.database_url or 'SQLite'}"
    )
    print(
        f"{'concurrent':>10}  {'ours p50':>9} {'ours p99':>9}  {'bare p50':>9} {'bare p99':>9}  "
        f"{'p50 ×':>6} {'p99 ×':>6}  {'ours req/s':>10}"
    )
    for level in LEVELS:
        ours_ms, bare_ms = results[("callwatch", level)], results[("bare bolt", level)]
        o50, o99 = percentile(ours_ms, 0.50), percentile(ours_ms, 0.99)
        b50, b99 = percentile(bare_ms, 0.50), percentile(bare_ms, 0.99)
        rate = level * 1000 / statistics.mean(ours_ms)
        print(
            f"{level:>10}  {o50:>7.1f}ms {o99:>7.1f}ms  {b50:>7.1f}ms {b99:>7.1f}ms  "
            f"{o50 / b50:>5.2f}× {o99 / b99:>5.2f}×  {rate:>10.0f}"
        )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
