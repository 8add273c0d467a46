"""A long Retry-After is a wait, not a failure: the post is rescheduled at now + Retry-After without counting a
try and without holding the worker, and the platform is held for every worker that long. Through our worker with a
recording platform, and through the real Slack and Telegram notifiers against their loopback stand-ins (the SDKs
must hand a long wait to the worker instead of sleeping on it inside the send's timeout)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core import Core
from bot.slack.notifier import SlackNotifier
from bot.telegram.notifier import TelegramNotifier
from handlers.alerts.delivery import RateLimitedError
from handlers.chat.reply import Reply
from handlers.chat.settings import Settings
from storage.models import PostState
from tests.alerts.conftest import RecordingPlatform, WorkerMaker, log_contact, plan_rows, run, subscribe
from tests.conftest import FrozenClock, RequestMaker
from tests.slack.standin import StandinSlack
from tests.telegram.standin import TOKEN as TELEGRAM_TOKEN
from tests.telegram.standin import BotApiStandIn


def test_a_long_retry_after_reschedules_without_a_try_and_holds_the_platform(
    core: Core,
    make_request: RequestMaker,
    make_worker: WorkerMaker,
    platform: RecordingPlatform,
    clock: FrozenClock,
) -> None:
    subscribe(core, make_request, channel_id="C1")
    subscribe(core, make_request, channel_id="C2")
    contact_id, _ = log_contact(core, make_request)
    platform.rate_limited_until = clock() + timedelta(seconds=90)
    platform.retry_after = 90  # far beyond the 30 s send timeout
    start = clock()
    worker = make_worker(batch_size=1)  # C1 first; C2 would go next, but the platform is held
    run(worker.run_once())
    assert clock() - start < timedelta(seconds=5), "the worker did not sleep on the wait"
    assert platform.refusals == 1 and platform.posts == [], "one refusal, and no worker sends into the hold"
    rows = [row for row in plan_rows(core, contact_id) if row.kind == "alert"]
    refused = next(row for row in rows if row.last_error)
    assert refused.state == PostState.PENDING and refused.attempts == 0, "a wait is not a failed try"
    assert refused.next_attempt_at == start + timedelta(seconds=90)
    other = make_worker(worker_id="another")  # another worker hears of the hold from the database
    run(other.run_once())
    assert platform.refusals == 1 and platform.posts == []

    clock.set(start + timedelta(seconds=90))
    run(other.run_once())
    assert sorted(post.channel_id for post in platform.posts) == ["C1", "C2"]
    assert all(
        row.state == PostState.SENT and row.attempts == 1 for row in plan_rows(core, contact_id) if row.kind == "alert"
    )


ALERT = Reply(title="Readiness", text="contact #1")


async def test_slack_hands_a_long_retry_after_to_the_worker_at_once() -> None:
    standin = await StandinSlack().start()
    notifier = SlackNotifier(Settings(slack_bot_token="xoxb-test", slack_api_url=standin.api_url))
    try:
        standin.fail_next("chat.postMessage", retry_after=45)
        with pytest.raises(RateLimitedError) as raised:
            await notifier.post("C1", ALERT)
        assert raised.value.retry_after == 45
        assert len(standin.called("chat.postMessage")) == 1, "no retry slept inside the send"
        standin.fail_next("chat.postMessage", retry_after=1)  # one chat's spacing: waited out in place
        assert await notifier.post("C1", ALERT)
        assert len(standin.called("chat.postMessage")) == 3
    finally:
        await notifier.close()
        await standin.stop()


async def test_telegram_hands_a_long_retry_after_to_the_worker_at_once() -> None:
    standin = BotApiStandIn()
    await standin.start()
    notifier = TelegramNotifier(Settings(telegram_bot_token=TELEGRAM_TOKEN, telegram_api_url=standin.base_url))
    try:
        standin.too_many["sendMessage"] = [45]
        with pytest.raises(RateLimitedError) as raised:
            await notifier.post("-1001", ALERT)
        assert raised.value.retry_after == 45
        assert [method for method, _ in standin.calls].count("sendMessage") == 1, "no retry slept inside the send"
        standin.too_many["sendMessage"] = [1]  # one chat's spacing: waited out in place
        assert await notifier.post("-1001", ALERT)
        assert [method for method, _ in standin.calls].count("sendMessage") == 3
    finally:
        await notifier.close()
        await standin.stop()
