"""Every slash command over real HTTP into the real bolt app: happy paths, errors, escaping, redelivery, slowness."""

from __future__ import annotations

import asyncio
import time

from sqlmodel import select

from bot.core import Core
from handlers.chat.command import ActionHandler
from handlers.chat.context import HandlerContext
from handlers.chat.reply import Image, Reply
from handlers.chat.request import ChatRequest
from storage.models import ContactReport, StrikeReport
from tests.helpers import row_counts, wrapping_actions
from tests.slack.conftest import SlackClient, command_body, signed_headers


def texts(body: dict) -> str:
    """Every text in a Block Kit answer, as Slack would receive it (still mrkdwn-escaped)."""
    parts = [body.get("text", "")]
    for block in body.get("blocks", []):
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [element.get("text", "") for element in block.get("elements", []) if block["type"] == "context"]
    return "\n".join(parts)


def contacts(core: Core) -> list[ContactReport]:
    with core.db.reader() as session:
        return list(session.exec(select(ContactReport)))


def strikes(core: Core) -> list[StrikeReport]:
    with core.db.reader() as session:
        return list(session.exec(select(StrikeReport)))


async def test_help_answers_only_the_caller(slack: SlackClient) -> None:
    status, body = await slack.command("help")
    assert status == 200
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["text"]["text"] == "*callwatch commands*"
    assert "/callwatch contact" in texts(body)  # Slack's own spelling of every command
    status, body = await slack.command("help", "strike")
    assert "drones=" in texts(body)


async def test_contact_is_logged_and_announced_in_the_channel(slack: SlackClient, core: Core) -> None:
    status, body = await slack.command(
        "contact", 'at="2025-07-03 14:00 UTC" parties=Trump,Putin kind=call source=Reuters confidence=confirmed'
    )
    assert status == 200
    assert body["response_type"] == "in_channel"
    assert "Logged Contact #1 · call · Trump, Putin" in body["text"]
    [stored] = contacts(core)
    assert (stored.parties, stored.kind, stored.source, stored.reported_by) == (
        "Trump, Putin",
        "call",
        "Reuters",
        "slack:UADMIN",
    )
    assert stored.channel == "slack:C1"


async def test_user_text_comes_back_escaped_and_is_stored_as_typed(slack: SlackClient, core: Core) -> None:
    status, body = await slack.command("contact", "at=now parties=Trump,Putin <!channel> <@U1> ping & run")
    assert status == 200
    answer = texts(body)
    assert "&lt;!channel&gt; &lt;@U1&gt; ping &amp; run" in answer
    assert "<!channel>" not in answer and "<@U1>" not in answer
    [stored] = contacts(core)
    assert stored.notes == "<!channel> <@U1> ping & run"  # Slack's &lt; escaping was undone before storing


async def test_contact_errors_are_specific_private_and_change_nothing(slack: SlackClient, core: Core) -> None:
    before = row_counts(core)
    for text, expected in [
        ("at=now parties=Trump,Putin kind=dance", "kind=dance: must be one of call, meeting, message, envoy"),
        ("at=now", "parties= is required"),
        ("at=tomorrow-ish parties=A,B", "at=tomorrow-ish"),
        ("show 99", "There is no contact #99"),
    ]:
        status, body = await slack.command("contact", text)
        assert status == 200
        assert body["response_type"] == "ephemeral", text
        assert body["text"].startswith("⚠️"), text
        assert expected in texts(body), (text, texts(body))
    assert row_counts(core) == before


async def test_a_viewer_may_read_but_not_log(slack: SlackClient, core: Core) -> None:
    _status, body = await slack.command("contact", "at=now parties=A,B", user="UVIEWER")
    assert "needs the reporter role" in texts(body)
    assert contacts(core) == []
    _status, body = await slack.command("timeline", user="UVIEWER")
    assert body["text"] and not body["text"].startswith("⚠️")


async def test_strike_happy_path_show_and_retract(slack: SlackClient, core: Core) -> None:
    _status, body = await slack.command(
        "strike", 'at="2025-07-04 22:00 UTC" drones=539 missiles=11 region=Kyiv killed=2 source="Air Force"'
    )
    assert body["response_type"] == "in_channel"
    assert "Strike #1" in body["text"]
    [stored] = strikes(core)
    assert (stored.drones, stored.missiles, stored.region, stored.killed) == (539, 11, "Kyiv", 2)
    _status, body = await slack.command("strike", "show 1")
    assert "539" in texts(body) and body["response_type"] == "ephemeral"
    _status, body = await slack.command("strike", 'retract 1 reason="double count"')
    assert "retracted" in body["text"]
    assert strikes(core)[0].retracted_at is not None


