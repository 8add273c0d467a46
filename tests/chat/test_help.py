"""/help speaks each platform's spelling: `/contact` on Telegram and the console, `/callwatch contact` on Slack,
whose slash commands share one namespace with every other app's."""

from __future__ import annotations

from bot.core import Core
from handlers.chat.request import Platform
from tests.conftest import RequestMaker


def test_slack_help_lists_the_umbrella_spelling(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("help"))
    lines = reply.text.splitlines()
    assert lines[0].startswith("/callwatch contact — ")
    assert all(line.startswith("/callwatch ") for line in lines[: len(core.router.commands)])
    assert "Type /callwatch help COMMAND for its usage." in reply.text
    usage = core.router.handle(make_request("help", "contact"))
    assert usage.title is not None and usage.title.startswith("/callwatch contact — ")
    assert "/callwatch contact at=TIME parties=A,B" in usage.text and "\n/contact" not in usage.text
    assert 'Example: /callwatch contact at="2025-07-03 14:00 UTC"' in usage.text
    again = core.router.handle(make_request("help", "/callwatch strike"))  # pasted from the list
    assert again.ok and again.title is not None and again.title.startswith("/callwatch strike")
    missing = core.router.handle(make_request("help", "nonsense"))
    assert not missing.ok and "There is no /callwatch nonsense" in missing.text


def test_telegram_and_console_keep_the_plain_words(core: Core, make_request: RequestMaker) -> None:
    for platform, user in ((Platform.TELEGRAM, "1001"), (Platform.CONSOLE, "ops")):
        reply = core.router.handle(make_request("help", platform=platform, user_id=user))
        assert reply.text.splitlines()[0].startswith("/contact — "), (platform, reply.text)
        assert "/callwatch" not in reply.text
        usage = core.router.handle(make_request("help", "contact", platform=platform, user_id=user))
        assert usage.text.startswith("/contact at=TIME")
