"""`/alerts ack N` and `/alerts snooze N` take the contact number the alert shows, in this channel — never a hidden
row id — and the buttons do exactly what typing that number does."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Core
from storage.models import PostKind, PostState
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, log_contact, plan_rows, run, subscribe
from tests.conftest import FrozenClock, RequestMaker
from tests.helpers import row_counts


def _two_contacts(core: Core, make_request: RequestMaker, make_worker: WorkerMaker) -> tuple[int, int]:
    """Two channels and two contacts, so plan row ids and contact numbers are far apart."""
    subscribe(core, make_request, channel_id="C1", args="escalate=1h")
    subscribe(core, make_request, channel_id="C2", args="escalate=1h")
    first, _ = log_contact(core, make_request, "at=now parties=Trump,Putin")
    second, _ = log_contact(core, make_request, "at=now parties=Xi,Putin")
    run(make_worker().run_once())
    return first, second


def test_ack_takes_the_number_the_alert_shows(
    core: Core, make_request: RequestMaker, make_worker: WorkerMaker, platform: RecordingPlatform
) -> None:
    first, second = _two_contacts(core, make_request, make_worker)
    shown = next(
        post for post in platform.posts if post.channel_id == "C2" and f"#{second} " in (post.reply.title or "")
    )
    ack = next(button for button in shown.reply.buttons if button.label == "Acknowledge")
    assert ack.value == str(second) and f"/alerts ack {second}" in shown.text
    reply = core.router.handle(make_request("alerts", f"ack {ack.value}", channel_id="C2"))  # what the button runs
    assert reply.ok and f"contact #{second}" in (reply.title or "")
    acked = [(row.contact_id, row.channel) for row in plan_rows(core) if row.acked_by]
    assert acked == [(second, "slack:C2")], "that contact's alert in this channel, nothing else"
    escalations = {(row.contact_id, row.channel): row.state for row in plan_rows(core) if row.kind == "escalation"}
    assert escalations[(second, "slack:C2")] == PostState.CANCELLED
    assert (
        escalations[(first, "slack:C2")] == PostState.PENDING and escalations[(second, "slack:C1")] == PostState.PENDING
    )


def test_snooze_moves_the_next_pending_post_of_that_contact(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, args="escalate=off")
    start = clock()
    contact_id, _ = log_contact(core, make_request)
    run(make_worker().run_once())
    clock.set(start + timedelta(hours=24))
    run(make_worker().run_once())  # the +24h reminder went out: +48h is next
    reply = core.router.handle(make_request("alerts", f"snooze {contact_id} 2h"))
    assert reply.ok, reply.plain()
    moved = [row for row in plan_rows(core, contact_id) if row.snoozed_seconds]
    assert [(row.kind, row.offset_seconds) for row in moved] == [(PostKind.REMINDER, 48 * 3600)]
    assert moved[0].due_at == start + timedelta(hours=50)
    assert "reminder +48h" in (reply.title or "")


def test_a_repeat_reports_number_acts_on_the_contact_it_repeats(
    core: Core, make_request: RequestMaker, make_worker: WorkerMaker, clock: FrozenClock
) -> None:
    subscribe(core, make_request)
    first, _ = log_contact(core, make_request)
    clock.advance(minutes=10)
    repeat, _ = log_contact(core, make_request, "at=now parties=Putin,Trump source=TASS")
    reply = core.router.handle(make_request("alerts", f"ack {repeat}"))
    assert reply.ok and f"repeats contact #{first}" in reply.text
    assert [row.contact_id for row in plan_rows(core) if row.acked_by] == [first]


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.sampled_from(["ack", "snooze"]), words=st.text(max_size=20))
def test_any_text_after_ack_or_snooze_gets_an_answer_and_changes_nothing_unless_it_names_a_contact(
    core: Core, make_request: RequestMaker, action: str, words: str
) -> None:
    if not plan_rows(core):
        subscribe(core, make_request)
        log_contact(core, make_request)
    before = row_counts(core), [(row.acked_by, row.due_at) for row in plan_rows(core)]
    reply = core.router.handle(make_request("alerts", f"{action} {words}"))
    if not reply.ok:
        assert reply.text and "Traceback" not in reply.text
        assert (row_counts(core), [(row.acked_by, row.due_at) for row in plan_rows(core)]) == before
