"""SIGTERM stops long-running services cleanly: the worker finishes its step and says so, the port closes, the
process exits 0 — so a service manager never has to SIGKILL a worker in the middle of a send."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.console.test_process import callwatch, env_for

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_line(process: subprocess.Popen[str], needle: str, timeout: float = 30) -> str:
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"{needle!r} not logged; got:\n{''.join(seen)}")


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=20)
    return err


def test_worker_stops_on_sigterm(tmp_path: Path, database_url: str) -> None:
    # A token so the worker has a platform; nothing is due, so it never connects to the (absent) API.
    env = env_for(database_url) | {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": "http://127.0.0.1:9/bot"}
    process = subprocess.Popen(
        [*callwatch(), "worker"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    wait_for_line(process, "alert worker started")
    rest = stop(process)
    assert process.returncode == 0, rest
    assert "alert worker stopped" in rest


def test_slack_http_server_stops_on_sigterm(tmp_path: Path, sqlite_url: str) -> None:
    port = free_port()
    env = env_for(sqlite_url) | {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "s",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    }
    process = subprocess.Popen(
        [*callwatch(), "serve", "slack", "--http", "--port", str(port)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    wait_for_line(process, "serving HTTP")
    stop(process)
    assert process.returncode == 0
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
