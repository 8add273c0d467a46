"""A long-running worker freezes what start-up loaded, once, after its start-up pass (bot/collector.py): the
collector's first full pass would otherwise walk those objects in the middle of the first fan-out."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.console.test_process import callwatch, env_for

pytestmark = pytest.mark.slow


def test_worker_freezes_its_start_up_objects_once_after_starting(tmp_path: Path, sqlite_url: str) -> None:
    env = env_for(sqlite_url) | {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_API_URL": "http://127.0.0.1:9/bot"}
    process = subprocess.Popen(
        [*callwatch(), "worker", "--verbose"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert process.stderr is not None
    logged: list[str] = []
    reader = threading.Thread(target=lambda: logged.extend(process.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    deadline = time.monotonic() + 30  # bounded: a worker that never freezes must fail, not hang the suite
    while time.monotonic() < deadline and not any("start-up objects frozen" in line for line in logged):
        time.sleep(0.05)
    # Past the next pass (the worker polls every 2 s, `WorkerOptions.poll_seconds`): a second freeze would come
    # with it.
    time.sleep(2.5)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    reader.join(timeout=5)
    assert process.returncode == 0, "".join(logged)
    lines = [json.loads(line) for line in logged if line.startswith("{")]
    events = [line["event"] for line in lines]
    assert "start-up objects frozen" in events, "".join(logged)
    assert events.index("alert worker started") < events.index("start-up objects frozen")
    assert events.count("start-up objects frozen") == 1
    frozen = next(line for line in lines if line["event"] == "start-up objects frozen")
    # The libraries a worker loads are well over 10⁵ objects (134,119 when this was written).
    assert frozen["frozen"] > 50_000, frozen
