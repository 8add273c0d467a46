"""What the platforms' own words and the report preview cost in Ukrainian, against the same paths in English, in the
same run.

    python -m bench.adapters_language             # 7 runs, about 5 s
    python -m bench.adapters_language --runs 5 --calls 20

- **Preview**: a forwarded Air Force report as a Telegram user sends it — `Router.handle` for `/strike preview` with
  the post's source and time (the parser, the draft stored, the same-night look-ups, the preview) — then the reply
  drawn for Telegram (`render`) and for Slack (`blocks.response`), as the adapters do.
- **Dialog**: `/contact` walked in the console's guided dialog from the opening reply to the stored contact —
  seven questions (the moment's buttons, the parties typed, a choice by number, Done) and the submit routed and
  stored — the dialog's words looked up in the reply's language at every step.
- **Refusal**: what the Telegram door does for a stranger who types a command: the role look-up, the language
  look-up (new with this pass: their `/lang` choice, else their app's) and the refusal text.

The English caller is the baseline (no catalogue, no Babel); the Ukrainian caller's catalogue is loaded before timing
starts, as in a running bot, and the two alternate which goes first. Each figure is the median over runs of the mean
per call, with the min–max over runs; the ratio is Ukrainian / English over the runs' pairs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

from bot.console.dialog import run_dialog
from bot.core import Core
from bot.slack import blocks
from bot.telegram.access import refusal
from bot.telegram.render import render
from bot.wiring import build_core
from handlers.chat.reply import Reply
from handlers.chat.request import ChatRequest, Platform
from handlers.chat.settings import Settings
from handlers.strikes.pasted import preview_text
from tests.strikes.test_from_report import REPORT

NOW = datetime(2025, 7, 4, 12, 0, tzinfo=UTC)
POSTED = datetime(2025, 7, 4, 6, 12, tzinfo=UTC)
DIALOG_ANSWERS = ("1", "Trump, Putin", "2", "1", "2")  # Now · the parties · Meeting · Confirmed · Done
_keys = count(1)


def _request(
    command: str, text: str, language: str, *, user: str = "1001", platform: str = Platform.TELEGRAM
) -> ChatRequest:
    return ChatRequest(
        platform=platform, user_id=user, channel_id="-100", command=command, text=text, received_at=NOW,
        language=language, idempotency_key=f"bench:{next(_keys)}",
    )  # fmt: skip


def _core(folder: Path) -> Core:
    settings = Settings(
        database_url=f"sqlite:///{folder / 'bench.db'}", admins="telegram:1001,console:bench", tz="Europe/Kyiv"
    )
    return build_core(settings, clock=lambda: NOW)


def preview(core: Core, language: str) -> None:
    post = f"https://t.me/kpszsu/{next(_keys)}"  # a new post each time: a new draft, as people forward them
    text = preview_text(REPORT, source=f"Повітряні сили ЗСУ · {post}", posted=POSTED)
    reply = core.router.handle(_request("strike", text, language))
    assert reply.ok, reply.plain()
    render(reply)
    blocks.response(reply)


def dialog(core: Core, language: str) -> None:
    def route(command: str, text: str) -> Reply:
        return core.router.handle(_request(command, text, language, user="bench", platform=Platform.CONSOLE))

    opened = route("contact", "")
    assert opened.form is not None, opened.plain()
    answers = iter(DIALOG_ANSWERS)
    reply = run_dialog(opened.form, lambda _prompt: next(answers), lambda _text: None, route, language=opened.language)
    assert reply is not None and reply.ok, reply


def refused(core: Core, language: str) -> None:
    stranger = _request("help", "", language, user="2002")
    assert core.router.role_of(stranger).value == "none"
    refusal(2002, core.router.language_of(stranger))


PATHS: list[tuple[str, Callable[[Core, str], None]]] = [
    ("preview + render", preview),
    ("/contact dialog", dialog),
    ("stranger refused", refused),
]


def _per_call(work: Callable[[Core, str], None], core: Core, language: str, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        work(core, language)
    return (time.perf_counter() - started) / calls


def _spread(values: list[float], scale: float = 1.0, digits: int = 3) -> str:
    low, mid, high = min(values) * scale, statistics.median(values) * scale, max(values) * scale
    return f"{mid:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        core = _core(Path(folder))
        for _label, work in PATHS:  # warm both: catalogues and Babel's data read, statements compiled
            for language in ("en", "uk"):
                work(core, language)
        print(f"per call, ms (median of {args.runs} runs of {args.calls} calls, min–max)")
        print(f"{'path':<20}{'English':>25}{'Ukrainian':>25}{'uk / en':>25}")
        for label, work in PATHS:
            english: list[float] = []
            ukrainian: list[float] = []
            for run in range(args.runs):
                for language in ("en", "uk") if run % 2 == 0 else ("uk", "en"):
                    took = _per_call(work, core, language, args.calls)
                    (english if language == "en" else ukrainian).append(took)
            ratios = [uk / en for uk, en in zip(ukrainian, english, strict=True)]
            print(f"{label:<20}{_spread(english, 1000):>25}{_spread(ukrainian, 1000):>25}{_spread(ratios):>25}")
        core.close()


if __name__ == "__main__":
    main()
