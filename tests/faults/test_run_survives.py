"""`callwatch run` as a real process keeps serving Telegram through a database outage: before, the first
`OperationalError` from the offset ledger ended polling and, with it, the whole process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator

import pytest

from tests.console.test_process import callwatch, env_for
from tests.faults.conftest import stored_contacts
from tests.faults.proxy import BreakableProxy
from tests.faults.standins import FaultyBotApi
from tests.telegram.standin import TOKEN

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

ADMIN = 1001


class ProcessLog:
    """A child's standard error, line by line, with a wait for a line that says something."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._changed = asyncio.Condition()
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            async with self._changed:
                self.lines.append(line.decode(errors="replace"))
                self._changed.notify_all()

    def count(self, needle: str) -> int:
        return sum(needle in line for line in self.lines)

    async def wait_for(self, needle: str, times: int = 1, within: float = 30) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.count(needle) >= times), within)

    async def close(self) -> str:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._reader, 10)
        return "".join(self.lines)


@pytest.fixture
async def bot_api() -> AsyncIterator[FaultyBotApi]:
    server = FaultyBotApi()
    await server.start()
    yield server
    await server.stop()


async def test_callwatch_run_polls_on_after_the_database_comes_back(
    tmp_path: os.PathLike[str],
    bot_api: FaultyBotApi,
    db_proxy: BreakableProxy,
    proxied_postgres_url: str,
    direct_url: str,
) -> None:
    env = env_for(proxied_postgres_url) | {
        "CALLWATCH_ADMINS": f"telegram:{ADMIN}",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": bot_api.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        *callwatch(), "run", cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    log = ProcessLog(process)
    try:
        await bot_api.say(ADMIN, "/contact at=now parties=Trump,Putin")
        await bot_api.wait_for(1, within=60)
        await bot_api.wait_until_consumed(within=30)

        db_proxy.cut()
        await bot_api.say(ADMIN, "/contact at=now parties=Xi,Putin")
        await log.wait_for("the database does not answer", times=2)
        assert process.returncode is None and len(bot_api.sent) == 1

        db_proxy.restore()
        await bot_api.wait_for(2, within=60)
        await bot_api.wait_until_consumed(within=30)
        assert process.returncode is None
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    output = await log.close()
    print(output)
    assert process.returncode == 0, output
    assert "restarting" not in output, output  # the supervisor never had to restart the Telegram part
    assert [row.parties for row in stored_contacts(direct_url)] == ["Trump, Putin", "Xi, Putin"]
    assert "#2" in bot_api.sent[1].text
