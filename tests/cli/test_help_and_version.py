"""The command line as a newcomer meets it: `--version` answers, and help lists flags as flags (no `<bool>`)."""

from __future__ import annotations

import subprocess

import pytest

from tests.console.test_process import callwatch


def test_version() -> None:
    result = subprocess.run([*callwatch(), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("callwatch ") and result.stdout.strip()[-1].isdigit()


@pytest.mark.parametrize("args", [[], ["run"], ["serve", "slack"], ["serve", "telegram"], ["import"], ["db"]])
def test_help_shows_flags_without_a_type(args: list[str]) -> None:
    result = subprocess.run([*callwatch(), *args, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "<bool>" not in result.stdout and "Usage:" in result.stdout
