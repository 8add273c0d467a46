"""What answering the everyday commands in Ukrainian costs, against the same commands in English, in the same run.

    python -m bench.commands_language              # 7 runs, under a minute
    python -m bench.commands_language --runs 5 --calls 30

- **Per command**: `Router.handle` — the whole path a chat command takes once an adapter has built the request:
  the role and language look-ups, the handler, its database work and the reply — for the same requests from a
  Telegram admin whose app is English (the baseline: no catalogue, no Babel) and one whose app is Ukrainian,
  alternating which goes first. The commands: `/help`, `/help strike` (the longest usage), `/timeline` (a page of
  ten entries over 40 contacts and 400 strikes, each contact with the strikes in its window), `/contact show 1`,
  a refused `/strike` (the error with the usage beneath it) and a `/strike` that stores. SQLite file in a
  temporary directory; the catalogue is loaded before timing starts, as in a running bot.
- **First reply**: in a fresh interpreter, the first `/help` after the imports, in English against in Ukrainian
  (which reads the catalogues and Babel's data once per process).

Each figure is the median over runs of the mean per call, with the min–max over runs; the ratio is Ukrainian /
English, its median and min–max taken over the runs' pairs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core import Core
from bot.wiring import build_core
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2025, 7, 5, 12, 0, tzinfo=UTC)
COMMANDS: list[tuple[str, str, str]] = [  # (label, command, text)
    ("/help", "help", ""),
    ("/help strike", "help", "strike"),
    ("/timeline", "timeline", ""),
    ("/contact show 1", "contact", "show 1"),
    ("/strike refused", "strike", "at=now drones=-1"),
    ("/strike stores", "strike", 'at="2025-07-05 01:00" drones=21 missiles=2 killed=1 injured=5 region=Kyiv'),
]


def _request(command: str, text: str, language: str) -> ChatRequest:
    return ChatRequest(
        platform=Platform.TELEGRAM, user_id="1001", channel_id="-100", command=command, text=text,
        received_at=NOW, language=language,
    )  # fmt: skip


def _seeded(folder: Path) -> Core:
    core = build_core(
        Settings(database_url=f"sqlite:///{folder / 'bench.db'}", admins="telegram:1001", tz="Europe/Kyiv"),
        clock=lambda: NOW,
    )
    for day in range(40):
        at = NOW - timedelta(days=day, hours=3)
        reply = core.router.handle(_request("contact", f"at={at:%Y-%m-%dT%H:%MZ} parties=Trump,Putin", "en"))
        assert reply.ok, reply.plain()
        for hour in range(10):
            when = at + timedelta(hours=2 * hour + 1)
            if when < NOW:
                reply = core.router.handle(_request("strike", f"at={when:%Y-%m-%dT%H:%MZ} drones={day + hour}", "en"))
                assert reply.ok, reply.plain()
    return core


def _per_call(handle: Callable[[ChatRequest], object], request: ChatRequest, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        handle(request)
    return (time.perf_counter() - started) / calls


def _spread(values: list[float], scale: float = 1.0, digits: int = 3) -> str:
    low, mid, high = min(values) * scale, statistics.median(values) * scale, max(values) * scale
    return f"{mid:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def per_command(runs: int, calls: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        core = _seeded(Path(folder))
        for _label, command, text in COMMANDS:  # warm both paths: catalogues read, statements compiled
            for language in ("en", "uk"):
                core.router.handle(_request(command, text, language))
        print(f"Router.handle per call, ms (median of {runs} runs of {calls} calls, min–max)")
        print(f"{'command':<18}{'English':>25}{'Ukrainian':>25}{'uk / en':>25}")
        for label, command, text in COMMANDS:
            english: list[float] = []
            ukrainian: list[float] = []
            for run in range(runs):
                order = ("en", "uk") if run % 2 == 0 else ("uk", "en")
                for language in order:
                    took = _per_call(core.router.handle, _request(command, text, language), calls)
                    (english if language == "en" else ukrainian).append(took)
            ratios = [uk / en for uk, en in zip(ukrainian, english, strict=True)]
            print(f"{label:<18}{_spread(english, 1000):>25}{_spread(ukrainian, 1000):>25}{_spread(ratios):>25}")
        core.close()


FIRST = """
import tempfile, time
from datetime import UTC, datetime
from pathlib import Path
from bot.wiring import build_core
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
with tempfile.TemporaryDirectory() as folder:
    core = build_core(Settings(database_url=f"sqlite:///{Path(folder) / 'b.db'}", admins="telegram:1001"))
    request = ChatRequest(platform=Platform.TELEGRAM, user_id="1001", channel_id="-1", command="help",
                          received_at=datetime.now(UTC), language=LANGUAGE)
    started = time.perf_counter()
    core.router.handle(request)
    print(time.perf_counter() - started)
    core.close()
"""


def first_reply(runs: int) -> None:
    english: list[float] = []
    ukrainian: list[float] = []
    for run in range(runs):
        for language in ("en", "uk") if run % 2 == 0 else ("uk", "en"):
            code = FIRST.replace("LANGUAGE", repr(language))
            out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
            (english if language == "en" else ukrainian).append(float(out.stdout.strip()))
    ratios = [uk / en for uk, en in zip(ukrainian, english, strict=True)]
    print(f"\nFirst /help of a fresh process, ms (median of {runs} processes each, min–max)")
    print(f"{'English':>25}{'Ukrainian':>25}{'uk / en':>25}")
    print(f"{_spread(english, 1000):>25}{_spread(ukrainian, 1000):>25}{_spread(ratios):>25}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    per_command(args.runs, args.calls)
    first_reply(args.runs)


if __name__ == "__main__":
    main()
