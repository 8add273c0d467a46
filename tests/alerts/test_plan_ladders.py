"""A contact's plan is written per ladder (channels that share offsets and escalation), by INSERT … SELECT from the
subscriptions: it must give every channel exactly the rows the one-channel plan (`plan_channel`, which a channel
joining a window under way still uses) gives it, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from bot.core import Core
from handlers.alerts.plan import channel_offsets, plan_channel
from storage import subscriptions
from storage.models import AlertPost, ContactReport, PostState
from tests.alerts.conftest import log_contact, plan_rows, subscribe
from tests.conftest import FrozenClock, RequestMaker

LADDERS = {
    "C1": "escalate=off",  # the default offsets, 72h
    "C2": "offsets=0h,6h escalate=off",  # closed 2 h before the contact is logged
    "C3": "tz=Kyiv offsets=0h,12h,24h escalate=30m",
    "C4": "offsets=0h,12h,24h escalate=30m",  # the same ladder as C3 (the zone is not part of it)
    "C5": "escalate=1h",
    "C6": "escalate=off",  # unsubscribed below: gets nothing
    "C7": "escalate=off",  # made NULL below, as a row written by hand may be
    "C8": "escalate=off",  # offsets made unreadable below: the default ladder stands in
}


def _write_by_hand(core: Core) -> None:
    with core.db.transaction() as session:
        for row in subscriptions.active(session):
            if row.channel == "slack:C7":
                row.escalate_after_seconds = None
            if row.channel == "slack:C8":
                row.offsets = "whenever"
            session.add(row)


def _shape(post: AlertPost) -> tuple[object, ...]:
    return (
        post.channel,
        post.platform,
        post.channel_id,
        post.kind,
        post.step,
        post.offset_seconds,
        post.window_seconds,
        post.due_at,
        post.next_attempt_at,
        post.state,
        post.attempts,
        post.created_at,
    )


def test_every_channel_gets_what_its_own_plan_says(core: Core, make_request: RequestMaker, clock: FrozenClock) -> None:
    for channel_id, args in LADDERS.items():
        subscribe(core, make_request, channel_id=channel_id, args=args)
    gone = core.router.handle(make_request("alerts", "unsubscribe", channel_id="C6"))
    assert gone.ok, gone.plain()
    _write_by_hand(core)

    contact_id, reply = log_contact(
        core, make_request, "at=2025-07-05T04:00Z parties=Trump,Putin kind=call source=Reuters confidence=confirmed"
    )

    assert "Readiness alert going to 6 subscribed channels now" in reply
    assert "(1 channel with a shorter window already closed: none sent there.)" in reply
    written = sorted(_shape(post) for post in plan_rows(core, contact_id))
    with core.db.reader() as session:
        report = session.get(ContactReport, contact_id)
        assert report is not None
        expected = []
        for subscription in subscriptions.active(session):
            offsets = channel_offsets(subscription, core.settings.offsets_seconds)
            for post in plan_channel(report, subscription, offsets, clock()):
                row = AlertPost(**post.values(), state=PostState.PENDING, attempts=0)
                expected.append(_shape(row))
    assert written == sorted(expected)
    assert {post[0] for post in written} == {"slack:C1", "slack:C3", "slack:C4", "slack:C5", "slack:C7", "slack:C8"}
    by_hand = sorted((post[0], post[3]) for post in written if post[0] in {"slack:C7", "slack:C8"})
    assert by_hand == [  # the default ladder, and no escalation where none is set
        (channel, kind) for channel in ("slack:C7", "slack:C8") for kind in ("alert", "reminder", "reminder", "summary")
    ]
    kinds = sorted((post[0], post[3]) for post in written if post[0] in {"slack:C3", "slack:C5"})
    assert kinds == [
        ("slack:C3", "alert"),
        ("slack:C3", "escalation"),
        ("slack:C3", "reminder"),
        ("slack:C3", "summary"),
        ("slack:C5", "alert"),
        ("slack:C5", "escalation"),
        ("slack:C5", "reminder"),
        ("slack:C5", "reminder"),
        ("slack:C5", "summary"),
    ]


def test_a_contact_whose_every_window_closed_plans_nothing(
    core: Core, make_request: RequestMaker, clock: FrozenClock
) -> None:
    subscribe(core, make_request, channel_id="C1", args="offsets=0h,6h escalate=off")
    subscribe(core, make_request, channel_id="C2", args="offsets=0h,12h escalate=1h")

    contact_id, reply = log_contact(
        core, make_request, "at=2025-07-04T12:00Z parties=Trump,Putin kind=call source=Reuters confidence=confirmed"
    )

    assert "Its 12h readiness window closed 2025-07-05 00:00 UTC: stored as a historical record" in reply
    assert plan_rows(core, contact_id) == []
