"""A forwarded or pasted Air Force report becomes a strike report after a confirmed preview — through the router, on
SQLite and PostgreSQL, with the buttons' commands pressed as people (and forgers) would press them."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.core import Core
from handlers.airforce import ParsedReport, Refusal, parse_report
from handlers.chat.forms import Moment
from handlers.chat.reply import Reply
from handlers.strikes.pasted import preview_text
from storage.models import AuditEntry, DraftState, StrikeDraft, StrikeReport
from tests.conftest import FrozenClock, RequestMaker
from tests.helpers import row_counts

# An overnight report as the Air Force posts it (Ukrainian, no year: the posting date gives it).
REPORT = """\
У ніч на 4 липня (з 18:00 3 липня) противник атакував Україну 550 засобами повітряного нападу: 539 ударними БпЛА \
типу Shahed та дронами-імітаторами різних типів, а також 11 ракетами – 6 балістичними ракетами Іскандер-М/KN-23 та \
5 крилатими ракетами Х-101.
Станом на 08:30 протиповітряною обороною збито/подавлено 478 засобів повітряного нападу: 472 ворожих БпЛА типу \
Shahed та дронів-імітаторів різних типів та 6 ракет: 2 балістичні ракети Іскандер-М/KN-23 та 4 крилаті ракети Х-101.

Зафіксовано влучання ракет та ударних БпЛА на 8 локаціях, падіння уламків на 3 локаціях."""
POSTED = datetime(2025, 7, 4, 6, 12, tzinfo=UTC)  # 09:12 Kyiv, the morning after
LINK = "https://t.me/kpszsu/12345"
FORWARD = preview_text(REPORT, source=f"Повітряні сили ЗСУ · {LINK}", posted=POSTED)
# A report that states no launched count for drones: the preview shows it unknown and will not store a guess.
NO_DRONE_LAUNCHES = (
    "У ніч на 14 травня 2024 року ворог атакував Україну ударними БпЛА. Протиповітряною обороною знищено 18 "
    "ударних БпЛА у Київській, Сумській та Полтавській областях. Повітряні сили ЗСУ."
)
# A report that names no date at all.
UNDATED = (
    "Повітряні сили ЗСУ: протиповітряною обороною збито 50 з 60 ударних БпЛА типу Shahed у Київській, "
    "Житомирській та Сумській областях."
)
NIGHT_STARTS = datetime(2025, 7, 3, 15, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]  # 3 July 18:00 Kyiv: where the Air Force's count begins


@pytest.fixture
def reporters(core: Core, make_request: RequestMaker) -> tuple[str, str]:
    for user in ("UREP", "UREP2"):
        assert core.router.handle(make_request("role", f"grant user={user} role=reporter")).ok
    return "UREP", "UREP2"


def strikes(core: Core) -> list[StrikeReport]:
    with core.db.reader() as session:
        return list(session.exec(select(StrikeReport).order_by(StrikeReport.id)))


def draft_of(core: Core, draft_id: int) -> StrikeDraft:
    with core.db.reader() as session:
        found = session.get(StrikeDraft, draft_id)
    assert found is not None
    return found


def preview_id(reply: Reply) -> int:
    """The preview's number, from its Edit button (present on every preview)."""
    [edit] = [button for button in reply.buttons if button.action == "strike edit"]
    return int(edit.value)


def press(core: Core, make_request: RequestMaker, reply: Reply, label: str, user: str = "UREP", **kw: object) -> Reply:
    """Press the button labelled `label` as `user`: routed exactly as every platform routes a press."""
    [button] = [button for button in reply.buttons if button.label == label]
    command, _, action = button.action.partition(" ")
    return core.router.handle(make_request(command, f"{action} {button.value}", user_id=user, **kw))