async def test_strike_errors(slack: SlackClient, core: Core) -> None:
    for text, expected in [
        ("at=now", "say what was launched"),
        ("at=now drones=-4", "a count cannot be negative"),
        ("drones=4", "at= is required"),
    ]:
        _status, body = await slack.command("strike", text)
        assert expected in texts(body), (text, texts(body))
    assert strikes(core) == []


async def test_timeline_lists_and_charts(slack: SlackClient, core: Core) -> None:
    await slack.command("contact", 'at="2025-07-03 14:00 UTC" parties=Trump,Putin')
    await slack.command("strike", 'at="2025-07-04 22:00 UTC" drones=539')
    status, body = await slack.command("timeline")
    assert status == 200 and body["response_type"] == "ephemeral"
    answer = texts(body)
    assert "Trump, Putin" in answer and "539" in answer
    status, body = await slack.command("timeline", "kind=dance")
    assert body["text"].startswith("⚠️")


def serve_a_chart(core: Core) -> None:
    """/timeline chart answers with a PNG here whatever the chart renderer draws: this tests the upload."""
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    chart = Reply(title="Timeline", text="1 strike", image=Image(png=png, filename="timeline.png", title="Timeline"))
    core.router.commands["timeline"] = wrapping_actions(
        core.router.commands["timeline"], lambda _run: lambda r, c: chart
    )


async def test_a_chart_is_uploaded_to_the_channel(slack: SlackClient, core: Core) -> None:
    serve_a_chart(core)
    status, body = await slack.command("timeline", "chart")
    assert status == 200 and not body["text"].startswith("⚠️"), texts(body)
    standin = slack.standin
    await standin.wait_for(lambda: standin.called("files.completeUploadExternal"))
    [url_request] = standin.called("files.getUploadURLExternal")
    assert url_request["filename"].endswith(".png")
    assert standin.uploads[0].startswith(b"\x89PNG")
    assert standin.called("files.completeUploadExternal")[0]["channel_id"] == "C1"


async def test_a_chart_the_bot_cannot_post_is_explained(slack: SlackClient, core: Core) -> None:
    serve_a_chart(core)
    slack.standin.fail_next("files.completeUploadExternal", status=200, error="not_in_channel")
    await slack.command("timeline", "chart")
    standin = slack.standin
    await standin.wait_for(lambda: standin.responses)
    assert "Invite me first" in texts(standin.responses[0])


async def test_role_grant_lets_a_member_log(slack: SlackClient, core: Core) -> None:
    _status, body = await slack.command("role", "grant user=slack:UREPORTER role=reporter")
    assert body["text"] and not body["text"].startswith("⚠️"), texts(body)
    _status, body = await slack.command("role", "list")
    assert "slack:UREPORTER" in texts(body)
    _status, body = await slack.command("contact", "at=now parties=A,B", user="UREPORTER")
    assert body["response_type"] == "in_channel"
    assert contacts(core)[0].reported_by == "slack:UREPORTER"
    _status, body = await slack.command("role", "grant user=slack:UX role=admin", user="UREPORTER")
    assert "needs the admin role" in texts(body)


