"""Update-to-reply latency of the Telegram adapter, against a bare PTB echo bot on the same stand-in.

    python bench/telegram_latency.py [--rounds 30] [--command "/help"]

Both bots poll the loopback stand-in Bot API from tests/telegram/standin.py. A batch of updates is pushed at
once; each update's latency is the time from the push to the stand-in receiving its reply. Ours runs the full
path (access check, router, handler, SQLite, update ledger); the bare bot answers every command with a fixed
text from PTB's own `Updater`. Rate limiting is switched off for both (it would measure Telegram's flood limits,
not our overhead); everything else is as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

from bot.telegram.app import build_application
from bot.telegram.offsets import OffsetPoller, UpdateLedger
from bot.wiring import build_core
from handlers.chat.settings import Settings
from tests.telegram.standin import TOKEN, BotApiStandIn

ADMIN = 1001
Runner = Callable[[BotApiStandIn], Awaitable[Callable[[], Awaitable[None]]]]


def no_limits() -> AIORateLimiter:
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)


async def start_ours(standin: BotApiStandIn, database: Path) -> Callable[[], Awaitable[None]]:
    settings = Settings(
        database_url=f"sqlite:///{database}",
        admins=f"telegram:{ADMIN}",
        telegram_bot_token=TOKEN,
        telegram_api_url=standin.base_url,
    )
    core = build_core(settings)
    application = build_application(core, limiter=no_limits())
    await application.initialize()
    await application.start()
    ledger = UpdateLedger(core, application.bot.id)
    poller = OffsetPoller(application, ledger, poll_timeout=10)
    task = asyncio.create_task(poller.run())

    async def stop() -> None:
        await poller.close(task)
        await application.stop()
        await application.shutdown()
        ledger.close()
        core.close()

    return stop


async def start_bare(standin: BotApiStandIn) -> Callable[[], Awaitable[None]]:
    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(f"echo: {update.message.text}")

    application = Application.builder().token(TOKEN).base_url(standin.base_url).rate_limiter(no_limits()).build()
    application.add_handler(MessageHandler(filters.COMMAND, echo))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=10)

    async def stop() -> None:
        assert application.updater is not None
        await application.updater.stop()
        await application.stop()
        await application.shutdown()

    return stop


async def measure(
    start: Callable[[BotApiStandIn], Awaitable[Callable[[], Awaitable[None]]]], *, batch: int, rounds: int, command: str
) -> list[float]:
    """Latencies in milliseconds of `rounds` batches of `batch` updates each (one warm-up batch discarded)."""
    standin = BotApiStandIn()
    await standin.start()
    stop = await start(standin)
    latencies: list[float] = []
    try:
        for round_number in range(rounds + 1):
            already = len(standin.sent)
            pushed = time.perf_counter()
            for _ in range(batch):
                await standin.say(ADMIN, command)
            await standin.wait_for(already + batch, within=120)
            arrivals = standin.arrival_times[already : already + batch]
            if round_number:
                latencies += [(arrived - pushed) * 1000 for arrived in arrivals]
    finally:
        await stop()
        await standin.stop()
    return latencies


def summary(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="batches of 1; batches of 100 get a fifth of it")
    parser.add_argument("--command", default="/help", help="what the simulated person types")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"command {options.command!r}; latency from update pushed to reply received, milliseconds")
        print(f"{'batch':>5}  {'bot':<10} {'median':>8} {'p95':>8}")
        for batch, rounds in ((1, options.rounds), (100, max(2, options.rounds // 5))):
            runs: dict[str, list[float]] = {}
            database = Path(folder) / f"bench{batch}.db"
            runs["bare PTB"] = await measure(start_bare, batch=batch, rounds=rounds, command=options.command)
            runs["callwatch"] = await measure(
                lambda s, db=database: start_ours(s, db), batch=batch, rounds=rounds, command=options.command
            )
            for name, latencies in runs.items():
                median, p95 = summary(latencies)
                print(f"{batch:>5}  {name:<10} {median:>8.2f} {p95:>8.2f}")
            ratio = summary(runs["callwatch"])[0] / summary(runs["bare PTB"])[0]
            print(f"{batch:>5}  ratio (median, callwatch / bare) = {ratio:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
