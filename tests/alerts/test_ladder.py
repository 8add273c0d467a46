"""The readiness ladder of one contact in one channel: alert, reminders, escalation, summary — with time moved,
not waited for — and what acknowledging, snoozing, retracting and a duplicate report do to it."""

from __future__ import annotations

from datetime import timedelta

from bot.core import Core
from storage.models import PostKind, PostState
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, log_contact, plan_rows, run, subscribe
from tests.conftest import FrozenClock, RequestMaker


def test_full_ladder_posts_in_order_with_the_right_contents(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, args="tz=Kyiv escalate=off")
    start = clock()
    contact_id, reply = log_contact(core, make_request)
    assert "Readiness alert going to 1 subscribed channel" in reply
    worker = make_worker()

    run(worker.run_once())
    assert platform.titles() == [f"READINESS ALERT · contact #{contact_id} · call · Trump, Putin"]
    alert = platform.posts[0]
    assert alert.channel_id == "C1"
    for expected in (
        "Reported: call between Trump, Putin",
        "When: 2025-07-05 12:00 UTC · 15:00 Kyiv",
        "Source: Reuters · Confidence: confirmed",
        "Raise air-defence readiness",
        "Activate civil defence",
        "Watch military logistics",
        "Coordinate with partners",
        "closes 2025-07-08 12:00 UTC · 15:00 Kyiv",
        "Not yet acknowledged",
    ):
        assert expected in alert.text
    assert [(b.label, b.action, b.value) for b in alert.reply.buttons] == [  # the number the alert shows
        ("Acknowledge", "alerts ack", str(contact_id)),
        ("Snooze 2h", "alerts snooze", f"{contact_id} 2h"),
    ]
    assert f"/alerts ack {contact_id} acknowledges" in alert.text

    # A strike inside the window is counted by the reminders and the summary.
    clock.set(start + timedelta(hours=5))
    strike = core.router.handle(make_request("strike", "at=now drones=120 missiles=4 region=Kyiv"))
    assert strike.ok, strike.plain()

    clock.set(start + timedelta(hours=23, minutes=59))
    run(worker.run_once())
    assert len(platform.posts) == 1, "nothing is posted before it is due"

    clock.set(start + timedelta(hours=24))
    run(worker.run_once())
    first = platform.posts[-1]
    assert first.reply.title == f"Reminder · contact #{contact_id} · call · Trump, Putin"
    assert "48h left in the readiness window (+24h of 72h" in first.text
    assert "Strikes logged since the contact: 1 strike (120 drones, 4 missiles)" in first.text

    clock.set(start + timedelta(hours=48))
    run(worker.run_once())
    assert "24h left in the readiness window (+48h of 72h" in platform.posts[-1].text

    clock.set(start + timedelta(hours=72))
    run(worker.run_once())
    summary = platform.posts[-1]
    assert summary.reply.title == f"Window closed · contact #{contact_id} · call · Trump, Putin"
    assert "In the window: 1 strike (120 drones, 4 missiles)" in summary.text
    assert "Usual for 3 days: 0.0 strikes" in summary.text

    assert [p.reply.title.split(" ·")[0] for p in platform.posts] == [  # type: ignore[union-attr]
        "READINESS ALERT",
        "Reminder",
        "Reminder",
        "Window closed",
    ]
    assert [p.at - start for p in platform.posts] == [timedelta(hours=h) for h in (0, 24, 48, 72)]
    assert all(not p.reply.footer or "late" not in p.reply.footer for p in platform.posts)
    assert {row.state for row in plan_rows(core, contact_id)} == {PostState.SENT}
    run(worker.run_once())
    assert len(platform.posts) == 4, "nothing is posted twice"


def test_summary_compares_with_the_usual_level(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, args="offsets=0h,24h")
    start = clock()
    for days_before in (3, 10):  # 2 strikes of 100 drones in the 28 days before: 1/14 a day
        core.router.handle(make_request("strike", f'at="{days_before * 24}h ago" drones=100'))
    log_contact(core, make_request)
    clock.set(start + timedelta(hours=2))
    core.router.handle(make_request("strike", "at=now drones=300 missiles=10"))
    clock.set(start + timedelta(hours=24))
    run(make_worker().run_once())
    summary = platform.posts[-1].text
    assert "In the window: 1 strike (300 drones, 10 missiles)" in summary
    assert "Usual for 1 day: 0.1 strikes, 7 drones, 0 missiles" in summary
    assert "Drones and missiles: 43.4× the usual level." in summary


def test_unacknowledged_alert_escalates_with_mentions(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, args="escalate=30m mention=<@U7|ann>,U8")
    start = clock()
    contact_id, _ = log_contact(core, make_request)
    worker = make_worker()
    run(worker.run_once())
    clock.set(start + timedelta(minutes=29))
    run(worker.run_once())
    assert len(platform.posts) == 1
    clock.set(start + timedelta(minutes=30))
    run(worker.run_once())
    escalation = platform.posts[-1]
    assert escalation.reply.title == f"ESCALATION · contact #{contact_id} · call · Trump, Putin"
    assert escalation.reply.mentions == ("U7", "U8")
    assert "Nobody has acknowledged" in escalation.text


