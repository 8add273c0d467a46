"""/timeline: merge, order, filters, paging and each contact's window."""

from __future__ import annotations

from bot.core import Core
from tests.conftest import FrozenClock, RequestMaker


def log(core: Core, make_request: RequestMaker, command: str, text: str) -> None:
    reply = core.router.handle(make_request(command, text))
    assert reply.ok, reply.text


def test_newest_first_with_strikes_in_each_window(core: Core, make_request: RequestMaker) -> None:
    log(core, make_request, "contact", "at=2025-07-03T14:00Z parties=Trump,Putin")
    log(core, make_request, "strike", "at=2025-07-03T10:00Z drones=50")  # before the call: not in its window
    log(core, make_request, "strike", "at=2025-07-03T22:00Z drones=539 missiles=11")
    log(core, make_request, "strike", "at=2025-07-05T02:00Z drones=20")
    reply = core.router.handle(make_request("timeline"))
    assert reply.ok
    assert reply.title == "Timeline · page 1 of 1 · 4 entries, newest first"
    blocks = reply.text.split("\n\n")
    assert [block.split(" ·")[0] for block in blocks] == ["STRIKE #3", "STRIKE #2", "CONTACT #1", "STRIKE #1"]
    assert "in the 3d after it: 2 strikes · 559 drones · 11 missiles" in blocks[2]


def test_filters(core: Core, make_request: RequestMaker) -> None:
    log(core, make_request, "contact", "at=2025-06-01T14:00Z parties=Trump,Putin")
    log(core, make_request, "contact", "at=2025-07-01T14:00Z parties=Macron,Zelensky")
    log(core, make_request, "strike", "at=2025-07-02T22:00Z drones=100")
    only_strikes = core.router.handle(make_request("timeline", "kind=strike"))
    assert "CONTACT" not in only_strikes.text and "STRIKE #1" in only_strikes.text
    putin = core.router.handle(make_request("timeline", "party=putin"))
    assert "Trump, Putin" in putin.text and "Macron" not in putin.text and "STRIKE" not in putin.text
    july = core.router.handle(make_request("timeline", "from=2025-07-01 to=2025-07-01"))
    assert "Macron" in july.text and "Trump" not in july.text and "STRIKE" not in july.text


def test_paging_and_the_next_page_hint(core: Core, make_request: RequestMaker, clock: FrozenClock) -> None:
    for hour in range(23):
        log(core, make_request, "strike", f"at=2025-07-01T{hour:02d}:00Z drones={hour + 1}")
    first = core.router.handle(make_request("timeline", "kind=strike"))
    assert first.title == "Timeline · page 1 of 3 · 23 entries, newest first"
    assert first.footer == "More: /timeline kind=strike page=2"
    third = core.router.handle(make_request("timeline", "kind=strike page=3"))
    assert third.text.count("STRIKE #") == 3 and third.footer is None
    beyond = core.router.handle(make_request("timeline", "kind=strike page=9"))
    assert not beyond.ok and "only 3 pages" in beyond.text


def test_retracted_reports_leave_the_timeline(core: Core, make_request: RequestMaker) -> None:
    log(core, make_request, "strike", "at=2025-07-01T10:00Z drones=7")
    log(core, make_request, "strike", 'retract 1 reason="duplicate"')
    reply = core.router.handle(make_request("timeline"))
    assert "Nothing stored matches" in reply.text


def test_bad_timeline_arguments(core: Core, make_request: RequestMaker) -> None:
    for text, message in (
        ("kind=rumour", "must be one of contact, strike"),
        ("page=0", "pages start at 1"),
        ("from=2025-07-02 to=2025-07-01", "from= must be before to="),
        ("stray", "does not take free text"),
    ):
        reply = core.router.handle(make_request("timeline", text))
        assert not reply.ok and message in reply.text, text
