"""The platforms' documented sending limits, and waiting for a send slot without bunching.

The budget itself is shared by every worker through the database (`delivery_pace`, taken in the claim
transaction in storage/alert_posts.py): a worker is handed posts with the moment each may start, and only waits
for that moment here. Time comes from the injected clock and waiting from the injected sleep, so tests move a
frozen clock instead of waiting.

The limits, as the platforms document them:
- Slack, Web API rate limits ("Special tier"; docs.slack.dev/apis/web-api/rate-limits): "chat.postMessage
  generally allows posting one message per second per channel, while also maintaining a workspace-wide limit";
  "Posting messages: 1 per second. Short bursts >1 allowed." No workspace figure is published, so none is paced
  to: Slack's 429 with `Retry-After` is what tells us, and it holds every worker's Slack sends that long.
- Telegram, Bot FAQ "My bot is hitting limits, how do I avoid this?" (core.telegram.org/bots/faq): "avoid
  sending more than one message per second" in one chat; bulk notifications: "the API will not allow more than
  30 messages per second or so"; "your bot will not be able to send more than 20 messages per minute to the same
  group" (a negative chat id), which as an even spacing is one every 3 s.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

Sleep = Callable[[float], Awaitable[None]]
_EPSILON = 1e-6
_MARGIN = 0.035  # seconds: about one slot of allowance for arrival jitter we cannot see from here


@dataclass(frozen=True)
class RateLimit:
    per_second: float | None  # overall sends a second across all chats; None: no overall budget
    per_channel_seconds: float = 0.0  # at least this long between two sends to one chat
    per_group_seconds: float | None = None  # Telegram groups (negative ids), if stricter than a chat

    def channel_spacing(self, channel_id: str) -> float:
        """Seconds between two posts to `channel_id`, counted from the platform's answer to the first."""
        if self.per_group_seconds is not None and channel_id.startswith("-"):
            return max(self.per_channel_seconds, self.per_group_seconds)
        return self.per_channel_seconds


DEFAULT_LIMITS: dict[str, RateLimit] = {
    "telegram": RateLimit(per_second=30.0, per_channel_seconds=1.0, per_group_seconds=3.0),
    "slack": RateLimit(per_second=None, per_channel_seconds=1.0),
    "console": RateLimit(per_second=None),
}
UNLIMITED = RateLimit(per_second=None)


class SlotWaiter:
    """Waits until a send slot, one waiter at a time in the order they arrived.

    Slots are handed out in order, so serving waiters first come, first served keeps sends in slot order; it
    also keeps a frozen test clock sane (one sleeper moves it at a time). Within a worker, a platform's sends also
    keep its own one-second rule as they really start (`per_second`): a send the event loop woke late may be caught
    up on, but never so that more than `per_second` start within one second — a bunch is what the platform's
    window counts as a flood.
    """

    def __init__(self, *, clock: Callable[[], datetime], sleep: Sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._queue: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._starts: dict[str, deque[float]] = {}

    def _earliest(self, slot: datetime, lane: str, per_second: float | None) -> float:
        starts = self._starts.get(lane)
        if not per_second or not starts or len(starts) < int(per_second):
            return slot.timestamp()
        return max(slot.timestamp(), starts[0] + 1.0 + _MARGIN)

    async def wait_until(self, slot: datetime, *, lane: str = "", per_second: float | None = None) -> None:
        if self._earliest(slot, lane, per_second) - self._clock().timestamp() >= _EPSILON:
            if self._loop is not asyncio.get_running_loop() or self._queue is None:  # a lock serves one event loop
                self._queue, self._loop = asyncio.Lock(), asyncio.get_running_loop()
            async with self._queue:
                while (wait := self._earliest(slot, lane, per_second) - self._clock().timestamp()) >= _EPSILON:
                    await self._sleep(wait)
        if per_second:
            starts = self._starts.setdefault(lane, deque(maxlen=max(1, int(per_second))))
            starts.append(self._clock().timestamp())
