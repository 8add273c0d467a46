"""/alerts as typed: subscribing, settings, who may do what, and the read-outs."""

from __future__ import annotations

import io

from bot.console.notifier import post_due_to_console
from bot.core import Core
from handlers.chat.request import Platform
from storage import subscriptions
from storage.models import PostState
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, log_contact, plan_rows, run, subscribe
from tests.conftest import FrozenClock, RequestMaker
from tests.helpers import row_counts


def test_subscribe_stores_the_channel_settings(core: Core, make_request: RequestMaker) -> None:
    reply = subscribe(core, make_request, args="tz=Kyiv offsets=0h,12h,36h escalate=45m mention=U1,<@U2|bo>")
    assert "Time zone: Kyiv" in reply and "+0h, +12h, +36h" in reply
    assert "after 45m unacknowledged, mentioning U1, U2" in reply
    with core.db.reader() as session:
        row = subscriptions.find(session, "slack:C1")
    assert row is not None and row.tz == "Europe/Kyiv" and row.offsets == "0h,12h,36h"
    assert row.escalate_after_seconds == 2700 and row.escalate_mentions == "U1,U2"

    again = subscribe(core, make_request, args="escalate=off")  # only what is given changes
    assert "Escalation: off" in again and "Time zone: Kyiv" in again


def test_default_offsets_come_from_the_setting(core: Core, make_request: RequestMaker) -> None:
    core.settings.reminder_offsets = "0h,6h"
    reply = subscribe(core, make_request)
    assert "+0h, +6h" in reply


def test_bad_arguments_get_specific_errors_and_change_nothing(core: Core, make_request: RequestMaker) -> None:
    before = row_counts(core)
    for text, expected in (
        ("subscribe tz=Narnia", "unknown time zone"),
        ("subscribe offsets=24h,0h", "ascending"),
        ("subscribe escalate=soon", "is not a duration"),
        ("subscribe mention=<script>", "is not a user id"),
        ("subscribe colour=red", "has no argument colour="),
        ("subscribe offsets=0h", "has one time only"),
        ("subscribe offsets=0s,30s", "before anyone could act"),
        ("ack", "say which contact"),
        ("ack abc", "is not a contact number"),
        ("ack 99", "contact #99 has no readiness alert in this channel"),
        ("snooze 99", "contact #99 has no readiness alert in this channel"),
        ("snooze 1 forever", "is not a duration"),
        ("dance", "unknown /alerts action"),
        ("status now", "takes no arguments"),
    ):
        reply = core.router.handle(make_request("alerts", text))
        assert not reply.ok and expected in reply.text, (text, reply.text)
    assert row_counts(core) == before


def test_who_may_do_what(core: Core, make_request: RequestMaker, make_worker: WorkerMaker) -> None:
    subscribe(core, make_request)
    log_contact(core, make_request)
    run(make_worker().run_once())
    contact_id = plan_rows(core)[0].contact_id
    assert core.router.handle(make_request("role", "grant user=UREP role=reporter")).ok
    viewer = {"user_id": "UVIEW"}
    reporter = {"user_id": "UREP"}
    assert "needs the admin role" in core.router.handle(make_request("alerts", "subscribe", **viewer)).text
    assert "needs the admin role" in core.router.handle(make_request("alerts", "unsubscribe", **reporter)).text
    assert "needs the reporter role" in core.router.handle(make_request("alerts", f"ack {contact_id}", **viewer)).text
    assert core.router.handle(make_request("alerts", "pending", **viewer)).ok
    assert core.router.handle(make_request("alerts", "status", **viewer)).ok
    assert core.router.handle(make_request("alerts", f"ack {contact_id}", **reporter)).ok


def test_an_alert_of_another_channel_cannot_be_acknowledged_here(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
) -> None:
    subscribe(core, make_request, channel_id="C1")
    log_contact(core, make_request)
    contact_id = plan_rows(core)[0].contact_id
    reply = core.router.handle(make_request("alerts", f"ack {contact_id}", channel_id="C9"))
    assert not reply.ok and "in this channel" in reply.text


def test_pending_and_status_show_what_is_due_late_and_failed(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, args="tz=Kyiv escalate=1h")
    log_contact(core, make_request)
    pending = core.router.handle(make_request("alerts", "pending"))
    assert pending.table is not None
    assert [row[0] for row in pending.table.rows] == ["#1"] * 5  # the contact number, never a hidden row id
    assert [row[1] for row in pending.table.rows] == [
        "alert",
        "escalation",
        "reminder +24h",
        "reminder +48h",
        "summary +72h",
    ]
    assert pending.table.rows[0][2] == "2025-07-05 12:00 UTC · 15:00 Kyiv"
    clock.advance(minutes=10)
    status = core.router.handle(make_request("alerts", "status")).plain()
    assert "Here: 5 pending (1 late), 0 sending, 0 sent" in status
    assert "Escalation: after 1h unacknowledged, mentioning nobody yet" in status
    run(make_worker().run_once())
    status = core.router.handle(make_request("alerts", "status")).plain()
    assert "Here: 4 pending (0 late), 0 sending, 1 sent (1 late)" in status


def test_unsubscribe_cancels_what_is_pending(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    log_contact(core, make_request)
    run(make_worker().run_once())
    reply = core.router.handle(make_request("alerts", "unsubscribe"))
    assert reply.ok and "3 pending posts cancelled" in reply.text
    clock.advance(days=4)
    run(make_worker().run_once())
    assert len(platform.posts) == 1
    assert {row.state for row in plan_rows(core)} == {PostState.SENT, PostState.CANCELLED}
    assert not core.router.handle(make_request("alerts", "unsubscribe")).ok
    status = core.router.handle(make_request("alerts", "status")).plain()
    assert "not receiving alerts (unsubscribed by slack:UADMIN)" in status


def test_the_console_chat_shows_alerts(core: Core, make_request: RequestMaker, clock: FrozenClock) -> None:
    console = {"platform": Platform.CONSOLE, "channel_id": "console", "user_id": "ann"}
    assert core.router.handle(make_request("role", "grant user=console:ann role=admin")).ok  # PostgreSQL run
    assert core.router.handle(make_request("alerts", "subscribe escalate=off", **console)).ok
    log_contact(core, make_request)
    out = io.StringIO()
    assert post_due_to_console(core, out) == 1
    assert "[alert to console]" in out.getvalue() and "READINESS ALERT" in out.getvalue()
    clock.advance(hours=24)
    post_due_to_console(core, out)
    assert "48h left in the readiness window" in out.getvalue()
    assert post_due_to_console(core, out) == 0