def test_acknowledging_stops_escalation_and_updates_the_alert(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, args="escalate=1h mention=U7")
    start = clock()
    contact_id, _ = log_contact(core, make_request)
    worker = make_worker()
    run(worker.run_once())

    clock.set(start + timedelta(minutes=20))
    ack = core.router.handle(make_request("alerts", f"ack {contact_id}", user_name="Ann"))  # the button's request
    assert ack.ok, ack.plain()
    assert "Acknowledged by Ann at 2025-07-05 12:20 UTC" in ack.plain()
    assert "Escalation cancelled" in ack.plain()
    run(worker.run_once())
    assert len(platform.updates) == 1
    update = platform.updates[0]
    assert update.ref == platform.posts[0].ref
    assert "Acknowledged by slack:UADMIN at 2025-07-05 12:20 UTC" in update.text
    assert [b.label for b in update.reply.buttons] == ["Snooze 2h"]

    clock.set(start + timedelta(hours=2))
    run(worker.run_once())
    assert len(platform.posts) == 1, "no escalation after an acknowledgement"
    again = core.router.handle(make_request("alerts", f"ack {contact_id}"))
    assert "Already acknowledged" in (again.title or "")


def test_snooze_moves_one_reminder(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    start = clock()
    contact_id, _ = log_contact(core, make_request)
    worker = make_worker()
    run(worker.run_once())
    before = {row.id: row.due_at for row in plan_rows(core, contact_id)}

    snooze = core.router.handle(make_request("alerts", f"snooze {contact_id} 2h"))
    assert snooze.ok, snooze.plain()
    assert "Moved from 2025-07-06 12:00 UTC to 2025-07-06 14:00 UTC" in snooze.plain()
    after = {row.id: row.due_at for row in plan_rows(core, contact_id)}
    moved = [post_id for post_id in before if before[post_id] != after[post_id]]
    assert len(moved) == 1 and after[moved[0]] - before[moved[0]] == timedelta(hours=2)
    too_far = core.router.handle(make_request("alerts", f"snooze {contact_id} 50h"))
    assert not too_far.ok and "pass the window's close" in too_far.text

    clock.set(start + timedelta(hours=24))
    run(worker.run_once())
    assert len(platform.posts) == 1
    clock.set(start + timedelta(hours=26))
    run(worker.run_once())
    assert platform.titles()[-1].startswith("Reminder")
    clock.set(start + timedelta(hours=48))
    run(worker.run_once())
    assert len(platform.posts) == 3 and platform.posts[-1].at == start + timedelta(hours=48)


def test_retracting_cancels_pending_posts_and_says_so(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, channel_id="C1")
    subscribe(core, make_request, channel_id="C2")
    start = clock()
    contact_id, _ = log_contact(core, make_request)
    worker = make_worker()
    run(worker.run_once())
    assert len(platform.posts) == 2

    retract = core.router.handle(make_request("contact", f'retract {contact_id} reason="wrong date"'))
    assert retract.ok, retract.plain()
    assert "Cancelled 6 pending readiness posts; a retraction notice goes to 2 channels." in retract.plain()
    run(worker.run_once())
    notices = platform.posts[2:]
    assert sorted(p.channel_id for p in notices) == ["C1", "C2"]
    assert all("was retracted by slack:UADMIN" in p.text and "wrong date" in p.text for p in notices)

    clock.set(start + timedelta(hours=80))
    run(worker.run_once())
    assert len(platform.posts) == 4
    states = {(row.kind, row.state) for row in plan_rows(core, contact_id)}
    assert (PostKind.REMINDER, PostState.CANCELLED) in states and (PostKind.SUMMARY, PostState.CANCELLED) in states


def test_a_duplicate_report_opens_no_second_window(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request)
    first_id, _ = log_contact(core, make_request)
    clock.advance(minutes=30)
    second_id, reply = log_contact(core, make_request, 'at="1h ago" parties=putin,TRUMP source=TASS')
    assert f"matches contact #{first_id}" in reply
    assert plan_rows(core, second_id) == []
    assert len(plan_rows(core, first_id)) == 4
    run(make_worker().run_once())
    assert len(platform.posts) == 1


def test_historical_contact_gets_no_plan_and_a_late_one_gets_the_rest(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
) -> None:
    subscribe(core, make_request)
    old_id, reply = log_contact(core, make_request, "at=2025-06-01T10:00Z parties=Xi,Putin")
    assert "readiness window closed 2025-06-04 10:00 UTC: stored as a historical record, no alerts planned" in reply
    assert plan_rows(core, old_id) == []

    recent_id, _ = log_contact(core, make_request, 'at="30h ago" parties=Trump,Zelensky')
    plan = plan_rows(core, recent_id)
    assert [(row.kind, row.offset_seconds // 3600) for row in plan] == [
        (PostKind.ALERT, 0),
        (PostKind.REMINDER, 48),
        (PostKind.SUMMARY, 72),
    ]
    run(make_worker().run_once())
    assert "42h left" not in platform.posts[0].text and platform.titles()[0].startswith("READINESS ALERT")


def test_no_subscribed_channel_is_said(core: Core, make_request: RequestMaker) -> None:
    _, reply = log_contact(core, make_request)
    assert "No channel is subscribed to readiness alerts yet" in reply
