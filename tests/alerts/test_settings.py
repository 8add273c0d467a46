"""Alert settings people can trust: offsets that make a window, summaries in words, and a channel that subscribes
while windows are open is told so and can join them (once, for the remaining steps, in this channel only)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.core import Core
from bot.telegram.chats import chat_gone, chat_moved
from handlers.chat.request import Platform
from storage import subscriptions
from storage.models import PostKind, PostState
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, log_contact, plan_rows, run, subscribe
from tests.conftest import FrozenClock, RequestMaker


def test_a_short_windows_summary_reads_in_words(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, args="offsets=0s,2m escalate=off")
    core.router.handle(make_request("strike", 'at="48h ago" drones=10'))
    start = clock()
    log_contact(core, make_request)
    clock.set(start + timedelta(minutes=2))
    run(make_worker().run_once())
    summary = platform.posts[-1].text
    assert "Usual for 2 minutes:" in summary and "days" not in summary.split("Usual for")[1].split(":")[0]
    assert "too few to compare with" in summary and "0.0×" not in summary


def test_an_escalation_after_the_window_closes_is_pointed_out(core: Core, make_request: RequestMaker) -> None:
    reply = subscribe(core, make_request, args="offsets=0h,30m escalate=1h")
    assert "before an escalation after 1h could come" in reply


def test_subscribing_offers_the_open_windows_and_join_plans_the_rest_once(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, channel_id="C1")
    start = clock()
    old, _ = log_contact(core, make_request, "at=now parties=Trump,Putin")
    clock.set(start + timedelta(hours=30))
    recent, _ = log_contact(core, make_request, "at=now parties=Xi,Putin")
    retracted, _ = log_contact(core, make_request, "at=now parties=Modi,Putin")
    assert core.router.handle(make_request("contact", f'retract {retracted} reason="wrong"')).ok
    clock.set(start + timedelta(hours=31))

    reply = subscribe(core, make_request, channel_id="C2")
    assert "2 contacts have a window open now" in reply and f"#{old} closes" in reply and f"#{recent} closes" in reply
    assert "/alerts join" in reply
    before_c1 = [(row.id, row.state, row.due_at) for row in plan_rows(core) if row.channel == "slack:C1"]

    viewer = core.router.handle(make_request("alerts", "join", channel_id="C2", user_id="UVIEW"))
    assert not viewer.ok and "needs the admin role" in viewer.text
    join = core.router.handle(make_request("alerts", "join", channel_id="C2"))
    assert join.ok, join.plain()
    assert "Joined 2 open windows" in (join.title or "")
    here = [row for row in plan_rows(core) if row.channel == "slack:C2"]
    steps = {(row.contact_id, row.kind, row.offset_seconds // 3600) for row in here if row.kind != PostKind.ESCALATION}
    assert steps == {
        (old, PostKind.ALERT, 0),
        (old, PostKind.REMINDER, 48),
        (old, PostKind.SUMMARY, 72),
        (recent, PostKind.ALERT, 0),
        (recent, PostKind.REMINDER, 24),
        (recent, PostKind.REMINDER, 48),
        (recent, PostKind.SUMMARY, 72),
    }
    assert [(row.id, row.state, row.due_at) for row in plan_rows(core) if row.channel == "slack:C1"] == before_c1

    again = core.router.handle(make_request("alerts", "join", channel_id="C2"))
    assert again.ok and "Nothing to join" in (again.title or "")
    assert not core.router.handle(make_request("alerts", f"join {old}", channel_id="C2")).ok
    gone = core.router.handle(make_request("alerts", f"join {retracted}", channel_id="C2"))
    assert not gone.ok and "retracted" in gone.text
    assert len([row for row in plan_rows(core) if row.channel == "slack:C2"]) == len(here)

    run(make_worker().run_once())
    assert {post.channel_id for post in platform.posts if "READINESS ALERT" in (post.reply.title or "")} == {"C1", "C2"}
    assert "Window closed" not in " ".join(platform.titles("C2"))


def test_telegram_says_gone_or_moved_and_the_plan_follows_as_the_worker_would(
    core: Core, make_request: RequestMaker
) -> None:
    """The Telegram adapter's service updates go through the same rule as the worker's refusals."""
    group = {"platform": Platform.TELEGRAM, "user_id": "1001"}
    assert core.router.handle(make_request("alerts", "subscribe", channel_id="-100", **group)).ok
    assert core.router.handle(make_request("alerts", "subscribe", channel_id="-200", **group)).ok
    log_contact(core, make_request)

    asyncio.run(chat_moved(core, "-100", "-100999"))
    asyncio.run(chat_gone(core, "-200", "bot kicked"))
    with core.db.reader() as session:
        assert subscriptions.find(session, "telegram:-100999") is not None
        gone = subscriptions.find(session, "telegram:-200")
        assert gone is not None and not gone.active
    rows = plan_rows(core)
    assert {row.channel for row in rows if row.state == PostState.PENDING} == {"telegram:-100999"}
    assert {row.state for row in rows if row.channel == "telegram:-200"} == {PostState.FAILED}
