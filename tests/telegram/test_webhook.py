"""Webhook mode: the secret header is the only way in; a genuine update is handled before the 200."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from sqlmodel import select

from bot.core import Core
from bot.telegram.app import build_application
from bot.telegram.offsets import UpdateLedger
from bot.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH, webhook_app
from storage.models import ContactReport, PlatformCursor
from tests.telegram.conftest import ADMIN
from tests.telegram.standin import BotApiStandIn

UPDATE = {
    "update_id": 41,
    "message": {
        "message_id": 7,
        "date": 1751716800,
        "text": "/contact at=now parties=Trump,Putin",
        "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        "from": {"id": ADMIN, "is_bot": False, "first_name": "Ann"},
        "chat": {"id": ADMIN, "type": "private", "first_name": "Ann"},
    },
}


@pytest.fixture
async def webhook_url(telegram_core: Core, standin: BotApiStandIn) -> AsyncIterator[str]:
    application = build_application(telegram_core)
    async with application:
        await application.start()
        ledger = UpdateLedger(telegram_core, application.bot.id)
        await ledger.load()
        server = TestServer(webhook_app(application, ledger, "s3cret", telegram_core.db), host="127.0.0.1")
        await server.start_server()
        yield str(server.make_url(WEBHOOK_PATH))
        await server.close()
        ledger.close()
        await application.stop()


def _stored(core: Core) -> tuple[int, int]:
    with core.db.reader() as session:
        return len(session.exec(select(ContactReport)).all()), len(session.exec(select(PlatformCursor)).all())


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({SECRET_HEADER: "guess"}, 403)])
async def test_webhook_without_the_secret_is_refused(
    webhook_url: str, telegram_core: Core, standin: BotApiStandIn, headers: dict[str, str], status: int
) -> None:
    async with ClientSession() as client, client.post(webhook_url, json=UPDATE, headers=headers) as response:
        assert response.status == status
    assert _stored(telegram_core) == (0, 0)
    assert standin.sent == []


async def test_webhook_with_the_secret_handles_once(
    webhook_url: str, telegram_core: Core, standin: BotApiStandIn
) -> None:
    async with ClientSession() as client:
        for _ in range(2):  # Telegram retrying a delivery it thinks failed
            async with client.post(webhook_url, json=UPDATE, headers={SECRET_HEADER: "s3cret"}) as response:
                assert response.status == 200
    assert _stored(telegram_core) == (1, 1)
    assert len(standin.sent) == 1  # handled (and answered) before the 200; the repeat was skipped


async def test_health_and_readiness(webhook_url: str, telegram_core: Core) -> None:
    base = webhook_url.removesuffix(WEBHOOK_PATH)
    async with ClientSession() as client:
        async with client.get(f"{base}/healthz") as response:
            assert response.status == 200
        async with client.get(f"{base}/readyz") as response:
            assert response.status == 200 and await response.text() == "ok"
        telegram_core.db.engine.dispose()
        with telegram_core.db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001_core'")
        async with client.get(f"{base}/readyz") as response:
            assert response.status == 503 and await response.text() == "schema outdated"