def test_a_forwarded_report_is_previewed_and_nothing_but_a_draft_is_stored(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    before = row_counts(core)
    reply = core.router.handle(make_request("strike", FORWARD, user_id="UREP", idempotency_key="k1"))
    assert reply.ok, reply.plain()
    assert [button.label for button in reply.buttons] == ["Confirm", "Edit", "Cancel"]
    text = reply.plain()
    assert "Night of 3–4 July 2025" in text and "18:00 Kyiv" in text
    assert "Drones: 539 launched, 472 shot down or suppressed" in text
    assert "Missiles: 11 launched, 6 shot down or suppressed" in text
    assert "Hits at 8 locations, debris fell at 3 locations" in text
    assert f"Source: Повітряні сили ЗСУ · {LINK}" in text and "not stored yet" in text
    assert reply.table is not None and ("Iskander-M/KN-23", "missile", "6", "2") in reply.table.rows
    after = row_counts(core)
    assert after["strike_report"] == before["strike_report"] and after["audit_log"] == before["audit_log"]
    assert after["strike_draft"] == before["strike_draft"] + 1
    again = core.router.handle(make_request("strike", FORWARD, user_id="UREP", idempotency_key="k1"))
    assert preview_id(again) == preview_id(reply) and row_counts(core) == after  # a redelivery: the same draft


def test_confirm_stores_the_report_once_with_its_source_and_night(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    preview = core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    logged = press(core, make_request, preview, "Confirm")
    assert logged.ok and logged.title is not None and logged.title.startswith("Logged Strike #1 · 539 drones, 11")
    [strike] = strikes(core)
    assert strike.started_at == NIGHT_STARTS and strike.time_known
    assert (strike.drones, strike.missiles) == (539, 11)
    assert strike.weapons == {"Shahed-136/131 and Decoy UAV": 539, "Iskander-M/KN-23": 6, "X-101/X-555": 5}
    assert strike.source == f"Повітряні сили ЗСУ · {LINK}"
    assert strike.source_key == "airforce:t.me/kpszsu:2025-07-04"
    assert strike.reported_by == "slack:UREP" and strike.notes is not None
    assert "472 of 539 drones" in strike.notes and "6 of 11 missiles" in strike.notes
    with core.db.reader() as session:
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "strike.log")).all()
    assert entry.entity_id == strike.id and entry.details["draft"] == preview_id(preview)
    twice = press(core, make_request, preview, "Confirm")
    assert twice.ok and twice.title == f"Already logged as strike #{strike.id}"
    assert len(strikes(core)) == 1 and draft_of(core, preview_id(preview)).state == DraftState.CONFIRMED


