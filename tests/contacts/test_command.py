"""/contact end to end through the router, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.core import Core
from handlers.chat.reply import Visibility
from handlers.chat.request import Platform
from handlers.contacts.command import FORM
from storage.models import AuditEntry, ContactReport
from tests.conftest import RequestMaker
from tests.helpers import row_counts


def stored_contacts(core: Core) -> list[ContactReport]:
    with core.db.reader() as session:
        return list(session.exec(select(ContactReport).order_by(ContactReport.id)))


def test_logging_a_contact_stores_it_and_announces_it(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(
        make_request(
            "contact",
            'at="2025-07-03 14:00 Kyiv" parties=Trump,Putin kind=call source=Reuters confidence=confirmed '
            "duration=55m talked about a ceasefire",
        )
    )
    assert reply.ok, reply.text
    assert reply.visibility is Visibility.CHANNEL
    [contact] = stored_contacts(core)
    assert reply.title == f"Logged Contact #{contact.id} · call · Trump, Putin"
    assert contact.occurred_at == datetime(2025, 7, 3, 11, 0, tzinfo=UTC)
    assert (contact.kind, contact.confidence, contact.source) == ("call", "confirmed", "Reuters")
    assert contact.duration_seconds == 55 * 60
    assert contact.notes == "talked about a ceasefire"
    assert contact.reported_by == "slack:UADMIN" and contact.channel == "slack:C1"
    with core.db.reader() as session:
        [entry] = session.exec(select(AuditEntry)).all()
    assert (entry.action, entry.entity_id, entry.actor) == ("contact.log", contact.id, "slack:UADMIN")


def test_unquoted_time_with_zone_runs_on_into_the_value(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("contact", "at=2025-07-03 14:00 Kyiv parties=Trump,Putin"))
    assert reply.ok, reply.text
    assert stored_contacts(core)[0].occurred_at == datetime(2025, 7, 3, 11, 0, tzinfo=UTC)


def test_defaults_are_call_and_reported(core: Core, make_request: RequestMaker) -> None:
    core.router.handle(make_request("contact", "at=now parties=Witkoff,Putin"))
    [contact] = stored_contacts(core)
    assert (contact.kind, contact.confidence) == ("call", "reported")


def test_no_arguments_asks_for_the_form(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("contact"))
    assert reply.form is FORM
    assert "/contact at=TIME parties=A,B" in reply.text


@pytest.mark.parametrize(
    ("text", "message", "field"),
    [
        ("parties=Trump,Putin", "at= is required", "at"),
        ("at=now", "parties= is required", "parties"),
        ("at=now parties=Trump", "at least two parties", "parties"),
        ("at=now parties=Trump,Putin kind=dinner", "must be one of call, meeting, message, envoy", "kind"),
        ("at=tomorrow parties=Trump,Putin", "can't read the time", "at"),
        ("at=2025-07-03T14:00 parties=Trump,Putin zone=Kyiv", "has no argument zone=", "zone"),
        ("at=now parties=A,B confidence=maybe", "must be one of confirmed, reported, unverified", "confidence"),
        ("at=now parties=A,B duration=forever", "not a duration", "duration"),
    ],
)
def test_bad_input_gets_a_specific_error_and_changes_nothing(
    core: Core, make_request: RequestMaker, text: str, message: str, field: str
) -> None:
    before = row_counts(core)
    reply = core.router.handle(make_request("contact", text))
    assert not reply.ok
    assert message in reply.text
    assert message in reply.errors[field]
    assert row_counts(core) == before


def test_same_parties_within_two_hours_is_the_same_contact(core: Core, make_request: RequestMaker) -> None:
    first = core.router.handle(make_request("contact", "at=2025-07-03T14:00Z parties=Trump,Putin"))
    second = core.router.handle(make_request("contact", "at=2025-07-03T15:30Z parties=putin,TRUMP"))
    third = core.router.handle(make_request("contact", "at=2025-07-03T17:00Z parties=Trump,Putin"))
    assert first.ok and second.ok and third.ok
    one, two, three = stored_contacts(core)
    assert two.duplicate_of_id == one.id
    assert "opens no new readiness window" in second.text
    assert three.duplicate_of_id is None  # three hours later: a new contact


def test_a_redelivered_request_is_stored_once(core: Core, make_request: RequestMaker) -> None:
    request = make_request("contact", "at=now parties=Trump,Putin", idempotency_key="slack:retry:abc")
    first, again = core.router.handle(request), core.router.handle(request)
    assert first.ok and again.ok
    assert again.title.startswith("Already logged as contact #")
    assert len(stored_contacts(core)) == 1


def test_show_and_retract(core: Core, make_request: RequestMaker) -> None:
    core.router.handle(make_request("contact", "at=2025-07-03T14:00Z parties=Trump,Putin"))
    contact_id = stored_contacts(core)[0].id
    shown = core.router.handle(make_request("contact", f"show {contact_id}"))
    assert shown.ok and "2025-07-03 14:00 UTC" in shown.text

    no_reason = core.router.handle(make_request("contact", f"retract {contact_id}"))
    assert not no_reason.ok and "say why" in no_reason.text

    retracted = core.router.handle(make_request("contact", f'retract {contact_id} reason="wrong date"'))
    assert retracted.ok and "RETRACTED" in retracted.text
    [contact] = stored_contacts(core)  # withdrawn, never deleted
    assert contact.retract_reason == "wrong date" and contact.retracted_by == "slack:UADMIN"

    twice = core.router.handle(make_request("contact", f'retract {contact_id} reason="again"'))
    assert not twice.ok and "already retracted" in twice.text
    missing = core.router.handle(make_request("contact", "show 999"))
    assert not missing.ok and "no contact #999" in missing.text


def test_viewers_may_read_but_not_write(core: Core, make_request: RequestMaker) -> None:
    core.router.handle(make_request("contact", "at=now parties=A,B"))
    viewer = {"user_id": "UVIEW"}
    assert core.router.handle(make_request("contact", "show 1", **viewer)).ok
    refused = core.router.handle(make_request("contact", "at=now parties=C,D", **viewer))
    assert not refused.ok and "needs the reporter role" in refused.text
    assert len(stored_contacts(core)) == 1


def test_reporters_retract_only_their_own(core: Core, make_request: RequestMaker) -> None:
    core.router.handle(make_request("role", "grant user=U2 role=reporter"))
    core.router.handle(make_request("role", "grant user=U3 role=reporter"))
    assert core.router.handle(make_request("contact", "at=now parties=A,B", user_id="U2")).ok
    refused = core.router.handle(make_request("contact", 'retract 1 reason="x"', user_id="U3"))
    assert not refused.ok and "Only an admin or its reporter" in refused.text
    assert core.router.handle(make_request("contact", 'retract 1 reason="mine"', user_id="U2")).ok


def test_unknown_telegram_users_are_refused(core: Core, make_request: RequestMaker) -> None:
    reply = core.router.handle(make_request("timeline", platform=Platform.TELEGRAM, user_id="555"))
    assert not reply.ok and "telegram:555" in reply.text


def test_a_historical_contact_says_no_alerts_were_planned(core: Core, make_request: RequestMaker) -> None:
    old = core.router.handle(make_request("contact", "at=2025-06-01T10:00Z parties=Trump,Putin"))
    assert "stored as a historical record, no alerts planned" in old.text
    recent = core.router.handle(make_request("contact", "at=now parties=Trump,Putin"))
    assert "No channel is subscribed" in recent.text
