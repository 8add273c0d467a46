"""Partial settings are one line that names what to set — never a traceback (newcomer issue, item 7)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.console.test_process import callwatch, env_for

CASES = [
    (["run"], {"SLACK_BOT_TOKEN": "xoxb-x"}, "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP"),
    (["serve", "slack"], {"SLACK_BOT_TOKEN": "xoxb-x"}, "set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET"),
    (["serve", "slack", "--http"], {"SLACK_BOT_TOKEN": "xoxb-x"}, "set SLACK_SIGNING_SECRET to serve Slack over HTTP"),
    (["serve", "slack"], {}, "set SLACK_BOT_TOKEN"),
    (["serve", "telegram", "--webhook"], {"TELEGRAM_BOT_TOKEN": "1:x"}, "set TELEGRAM_WEBHOOK_SECRET"),
    (["worker"], {}, "the alert worker has no platform to post to: set SLACK_BOT_TOKEN or TELEGRAM_BOT_TOKEN"),
    (["run"], {"CALLWATCH_ADMINS": "matrix:@a:b"}, "CALLWATCH_ADMINS entry 'matrix:@a:b' names no platform"),
]


@pytest.mark.parametrize(
    ("args", "env", "said"), CASES, ids=[" ".join(case[0]) + str(i) for i, case in enumerate(CASES)]
)
def test_a_missing_setting_is_one_line_naming_it(
    tmp_path: Path, args: list[str], env: dict[str, str], said: str
) -> None:
    result = subprocess.run(
        [*callwatch(), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        env=env_for(f"sqlite:///{tmp_path / 'cw.db'}") | env,
    )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("callwatch:")]
    assert len(lines) == 1 and said in lines[0], result.stderr
    assert "Traceback" not in result.stderr
