"""What writing readiness posts in Ukrainian costs, against the same posts in English, measured in the same run.

    python -m bench.alerts_language               # 7 runs, about a minute
    python -m bench.alerts_language --runs 5 --channels 50

- **Compose**: the worker's compose step (`handlers.alerts.messages.compose`) for the same loaded posts, once with
  the channel's language English (the baseline: no catalogue, no Babel) and once Ukrainian, alternating: an
  alert, a reminder, an escalation, a summary and a retraction notice for each of 200 contacts (every number
  different), and one contact's five posts for each of N channels (a fan-out: the same numbers again and again,
  which the number and length caches are for). The caches are emptied before each run.
- **Worker pass**: the real `AlertWorker.run_once` posting one contact's alert to N subscribed channels (SQLite
  files in a temporary directory, a fresh database per run, an in-memory platform, no pacing), the channels all
  English against all Ukrainian, alternating. This is the path an alert takes; the database dominates it.
- **First post**: in a fresh interpreter, the first alert written after the imports, in English against in
  Ukrainian (which reads the catalogues and loads Babel's locale data, once per process).

Each figure is the median of the runs with the min–max over runs, and the ratio Ukrainian / English.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.alert_worker import AlertWorker, WorkerOptions
from bot.pacing import UNLIMITED
from bot.wiring import build_core
from handlers.alerts.messages import ContactFacts, PostBundle, PostFacts, SummaryTotals, compose
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from storage.alert_posts import StrikeTotals
from storage.models import PostKind

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2025, 7, 5, 12, 0, tzinfo=UTC)


def _bundles(contacts: int) -> list[PostBundle]:
    """Every kind of post for `contacts` contacts, loaded as the worker loads them (English)."""
    zone = ZoneInfo("Europe/Kyiv")
    bundles = []
    for number in range(1, contacts + 1):
        occurred = START - timedelta(hours=number)
        contact = ContactFacts(
            number, "call", "Trump, Putin", occurred, True, "Reuters", "confirmed", None,
            occurred + timedelta(hours=2), "slack:U1", "duplicate report",
        )  # fmt: skip

        def post(
            kind: PostKind, offset: int, acked: bool = False, occurred: datetime = occurred, number: int = number
        ) -> PostFacts:
            return PostFacts(
                number, kind, offset, 72 * 3600, occurred + timedelta(seconds=offset), occurred, "m1",
                "slack:U1" if acked else None, occurred + timedelta(minutes=5) if acked else None,
            )  # fmt: skip

        alert = post(PostKind.ALERT, 0)
        totals = StrikeTotals(number % 7, 40 * number, number % 23)
        bundles += [
            PostBundle(alert, zone, contact, alert=alert),
            PostBundle(post(PostKind.REMINDER, 24 * 3600), zone, contact, alert=post(PostKind.ALERT, 0, True),
                       so_far=totals),
            PostBundle(post(PostKind.ESCALATION, 3600), zone, contact, alert=alert, mentions=("U1", "U2")),
            PostBundle(post(PostKind.SUMMARY, 72 * 3600), zone, contact, alert=alert,
                       summary=SummaryTotals(totals, StrikeTotals(60, 9000, 300))),
            PostBundle(post(PostKind.RETRACTION, 0), zone, contact, alert=alert),
        ]  # fmt: skip
    return bundles


def _range(values: list[float], scale: float, unit: str, digits: int = 1) -> str:
    median = statistics.median(values) * scale
    return f"{median:.{digits}f} {unit} (min {min(values) * scale:.{digits}f} – max {max(values) * scale:.{digits}f})"


def _empty_caches() -> None:
    """Forget every number and length already written, so a run pays for its own (Babel's locale data stays)."""
    from handlers.alerts.spans import _short_units
    from handlers.i18n.numbers import _cldr

    _cldr.cache_clear()
    _short_units.cache_clear()


def compose_step(runs: int, contacts: int, channels: int) -> None:
    english = _bundles(contacts)
    fan_out = [bundle for bundle in english[:5] for _channel in range(channels)]  # one contact, every channel
    for bundle in english[:5]:  # the first Ukrainian post pays for the catalogue: that is the cold start's figure
        compose(dataclasses.replace(bundle, language="uk"), now=START, late=True)
    print(f"\ncompose, per post (CPU), {runs} runs (median, min–max); caches emptied before each run; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs:")  # fmt: skip
    for label, posts in ((f"{len(english)} different posts", english), (f"5 posts × {channels} channels", fan_out)):
        timings: dict[str, list[float]] = {"en": [], "uk": []}
        for _ in range(runs):
            for language in ("en", "uk"):
                bundles = [dataclasses.replace(bundle, language=language) for bundle in posts]
                _empty_caches()
                started = time.process_time()
                for bundle in bundles:
                    compose(bundle, now=START, late=True)
                timings[language].append((time.process_time() - started) / len(bundles))
        ratios = [uk / en for uk, en in zip(timings["uk"], timings["en"], strict=True)]
        print(f"  {label}:")
        print(f"    baseline: English   {_range(timings['en'], 1e6, 'µs')}")
        print(f"    Ukrainian           {_range(timings['uk'], 1e6, 'µs')}")
        print(f"    ratio uk/en         ×{statistics.median(ratios):.2f} (×{min(ratios):.2f} – ×{max(ratios):.2f})")


class _Sink:
    """A platform that accepts every post at once (the bench measures our side, not a network)."""

    platform = Platform.SLACK

    def __init__(self) -> None:
        self.refs = itertools.count(1)
        self.posts: list[Reply] = []

    async def post(self, channel_id: str, message: Reply) -> str:
        self.posts.append(message)
        return str(next(self.refs))

    async def update(self, channel_id: str, message_ref: str, message: Reply) -> None:
        self.posts.append(message)


def _one_pass(folder: Path, language: str, channels: int) -> float:
    settings = Settings(database_url=f"sqlite:///{folder / f'{language}.db'}", admins="slack:UADMIN", tz="UTC")
    clock = lambda: START  # noqa: E731 - a frozen clock: every post is due now, none late
    core = build_core(settings, clock=clock)
    try:

        def say(command: str, text: str, channel: str = "C0") -> None:
            request = ChatRequest(Platform.SLACK, "UADMIN", channel, command, text, received_at=START)
            reply = core.router.handle(request)
            assert reply.ok, reply.plain()

        for number in range(channels):
            say("alerts", f"subscribe lang={language} escalate=off tz=Kyiv", channel=f"C{number}")
        say("strike", "at=now drones=120 missiles=4")
        say("contact", "at=now parties=Trump,Putin kind=call source=Reuters")
        sink = _Sink()
        worker = AlertWorker(core.db, core.settings, {"slack": sink}, clock=clock,
                             options=WorkerOptions(limits={"slack": UNLIMITED}, batch_size=channels))  # fmt: skip
        started = time.perf_counter()
        asyncio.run(worker.run_once())
        elapsed = time.perf_counter() - started
        assert len(sink.posts) == channels and {post.language for post in sink.posts} == {language}
        return elapsed
    finally:
        core.close()


def worker_pass(runs: int, channels: int) -> None:
    timings: dict[str, list[float]] = {"en": [], "uk": []}
    _one_pass(Path(tempfile.mkdtemp(prefix="callwatch-bench-")), "uk", 2)  # catalogues and Babel loaded once
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="callwatch-bench-") as folder:
            order = ("en", "uk") if run % 2 == 0 else ("uk", "en")
            for language in order:
                timings[language].append(_one_pass(Path(folder), language, channels))
    ratios = [uk / en for uk, en in zip(timings["uk"], timings["en"], strict=True)]
    print(f"\nworker pass: one contact's alert to {channels} channels, SQLite, {runs} runs (median, min–max):")
    print(f"  baseline: English channels   {_range(timings['en'], 1e3, 'ms')}")
    print(f"  Ukrainian channels           {_range(timings['uk'], 1e3, 'ms')}")
    print(f"  ratio uk/en                  ×{statistics.median(ratios):.2f} (×{min(ratios):.2f} – ×{max(ratios):.2f})")


