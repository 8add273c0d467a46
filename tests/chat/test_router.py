"""/role, /help, and the router's guarantees: role checks, unknown commands, no exception escapes."""

from __future__ import annotations

from bot.core import Core
from handlers.chat.command import single_action
from handlers.chat.reply import Reply
from handlers.chat.request import Platform
from tests.conftest import RequestMaker
from tests.helpers import row_counts


def test_grant_then_list(core: Core, make_request: RequestMaker) -> None:
    granted = core.router.handle(make_request("role", "grant user=<@U77|ann> role=reporter"))
    assert granted.ok and "slack:U77 is now reporter" in granted.text
    telegram = core.router.handle(make_request("role", "grant user=telegram:4242 role=viewer"))
    assert telegram.ok
    listing = core.router.handle(make_request("role", "list"))
    users = [row[0] for row in listing.table.rows]
    assert {"slack:U77", "telegram:4242", "slack:UADMIN", "telegram:1001"} <= set(users)
    # the grant takes effect: the new reporter may log
    assert core.router.handle(make_request("strike", "at=now drones=1", user_id="U77")).ok
    # the telegram viewer may read now
    assert core.router.handle(make_request("timeline", platform=Platform.TELEGRAM, user_id="4242")).ok


def test_role_is_admin_only_and_validated(core: Core, make_request: RequestMaker) -> None:
    before = row_counts(core)
    refused = core.router.handle(make_request("role", "grant user=U9 role=admin", user_id="UNOBODY"))
    assert not refused.ok and "needs the admin role" in refused.text
    for text, message in (
        ("grant user=U9 role=king", "must be one of admin"),
        ("grant role=viewer", "required"),
        ("grant user=telegram:abc role=viewer", "Telegram user ids are numbers"),
        ("grant user=UADMIN role=viewer", "cannot lower your own role"),
        ("promote U9", "unknown /role action"),
    ):
        reply = core.router.handle(make_request("role", text))
        assert not reply.ok and message in reply.text, text
    assert row_counts(core) == before


def test_help_lists_every_command_and_each_usage(core: Core, make_request: RequestMaker) -> None:
    console = {"platform": Platform.CONSOLE, "user_id": "ops"}  # plain spelling (Slack's: tests/chat/test_help.py)
    overview = core.router.handle(make_request("help", **console))
    for name in core.router.commands:
        assert f"/{name} — " in overview.text
    assert "/strike at=TIME" in core.router.handle(make_request("help", "strike", **console)).text
    assert not core.router.handle(make_request("help", "dance", **console)).ok


def test_unknown_command(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("dance"))
    assert not reply.ok and "Unknown command /dance" in reply.text


def test_a_crashing_handler_becomes_an_error_id_not_a_trace(core: Core, make_request: RequestMaker) -> None:
    def explode(_request: object, _ctx: object) -> Reply:
        raise RuntimeError("secret internals")

    core.router.commands["boom"] = single_action("boom", "crashes", "/boom", explode)
    reply = core.router.handle(make_request("boom"))
    assert not reply.ok
    assert "error " in reply.text and "secret internals" not in reply.text and "Traceback" not in reply.text


def test_console_user_is_admin_of_a_local_database(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("role", "list", platform=Platform.CONSOLE, user_id="ops"))
    assert reply.ok is core.db.is_sqlite


def test_a_bad_id_on_a_named_platform_says_what_is_wrong_with_the_id(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("role", "grant user=slack:ab!c role=viewer"))
    assert not reply.ok and "unknown platform" not in reply.text and "is not a user id" in reply.text, reply.text
    unknown = core.router.handle(make_request("role", "grant user=matrix:ann role=viewer"))
    assert not unknown.ok and "unknown platform 'matrix'" in unknown.text
