"""The Air Force report preview on the paths people take, each beside a typed command in the same run.

    python -m bench.report_preview              # 7 runs × 20 round trips of each kind, about a minute
    python -m bench.report_preview --runs 5 --per-run 10

- **Telegram**: the real PTB application polls the stand-in Bot API (tests/telegram/standin.py), as
  `callwatch serve telegram` does; a round trip is from the update being available to the reply arriving at the
  stand-in. A forwarded channel post (→ the preview, a draft stored) against a typed `/strike at=now drones=5`
  (a strike stored), alternating.
- **Slack**: the real bolt app over signed HTTP on loopback, as `callwatch serve slack --http`, against the stand-in
  Web API (tests/slack/standin.py). `/callwatch strike` with the pasted report (the preview is the HTTP answer)
  against `/callwatch strike at=now drones=5`; and the "Log as strike report" shortcut, whose preview follows
  through `response_url`, timed from the POST to the preview's arrival.
- **Parsing**: every corpus text (tests/airforce/corpus) read by `parse_report` and by the preview's reading
  (`report_draft.read`: once for a forward; a paste twice, to tell a night it names from one taken from today),
  per text, beside the parser bench's own baseline: one regex scan of the same text for all numbers.

Each figure is the median of the runs' medians with the min–max over runs; ratios are taken run by run. SQLite in a
temporary directory; rate limiting off (it would measure Telegram's flood limits, not our work).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from telegram.ext import AIORateLimiter

from bot.slack.app import build_slack_app
from bot.slack.shortcuts import STRIKE_REPORT
from bot.slack.web import build_web_app
from bot.telegram.app import build_application
from bot.telegram.offsets import OffsetPoller, UpdateLedger
from bot.wiring import build_core
from handlers.airforce import Refusal, parse_report
from handlers.chat.settings import Settings
from handlers.strikes import report_draft
from tests.airforce.corpus import non_reports, reports
from tests.slack.standin import StandinSlack
from tests.telegram.standin import TOKEN, BotApiStandIn

ADMIN = 1001
SECRET = "bench-signing-secret"
TYPED = "at=now drones=5"
_ids = count(50_000)
_ANY_NUMBER = re.compile(r"\d+")


def sample_reports() -> list[str]:
    """Corpus reports the parser reads (real wording, Ukrainian and English), cycled through."""
    return [report.text for report in reports() if not isinstance(parse_report(report.text), Refusal)]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} ms  ({min(values):.2f}–{max(values):.2f})"


def ratio(ours: list[float], base: list[float]) -> str:
    """The ratio and the difference, run by run: a few milliseconds on a cheap baseline make a large ratio."""
    ratios = [a / b for a, b in zip(ours, base, strict=True)]
    added = [a - b for a, b in zip(ours, base, strict=True)]
    return (
        f"×{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f}), "
        f"+{statistics.median(added):.2f} ms ({min(added):.2f}–{max(added):.2f})"
    )


# --- Telegram ---------------------------------------------------------------------------------------------------
def forwarded(text: str) -> dict:
    return {
        "message_id": next(_ids),
        "date": int(time.time()),
        "from": {"id": ADMIN, "is_bot": False, "first_name": "Ann", "username": "ann"},
        "chat": {"id": ADMIN, "type": "private", "first_name": "Ann"},
        "text": text,
        "forward_origin": {
            "type": "channel",
            "chat": {"id": -1001234567890, "type": "channel", "title": "Повітряні сили ЗСУ", "username": "kpszsu"},
            "message_id": next(_ids),
            "date": int(time.time()) - 3600,
        },
    }


def typed(text: str) -> dict:
    word = text.split()[0]
    return {
        "message_id": next(_ids),
        "date": int(time.time()),
        "from": {"id": ADMIN, "is_bot": False, "first_name": "Ann", "username": "ann"},
        "chat": {"id": ADMIN, "type": "private", "first_name": "Ann"},
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(word)}],
    }


async def telegram(folder: Path, texts: list[str], runs: int, per_run: int) -> tuple[list[float], list[float]]:
    standin = BotApiStandIn()
    await standin.start()
    settings = Settings(
        database_url=f"sqlite:///{folder / 'telegram.db'}",
        admins=f"telegram:{ADMIN}",
        telegram_bot_token=TOKEN,
        telegram_api_url=standin.base_url,
    )
    core = build_core(settings)
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)
    application = build_application(core, limiter=limiter)
    await application.initialize()
    await application.start()
    ledger = UpdateLedger(core, application.bot.id)
    poller = OffsetPoller(application, ledger, poll_timeout=10)
    task = asyncio.create_task(poller.run())

    async def round_trip(message: dict, expect: str) -> float:
        already = len(standin.sent)
        started = time.perf_counter()
        await standin.push({"message": message})
        sent = await standin.wait_for(already + 1, within=30)
        elapsed = (standin.arrival_times[already] - started) * 1000
        if expect not in sent[already].text:
            raise SystemExit(f"telegram: expected {expect!r}, got {sent[already].text[:300]!r}")
        return elapsed

    preview_medians, typed_medians = [], []
    try:
        await round_trip(typed("/help"), "/strike")  # warm-up: connections, caches, first queries
        for run in range(runs):
            previews, typeds = [], []
            for index in range(per_run):
                previews.append(await round_trip(forwarded(texts[(run * per_run + index) % len(texts)]), "not stored"))
                typeds.append(await round_trip(typed(f"/strike {TYPED}"), "Logged Strike"))
            preview_medians.append(statistics.median(previews))
            typed_medians.append(statistics.median(typeds))
    finally:
        await poller.close(task)
        await application.stop()
        await application.shutdown()
        ledger.close()
        core.close()
        await standin.stop()
    return preview_medians, typed_medians


# --- Slack ------------------------------------------------------------------------------------------------------
def signed(body: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}


def command_body(text: str, response_url: str) -> str:
    return urlencode(
        {
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "UADMIN",
            "user_name": "admin",
            "command": "/callwatch",
            "text": f"strike {text}",
            "response_url": response_url,
            "trigger_id": f"bench.{next(_ids)}",
        }
    )


def shortcut_body(text: str, response_url: str) -> str:
    ts = f"{time.time():.6f}"
    payload = {
        "type": "message_action",
        "callback_id": STRIKE_REPORT.callback_id,
        "trigger_id": f"bench.{next(_ids)}",
        "response_url": response_url,
        "team": {"id": "T1", "domain": "standin"},
        "user": {"id": "UADMIN", "username": "admin"},
        "channel": {"id": "C1", "name": "general"},
        "message": {"type": "message", "ts": ts, "text": text},
    }
    return urlencode({"payload": json.dumps(payload)})


async def slack(folder: Path, texts: list[str], runs: int, per_run: int) -> dict[str, list[float]]:
    standin = await StandinSlack().start()
    settings = Settings(database_url=f"sqlite:///{folder / 'slack.db'}", admins="slack:UADMIN")
    core = build_core(settings)
    client = AsyncWebClient(token="xoxb-bench", base_url=standin.api_url)
    bolt = build_slack_app(core, client=client, signing_secret=SECRET)
    runner = web.AppRunner(build_web_app(core, bolt), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/slack/events"  # type: ignore[union-attr]
    medians: dict[str, list[float]] = {"preview": [], "typed": [], "shortcut": []}
    async with aiohttp.ClientSession() as session:

        async def post(body: str, content_type: str = "application/x-www-form-urlencoded") -> tuple[float, str]:
            started = time.perf_counter()
            headers = {**signed(body), "Content-Type": content_type}
            async with session.post(url, data=body.encode(), headers=headers) as response:
                answer = await response.text()
            return (time.perf_counter() - started) * 1000, answer

        async def command(text: str, expect: str) -> float:
            elapsed, answer = await post(command_body(text, standin.response_url("bench")))
            if expect not in answer:
                raise SystemExit(f"slack: expected {expect!r}, got {answer[:300]!r}")
            return elapsed

        async def shortcut(text: str) -> float:
            already = len(standin.responses)
            started = time.perf_counter()
            await post(shortcut_body(text, standin.response_url("shortcut")))
            await standin.wait_for(lambda: len(standin.responses) > already, within=30)
            answer = json.dumps(standin.responses[already], ensure_ascii=False)
            if "not stored" not in answer:
                raise SystemExit(f"slack shortcut: no preview: {answer[:300]}")
            return (time.perf_counter() - started) * 1000

        try:
            await command("help", "strike")  # warm-up
            for run in range(runs):
                samples: dict[str, list[float]] = {"preview": [], "typed": [], "shortcut": []}
                for index in range(per_run):
                    text = texts[(run * per_run + index) % len(texts)]
                    samples["preview"].append(await command(text, "not stored"))
                    samples["typed"].append(await command(TYPED, "Logged Strike"))
                    samples["shortcut"].append(await shortcut(text))
                for name, values in samples.items():
                    medians[name].append(statistics.median(values))
        finally:
            await runner.cleanup()
            core.close()
            await standin.stop()
    return medians


# --- parsing ----------------------------------------------------------------------------------------------------
def parsing(runs: int) -> None:
    texts = [(report.text, report.posted_at) for report in reports()] + [(item.text, None) for item in non_reports()]
    parse_report(*texts[0])  # compile the patterns once, as a running bot has
    received = datetime.now(UTC)

    def per_text(work: Callable[[str, object], object]) -> list[float]:
        medians = []
        for text, posted in texts:
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                work(text, posted)
                samples.append((time.perf_counter() - started) * 1000)
            medians.append(statistics.median(samples))
        return medians

    parsed = per_text(parse_report)
    previewed = per_text(lambda text, posted: report_draft.read(text, report_draft.Origin(), received))
    baseline = per_text(lambda text, _posted: _ANY_NUMBER.findall(text))
    print(f"\nparsing, {len(texts)} corpus texts, each the median of {runs} runs (median over texts, min–max):")
    print(f"  parse_report                       {ms(parsed)}")
    print(f"  the preview's reading of a paste   {ms(previewed)}  (a second parse when its night is today's)")
    print(f"  baseline: regex \\d+ scan            {ms(baseline)}")
    print(f"  parse_report / baseline            ×{statistics.median(parsed) / statistics.median(baseline):.0f}")
    print(f"  slowest text: parse {max(parsed):.2f} ms, preview reading {max(previewed):.2f} ms (goal ≤ 5 ms a report)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="runs (at least 5)")
    parser.add_argument("--per-run", type=int, default=20, help="round trips of each kind per run")
    options = parser.parse_args()
    runs, per_run = max(5, options.runs), max(1, options.per_run)
    texts = sample_reports()
    print(f"{len(texts)} corpus reports cycled; {runs} runs × {per_run} round trips of each kind")
    with tempfile.TemporaryDirectory() as folder:
        tg_preview, tg_typed = await telegram(Path(folder), texts, runs, per_run)
        print("\nTelegram (update available → reply at the stand-in), median of run medians (min–max over runs):")
        print(f"  forwarded report → preview        {ms(tg_preview)}")
        print(f"  baseline: /strike {TYPED}   {ms(tg_typed)}")
        print(f"  ratio preview / typed             {ratio(tg_preview, tg_typed)}")
        sl = await slack(Path(folder), texts, runs, per_run)
        print("\nSlack (signed POST → answer), median of run medians (min–max over runs):")
        print(f"  /callwatch strike <report>        {ms(sl['preview'])}")
        print(f"  shortcut → preview (response_url) {ms(sl['shortcut'])}")
        print(f"  baseline: /callwatch strike {TYPED}  {ms(sl['typed'])}")
        print(f"  ratio pasted preview / typed      {ratio(sl['preview'], sl['typed'])}")
        print(f"  ratio shortcut / typed            {ratio(sl['shortcut'], sl['typed'])}")
    parsing(runs)


if __name__ == "__main__":
    asyncio.run(main())