def test_the_same_night_from_the_same_source_twice_is_one_report(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    first = core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    assert press(core, make_request, first, "Confirm").ok
    # Another post of the same channel about the same night, forwarded by someone else.
    second_post = preview_text(REPORT, source=f"Повітряні сили ЗСУ · {LINK[:-1]}9", posted=POSTED)
    second = core.router.handle(make_request("strike", second_post, user_id="UREP2"))
    assert "Already logged from this source for this night as strike #1" in second.plain()
    answer = press(core, make_request, second, "Confirm", user="UREP2")
    assert answer.ok and answer.title == "Already logged as strike #1"
    assert len(strikes(core)) == 1
    # The same night from another source is another report, and its preview says what already covers the night.
    other = preview_text(REPORT, source="Suspilne · https://t.me/suspilnenews/777", posted=POSTED)
    third = core.router.handle(make_request("strike", other, user_id="UREP2"))
    assert "Also on this night: strike #1 · 539 drones, 11 missiles" in third.plain()
    assert press(core, make_request, third, "Confirm", user="UREP2").title.startswith("Logged Strike #2")  # type: ignore[union-attr]
    assert [strike.source_key for strike in strikes(core)] == [
        "airforce:t.me/kpszsu:2025-07-04",
        "airforce:t.me/suspilnenews:2025-07-04",
    ]


def test_cancel_discards_and_a_later_confirm_stores_nothing(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    preview = core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    cancelled = press(core, make_request, preview, "Cancel")
    assert cancelled.ok and "Nothing was stored" in cancelled.text
    before = row_counts(core)
    late = press(core, make_request, preview, "Confirm")
    assert not late.ok and "was cancelled" in late.text
    again = press(core, make_request, preview, "Cancel")
    assert not again.ok and "was cancelled" in again.text
    assert row_counts(core) == before and strikes(core) == []


def test_only_the_author_may_act_on_a_preview(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    preview = core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    before = row_counts(core)
    for label in ("Confirm", "Edit", "Cancel"):
        refused = press(core, make_request, preview, label, user="UREP2")
        assert not refused.ok and "belongs to slack:UREP" in refused.text, (label, refused.text)
    admin = press(core, make_request, preview, "Confirm", user="UADMIN")  # an admin too: it is not theirs
    assert not admin.ok and "only they can confirm it" in admin.text
    assert row_counts(core) == before
    assert draft_of(core, preview_id(preview)).state == DraftState.OPEN


def test_an_expired_preview_stores_nothing(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str], clock: FrozenClock
) -> None:
    preview = core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    clock.advance(minutes=59)
    assert press(core, make_request, preview, "Edit").form is not None  # still open just before the hour
    clock.advance(minutes=1)
    before = row_counts(core)
    for label in ("Confirm", "Edit", "Cancel"):
        late = press(core, make_request, preview, label)
        assert not late.ok and "expired at 2025-07-05 13:00 UTC" in late.text, late.text
    assert row_counts(core) == before
    clock.advance(days=1, minutes=1)  # a day after expiring, the next preview deletes it
    core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    gone = press(core, make_request, preview, "Confirm")
    assert not gone.ok and f"There is no strike preview #{preview_id(preview)}" in gone.text


@pytest.mark.parametrize(
    ("platform", "user", "refusal"),
    [
        ("slack", "UVIEW", "needs the reporter role"),  # Slack's default role: a viewer
        ("telegram", "999", "not registered"),  # a Telegram stranger
        ("telegram", "1001", "belongs to slack:UREP"),  # an admin, of another platform: still not theirs
    ],
)
def test_a_forged_press_changes_nothing(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str], platform: str, user: str, refusal: str
) -> None:
    """Confirm, Edit and Cancel pressed with forged payloads by people who may not: refused, nothing stored."""
    preview = core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    before = row_counts(core)
    for label in ("Confirm", "Edit", "Cancel"):
        refused = press(core, make_request, preview, label, user=user, platform=platform)
        assert not refused.ok and refusal in refused.text, (label, refused.plain())
    if refusal != "belongs to slack:UREP":  # those who may not write cannot even get a preview of their own
        forged = core.router.handle(make_request("strike", "preview " + REPORT, user_id=user, platform=platform))
        assert not forged.ok and refusal in forged.text
    assert row_counts(core) == before


def test_unknown_counts_are_shown_unknown_and_block_confirm_until_edited(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    preview = core.router.handle(make_request("strike", "preview " + NO_DRONE_LAUNCHES, user_id="UREP"))
    assert preview.ok and "Drones: unknown launched (the report does not say), 18 shot down" in preview.plain()
    assert [button.label for button in preview.buttons] == ["Edit", "Cancel"]  # no Confirm for a guess
    assert "how many drones were launched" in preview.plain()
    draft_id = preview_id(preview)
    refused = core.router.handle(make_request("strike", f"confirm {draft_id}", user_id="UREP"))
    assert not refused.ok and "cannot be stored yet" in refused.text and strikes(core) == []
    form_reply = press(core, make_request, preview, "Edit")
    form = form_reply.form
    assert form is not None and form.action == f"edit {draft_id}" and "drones" not in form.initial
    assert form.initial["at"] == Moment("2024-05-13", "18:00", "Kyiv")
    edited = core.router.handle(make_request("strike", form.command_text({**form.initial, "drones": "25"})))
    assert not edited.ok and "belongs to" in edited.text  # the admin who made the request is not its author
    edited = core.router.handle(
        make_request("strike", form.command_text({**form.initial, "drones": "25"}), user_id="UREP")
    )
    assert edited.ok and "(edited)" in (edited.title or "") and "Confirm" in [b.label for b in edited.buttons]
    logged = press(core, make_request, edited, "Confirm")
    assert logged.ok
    [strike] = strikes(core)
    assert (strike.drones, strike.missiles) == (25, 0)
    assert strike.source_key == "airforce:issuer:air force of ukraine:2024-05-14"


def test_edit_changes_the_draft_with_the_typed_rules_and_the_key_follows_the_night(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    preview = core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    draft_id = preview_id(preview)
    form = press(core, make_request, preview, "Edit").form
    assert form is not None and form.title == "Edit strike preview"
    assert form.initial["drones"] == "539" and form.initial["at"] == Moment("2025-07-03", "18:00", "Kyiv")
    assert "Shahed-136/131 and Decoy UAV:539" in str(form.initial["weapons"])
    before = row_counts(core)
    contradiction = core.router.handle(
        make_request("strike", f'edit {draft_id} at=now drones=5 weapons="Shahed-136:9"', user_id="UREP")
    )
    assert not contradiction.ok and contradiction.errors.get("drones"), contradiction.text
    assert row_counts(core) == before
    moved = core.router.handle(
        make_request("strike", f'edit {draft_id} at="2025-07-01 19:30 Kyiv" drones=500 missiles=0', user_id="UREP")
    )
    assert moved.ok and "Night of 1–2 July 2025" in moved.plain()
    assert draft_of(core, draft_id).source_key == "airforce:t.me/kpszsu:2025-07-02"
    assert press(core, make_request, moved, "Confirm").ok
    [strike] = strikes(core)
    assert strike.started_at == datetime(2025, 7, 1, 16, 30, tzinfo=UTC) and strike.drones == 500


def test_a_paste_without_a_date_leaves_the_night_to_the_person(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    pasted = core.router.handle(make_request("strike", UNDATED, user_id="UREP"))  # /strike with the text pasted
    assert pasted.ok and "Night: unknown" in pasted.plain()
    assert [button.label for button in pasted.buttons] == ["Edit", "Cancel"]
    forwarded = core.router.handle(make_request("strike", preview_text(UNDATED, posted=POSTED), user_id="UREP"))
    assert "Night of 3–4 July 2025" in forwarded.plain()  # a post's date is a fact: a report of that morning
    yearless = core.router.handle(make_request("strike", REPORT, user_id="UREP"))
    assert "Night of 3–4 July 2025" in yearless.plain()  # the day is the report's, the year the latest before now


def test_a_paste_the_parser_refuses_is_refused_clearly_and_typed_strikes_are_unchanged(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    before = row_counts(core)
    words = "the usual night, nothing new"
    refusal = parse_report(words)
    assert isinstance(refusal, Refusal)
    chatter = core.router.handle(make_request("strike", words, user_id="UREP"))
    assert not chatter.ok and chatter.text.startswith("at= is required")  # today's error, then the parser's reason
    assert f"Read as a pasted Air Force report, it was refused too: {refusal.reason}." in chatter.text
    russian = core.router.handle(make_request("strike", "preview " + "Российские войска нанесли удар. " * 5))
    assert not russian.ok and "I could not read that as an Air Force report" in russian.text
    assert row_counts(core) == before
    typed = core.router.handle(make_request("strike", "at=now drones=4", user_id="UREP"))
    assert typed.ok and typed.title == "Logged Strike #1 · 4 drones, 0 missiles" and typed.buttons == ()


def test_two_confirms_at_once_store_one_strike(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    preview = core.router.handle(make_request("strike", FORWARD, user_id="UREP"))
    draft_id = preview_id(preview)
    replies: list[Reply] = []
    start = threading.Barrier(4)

    def confirm() -> None:
        start.wait()
        replies.append(core.router.handle(make_request("strike", f"confirm {draft_id}", user_id="UREP")))

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(strikes(core)) == 1
    titles = sorted(reply.title or "" for reply in replies)
    assert all(reply.ok for reply in replies), [reply.plain() for reply in replies]
    assert sum(title.startswith("Logged") for title in titles) == 1
    assert titles.count("Already logged as strike #1") == 3


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=400),
        st.builds(lambda cut, noise: REPORT[:cut] + noise, st.integers(0, len(REPORT)), st.text(max_size=40)),
    ),
    header=st.sampled_from(["", "source=x\n", "posted=2025-07-04T06:00Z\n", "posted=yesterday\n", 'source="\n']),
)
def test_any_text_gives_a_reply_and_never_a_strike(
    core: Core, make_request: RequestMaker, text: str, header: str
) -> None:
    """Whatever is pasted or forwarded, the preview answers in words (never "something went wrong") and stores no
    strike; only a text the parser reads leaves a draft."""
    before = row_counts(core)
    reply = core.router.handle(make_request("strike", f"preview {header}{text}"))
    assert "Something went wrong" not in reply.text
    after = row_counts(core)
    assert after["strike_report"] == before["strike_report"] and after["audit_log"] == before["audit_log"]
    assert after["strike_draft"] - before["strike_draft"] == (1 if reply.ok else 0), reply.plain()


def test_the_stored_strike_agrees_with_the_parser_on_every_count_it_states(
    core: Core, make_request: RequestMaker, reporters: tuple[str, str]
) -> None:
    """The preview adds nothing of its own: launched totals and per-weapon launches are the parser's."""
    parsed = parse_report(REPORT, POSTED)
    assert isinstance(parsed, ParsedReport)
    press(core, make_request, core.router.handle(make_request("strike", FORWARD, user_id="UREP")), "Confirm")
    [strike] = strikes(core)
    assert (strike.drones, strike.missiles) == (parsed.drones_launched, parsed.missiles_launched)
    assert strike.weapons == {weapon.name: weapon.launched for weapon in parsed.weapons}
    assert strike.started_at == datetime(2025, 7, 3, 18, tzinfo=UTC) - timedelta(hours=3)  # Kyiv is UTC+3 in July
    assert dataclasses.asdict(parsed.hits) == {"weapons": None, "locations": 8, "debris_locations": 3}


def test_the_parser_is_loaded_only_when_a_report_is_read() -> None:
    """Every command module is imported for every command; the parser's patterns are compiled only when needed."""
    code = (
        "import sys\n"
        "from handlers.registry import all_commands\n"
        "all_commands()\n"
        "assert not [name for name in sys.modules if name.startswith('handlers.airforce')], 'loaded early'\n"
        "from datetime import datetime, UTC\n"
        "from handlers.strikes import report_draft\n"
        f"report_draft.read({REPORT!r}, report_draft.Origin(), datetime.now(UTC))\n"
        "assert 'handlers.airforce.parser' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
