"""Who may write follows from what a command does, never from how it is worded.

An outsider found that a viewer who reworded a command could write (`/contact fyi at=now …`): the role was guessed
from the first word while the handler decided differently. These tests send arbitrary wording to every command as
people who may not write, and check that no table changes — on SQLite and PostgreSQL — and that the same wordings
do write for a reporter, so the check is not vacuous.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Core
from handlers.chat.command import single_action
from handlers.chat.request import ChatRequest, Role
from handlers.registry import all_commands
from tests.chat.test_properties import COMMAND_TEXT, shared_core
from tests.helpers import row_counts

__all__ = ["shared_core"]  # the module-scoped database fixture, one per backend

COMMANDS = [command.name for command in all_commands()]
# Wordings that once slipped through, and variants an attacker would try next.
SNEAKY_PREFIXES = [
    "fyi ",
    "show ",
    "SHOW ",
    "Show\u00a0",
    '"show" ',
    "“show” ",
    "help ",
    "list ",
    "status ",
    "pending ",
    "chart ",
    "\tshow ",
    "show\n",
    "# ",
    "/ ",
    "",
]
WRITES = [
    "at=now parties=Biden,Putin kind=call",
    "at=now drones=5 missiles=1",
    "retract 1 reason=x",
    "subscribe tz=Kyiv",
    "unsubscribe",
    "ack 1",
    "snooze 1 2h",
    "grant user=U1 role=admin",
    "grant user=telegram:1 role=reporter",
]
WORDING = st.one_of(
    COMMAND_TEXT,
    st.builds(lambda prefix, write: prefix + write, st.sampled_from(SNEAKY_PREFIXES), st.sampled_from(WRITES)),
)
# (platform, user) pairs that may not write: a Slack member with no grant (viewer), a Telegram stranger (none), a
# Telegram user granted viewer, a console user on a shared database is covered by the platform tests.
OUTSIDERS = [("slack", "UVIEW"), ("telegram", "999"), ("telegram", "555")]


def _request(platform: str, user: str, command: str, text: str) -> ChatRequest:
    return ChatRequest(platform=platform, user_id=user, channel_id="CAUTH", command=command, text=text)


def _grant_viewer(core: Core) -> None:
    reply = core.router.handle(_request("slack", "UADMIN", "role", "grant user=telegram:555 role=viewer"))
    assert reply.ok, reply.plain()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(COMMANDS), text=WORDING, who=st.sampled_from(OUTSIDERS))
def test_no_wording_lets_a_viewer_or_a_stranger_write(shared_core: Core, command: str, text: str, who: tuple) -> None:
    _grant_viewer(shared_core)
    before = row_counts(shared_core)
    reply = shared_core.router.handle(_request(*who, command, text))
    assert row_counts(shared_core) == before, (who, command, text, reply.plain())
    assert "Something went wrong" not in reply.text


def test_the_wordings_do_write_for_a_reporter(core: Core) -> None:
    """Calibration: the attack texts are real writes, refused above only because of who sent them."""
    granted = core.router.handle(_request("slack", "UADMIN", "role", "grant user=UREP role=reporter"))
    assert granted.ok
    for prefix in ("fyi ", '"show" ', "“show” ", "Show\u00a0", "# "):
        before = row_counts(core)
        text = prefix + f"at=now parties=Biden,P{len(prefix)}"
        reply = core.router.handle(_request("slack", "UREP", "contact", text))
        assert reply.ok and row_counts(core)["contact_report"] == before["contact_report"] + 1, (prefix, reply.text)
        viewer = core.router.handle(_request("slack", "UVIEW", "contact", prefix + "at=now parties=Biden,Putin"))
        assert not viewer.ok and "needs the reporter role" in viewer.text, (prefix, viewer.text)
    stranger = core.router.handle(_request("telegram", "999", "strike", "big at=now drones=5"))
    assert not stranger.ok and "not registered" in stranger.text


def test_every_writing_action_needs_more_than_a_viewer_and_every_text_routes_to_one_action() -> None:
    for command in all_commands():
        for action in command.actions:
            if action.writes:
                assert action.role.allows(Role.REPORTER), (command.name, action.name)
        for text in ["", "show 1", "SHOW 1", '"show" 1', "retract 1", "nonsense words", "at=now"]:
            routed = command.route(text)
            assert routed is None or routed.action in command.actions


def test_an_undeclared_action_is_refused_not_guessed(core: Core) -> None:
    before = row_counts(core)
    for command, text in (("alerts", "subscribes tz=Kyiv"), ("role", "promote U9"), ("alerts", "ACKNOWLEDGE 1")):
        reply = core.router.handle(_request("slack", "UADMIN", command, text))
        assert not reply.ok and f"unknown /{command} action" in reply.text, reply.text
    assert row_counts(core) == before


def test_storage_refuses_a_write_the_router_let_through_by_mistake(core: Core) -> None:
    """A command wired wrong — a write declared as a viewer's read — still cannot store for a viewer."""
    log = core.router.commands["contact"].route("at=now parties=A,B")
    assert log is not None and log.action.writes
    miswired = single_action("oops", "writes as a read", "/oops", log.action.run, role=Role.VIEWER)
    core.router.commands["oops"] = miswired
    before = row_counts(core)
    reply = core.router.handle(_request("slack", "UVIEW", "oops", "at=now parties=Biden,Putin"))
    assert not reply.ok and "needs the reporter role" in reply.text, reply.text
    assert row_counts(core) == before
    admin = core.router.handle(_request("slack", "UADMIN", "oops", "at=now parties=Biden,Putin"))
    assert admin.ok and row_counts(core)["contact_report"] == before["contact_report"] + 1
    grant = single_action("sneak", "grants as a reporter", "/sneak", core.router.commands["role"].actions[0].run)
    core.router.commands["sneak"] = dataclasses.replace(
        grant, actions=(dataclasses.replace(grant.actions[0], role=Role.REPORTER),)
    )
    core.router.handle(_request("slack", "UADMIN", "role", "grant user=UREP role=reporter"))
    before = row_counts(core)
    refused = core.router.handle(_request("slack", "UREP", "sneak", "user=UREP role=admin"))
    assert not refused.ok and "needs the admin role" in refused.text and row_counts(core) == before