async def test_a_redelivered_command_is_not_stored_twice(slack: SlackClient, core: Core) -> None:
    body = command_body(
        "contact", "at=now parties=Trump,Putin", response_url=slack.standin.response_url(), trigger_id="trigger.same"
    )
    first = await slack.post(body)
    retry = await slack.post(
        body, headers={**signed_headers(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert first[0] == retry[0] == 200
    assert "Logged Contact #1" in first[1]["text"]
    assert retry[1]["text"] == "Already logged as contact #1"
    assert len(contacts(core)) == 1


async def test_simultaneous_deliveries_are_stored_once(slack: SlackClient, core: Core) -> None:
    body = command_body(
        "strike", "at=now drones=7", response_url=slack.standin.response_url(), trigger_id="trigger.twice"
    )
    answers = await asyncio.gather(*(slack.post(body) for _ in range(3)))
    assert {status for status, _ in answers} == {200}
    assert len(strikes(core)) == 1


async def test_a_slow_command_acks_in_time_and_answers_through_response_url(slack: SlackClient, core: Core) -> None:
    """The ack budget in tests is 1.5 s; this /help takes 3 s. Slack's limit is 3 s."""
    original = core.router.commands["help"]

    def slow_help(run: ActionHandler) -> ActionHandler:
        def slowly(request: ChatRequest, ctx: HandlerContext) -> Reply:
            time.sleep(3.0)
            return run(request, ctx)

        return slowly

    core.router.commands["help"] = wrapping_actions(original, slow_help)
    started = time.monotonic()
    status, body = await slack.command("help", response_url=slack.standin.response_url("slow"))
    acked_after = time.monotonic() - started
    assert status == 200
    assert acked_after < 2.5
    assert body["response_type"] == "ephemeral" and "Working on /callwatch help" in body["text"]
    standin = slack.standin
    await standin.wait_for(lambda: standin.responses, within=5)
    [late] = standin.responses
    assert late["response_type"] == "ephemeral"
    assert late["blocks"][0]["text"]["text"] == "*callwatch commands*"


async def test_slow_write_is_stored_once_even_when_answered_late(slack: SlackClient, core: Core) -> None:
    original = core.router.commands["contact"]

    def slow_contact(run: ActionHandler) -> ActionHandler:
        def slowly(request: ChatRequest, ctx: HandlerContext) -> Reply:
            time.sleep(2.0)
            return run(request, ctx)

        return slowly

    core.router.commands["contact"] = wrapping_actions(original, slow_contact)
    _status, body = await slack.command("contact", "at=now parties=A,B <!here>")
    assert "Working on /callwatch contact" in body["text"]
    standin = slack.standin
    await standin.wait_for(lambda: standin.responses, within=5)
    [late] = standin.responses
    assert late["response_type"] == "in_channel"
    assert "&lt;!here&gt;" in texts(late) and "<!here>" not in texts(late)
    assert len(contacts(core)) == 1


async def test_unknown_command_is_answered_not_crashed(slack: SlackClient) -> None:
    status, body = await slack.command("nonsense")
    assert status == 200 and "Unknown command /nonsense" in texts(body)
    assert "/callwatch help" in texts(body)  # the hint in Slack's spelling
    status, _body = await slack.post(command_body("nonsense", umbrella=False))
    assert status == 404  # not one of our slash commands: bolt refuses it, nothing runs


async def test_alerts_subscribe_status_and_errors(slack: SlackClient, core: Core) -> None:
    _status, body = await slack.command("alerts", "subscribe tz=Kyiv")
    assert not body["text"].startswith("⚠️"), texts(body)
    _status, body = await slack.command("alerts", "status")
    assert "Kyiv" in texts(body) and body["response_type"] == "ephemeral"
    _status, body = await slack.command("alerts", "pending")
    assert not body["text"].startswith("⚠️"), texts(body)
    _status, body = await slack.command("alerts", "dance")
    assert "unknown /callwatch alerts action" in texts(body)  # errors in Slack's spelling
    _status, body = await slack.command("alerts", "subscribe", user="UVIEWER")
    assert "needs the admin role" in texts(body)


async def test_analysis_is_routed_and_answered_privately(slack: SlackClient) -> None:
    status, body = await slack.command("analysis", "window=3")
    assert status == 200
    assert body["response_type"] == "ephemeral" and body["text"]


async def test_a_fast_command_runs_once_and_is_answered_once(slack: SlackClient, core: Core) -> None:
    """The ack carries the reply; the lazy half must neither run the command again nor answer again."""
    original = core.router.commands["help"]
    calls: list[str] = []

    def counted_help(run: ActionHandler) -> ActionHandler:
        def counted(request: ChatRequest, ctx: HandlerContext) -> Reply:
            calls.append(request.text)
            return run(request, ctx)

        return counted

    core.router.commands["help"] = wrapping_actions(original, counted_help)
    status, body = await slack.command("help", response_url=slack.standin.response_url("fast"))
    assert status == 200 and body["blocks"][0]["text"]["text"] == "*callwatch commands*"
    await asyncio.sleep(0.3)  # give a wrongly re-running lazy half time to show itself
    assert calls == [""]
    assert slack.standin.responses == []
