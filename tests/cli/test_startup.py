"""Start-up fails fast and clearly; stopping is prompt — in every mode, as an operator meets them.

A token the platform refuses is one line on stderr and exit 2, never a traceback and never the token. An API that
cannot be reached is retried with backoff, and SIGTERM or SIGINT still stops the process within 10 s with exit 0.
Every mode is started as a real process against the loopback stand-ins (or a port nothing listens on); the
processes of one test run side by side so the whole matrix costs a few seconds.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.test_shutdown import free_port
from tests.console.test_process import callwatch, env_for
from tests.slack.standin import StandinSlack
from tests.telegram.standin import TOKEN as TELEGRAM_TOKEN
from tests.telegram.standin import BotApiStandIn

pytestmark = pytest.mark.slow

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there
SLACK_BOT, SLACK_APP, SLACK_SECRET = "xoxb-valid-bot-token", "xapp-valid-app-token", "signing-secret-x"
BAD_SLACK_BOT, BAD_SLACK_APP, BAD_TELEGRAM = "xoxb-refused-9f8e7d", "xapp-refused-1a2b3c", "999:refused-token-7q6w"
STOP_WITHIN = 10.0


@dataclass
class Mode:
    name: str
    args: list[str]
    env: dict[str, str]


@pytest.fixture
async def slack_standin() -> AsyncIterator[StandinSlack]:
    server = await StandinSlack(valid_tokens={SLACK_BOT, SLACK_APP}).start()
    yield server
    await server.stop()


@pytest.fixture
async def telegram_standin() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn()
    await server.start()
    yield server
    await server.stop()


def _start(mode: Mode, tmp_path: Path) -> subprocess.Popen[str]:
    folder = tmp_path / mode.name
    folder.mkdir()
    env = env_for(f"sqlite:///{folder / 'cw.db'}") | mode.env
    return subprocess.Popen(
        [*callwatch(), *mode.args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=folder,
        env=env,
    )


def _bad_token_modes(slack: StandinSlack, telegram: BotApiStandIn) -> list[Mode]:
    slack_env = {"SLACK_API_URL": slack.api_url, "SLACK_SIGNING_SECRET": SLACK_SECRET}
    telegram_env = {"TELEGRAM_API_URL": telegram.base_url, "TELEGRAM_WEBHOOK_SECRET": "hook-secret"}
    port = str(free_port())
    return [
        Mode(
            "slack-socket-bot",
            ["serve", "slack"],
            slack_env | {"SLACK_BOT_TOKEN": BAD_SLACK_BOT, "SLACK_APP_TOKEN": SLACK_APP},
        ),
        Mode(
            "slack-socket-app",
            ["serve", "slack"],
            slack_env | {"SLACK_BOT_TOKEN": SLACK_BOT, "SLACK_APP_TOKEN": BAD_SLACK_APP},
        ),
        Mode(
            "slack-http", ["serve", "slack", "--http", "--port", port], slack_env | {"SLACK_BOT_TOKEN": BAD_SLACK_BOT}
        ),
        Mode("telegram-poll", ["serve", "telegram"], telegram_env | {"TELEGRAM_BOT_TOKEN": BAD_TELEGRAM}),
        Mode(
            "telegram-webhook",
            ["serve", "telegram", "--webhook", "--port", str(free_port())],
            telegram_env | {"TELEGRAM_BOT_TOKEN": BAD_TELEGRAM},
        ),
        Mode(
            "run-both",
            ["run"],
            slack_env | telegram_env | {"SLACK_BOT_TOKEN": SLACK_BOT, "TELEGRAM_BOT_TOKEN": BAD_TELEGRAM},
        ),
    ]


async def test_a_refused_token_is_one_line_and_exit_2_in_every_mode(
    tmp_path: Path, slack_standin: StandinSlack, telegram_standin: BotApiStandIn
) -> None:
    modes = _bad_token_modes(slack_standin, telegram_standin)
    processes = {mode.name: _start(mode, tmp_path) for mode in modes}
    secrets = (BAD_SLACK_BOT, BAD_SLACK_APP, BAD_TELEGRAM, SLACK_BOT, SLACK_APP, SLACK_SECRET, "hook-secret")
    said: dict[str, str] = {}
    for mode in modes:
        process = processes[mode.name]
        try:  # off the event loop: the stand-ins answering the process run on it
            out, err = await asyncio.to_thread(process.communicate, timeout=90)
        finally:
            process.kill()
        assert process.returncode == 2, (mode.name, err)
        problems = [line for line in err.splitlines() if line.startswith("callwatch:")]
        assert len(problems) == 1 and "refused" in problems[0], (mode.name, err)
        assert "Traceback" not in err + out, (mode.name, err)
        for secret in secrets:
            assert secret not in err + out, (mode.name, secret)
        said[mode.name] = problems[0]
    assert (
        "refused SLACK_BOT_TOKEN" in said["slack-socket-bot"] and "refused SLACK_APP_TOKEN" in said["slack-socket-app"]
    )
    assert "refused SLACK_BOT_TOKEN" in said["slack-http"]
    assert all("refused TELEGRAM_BOT_TOKEN" in said[name] for name in ("telegram-poll", "telegram-webhook", "run-both"))


def _unreachable_modes() -> list[tuple[Mode, str]]:
    """Each mode, and the line that shows it is up and waiting on the platform."""
    slack = {"SLACK_API_URL": f"{UNREACHABLE}/api/", "SLACK_BOT_TOKEN": SLACK_BOT, "SLACK_SIGNING_SECRET": SLACK_SECRET}
    telegram = {
        "TELEGRAM_API_URL": f"{UNREACHABLE}/bot",
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": "hook-secret",
    }
    return [
        (Mode("slack-socket", ["serve", "slack"], slack | {"SLACK_APP_TOKEN": SLACK_APP}), "retrying in"),
        (Mode("slack-http", ["serve", "slack", "--http", "--port", str(free_port())], slack), "serving HTTP anyway"),
        (Mode("telegram-poll", ["serve", "telegram"], telegram), "retrying in"),
        (
            Mode("telegram-webhook", ["serve", "telegram", "--webhook", "--port", str(free_port())], telegram),
            "serving HTTP anyway",
        ),
        (Mode("run", ["run"], slack | telegram | {"SLACK_APP_TOKEN": SLACK_APP}), "retrying in"),
        (Mode("worker", ["worker"], telegram), "alert worker started"),
    ]


class Lines:
    """Collects a process's stderr on a thread, so several processes can be watched at once."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            self.lines.append(line)

    def wait_for(self, needle: str, within: float) -> None:
        deadline = time.monotonic() + within
        while not any(needle in line for line in self.lines):
            assert time.monotonic() < deadline, f"{needle!r} never logged:\n{''.join(self.lines)[-2000:]}"
            time.sleep(0.05)

    @property
    def text(self) -> str:
        self.thread.join(timeout=5)
        return "".join(self.lines)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_every_mode_stops_promptly_on_a_signal_while_the_platform_is_unreachable(
    tmp_path: Path, signum: signal.Signals
) -> None:
    modes = _unreachable_modes()
    processes = {mode.name: _start(mode, tmp_path) for mode, _ready in modes}
    watched = {name: Lines(process) for name, process in processes.items()}
    for mode, ready in modes:  # up, and retrying (or serving) with the platform away
        watched[mode.name].wait_for(ready, within=90)
    for process in processes.values():
        process.send_signal(signum)
    deadline = time.monotonic() + STOP_WITHIN
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(f"{name} did not stop within {STOP_WITHIN} s of {signum.name}") from None
        err = watched[name].text
        assert process.returncode == 0, (name, err[-2000:])
        assert "Traceback" not in err, (name, err[-2000:])
        assert TELEGRAM_TOKEN not in err and SLACK_BOT not in err, name