COLD = """
import sys, time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo
from handlers.alerts.messages import ContactFacts, PostBundle, PostFacts, compose
at = datetime(2025, 7, 5, 12, tzinfo=UTC)
contact = ContactFacts(1, "call", "Trump, Putin", at, True, "Reuters", "confirmed", None, None, None, None)
alert = PostFacts(1, "alert", 0, 259200, at)
bundle = PostBundle(alert, ZoneInfo("Europe/Kyiv"), contact, alert=alert, language=sys.argv[1])
started = time.process_time()
compose(bundle, now=at, late=False)
print(time.process_time() - started)
"""


def cold_start(runs: int) -> None:
    """The first post a fresh worker writes, imports done: what a language's first use costs, once per process."""

    def run(language: str) -> float:
        done = subprocess.run([sys.executable, "-c", COLD, language], check=True, cwd=ROOT, capture_output=True)
        return float(done.stdout)

    timings: dict[str, list[float]] = {"en": [], "uk": []}
    for _ in range(runs):
        for language in ("en", "uk"):
            timings[language].append(run(language))
    print(f"\nfirst post in a fresh interpreter, after the imports (CPU; {runs} runs, median, min–max):")
    print(f"  baseline: in English   {_range(timings['en'], 1e3, 'ms')}")
    print(f"  in Ukrainian           {_range(timings['uk'], 1e3, 'ms')}  (reads the catalogues, loads Babel's data)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed runs (at least 5)")
    parser.add_argument("--channels", type=int, default=200, help="subscribed channels in the worker pass")
    parser.add_argument("--contacts", type=int, default=200, help="contacts whose five posts are composed")
    args = parser.parse_args()
    runs = max(5, args.runs)
    compose_step(runs, args.contacts, args.channels)
    worker_pass(runs, args.channels)
    cold_start(runs)


if __name__ == "__main__":
    main()
