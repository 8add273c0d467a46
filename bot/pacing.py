"""Spacing posts so a platform's rate limits are met before the platform has to say 429.

Each platform allows so many messages a second overall and about one a second per chat. A `Pacer` hands out
send slots: a channel waits for its own next slot, then takes the next free slot overall. Time comes from the
injected clock and waiting from the injected sleep, so tests move a frozen clock instead of waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RateLimit:
    per_second: float | None  # overall sends a second; None: unlimited
    per_channel_seconds: float = 0.0  # at least this long between two sends to one channel


# Telegram: about 30 messages a second per bot and one a second per chat (it answers RetryAfter beyond that);
# 29 keeps a little headroom for clock jitter. Slack: chat.postMessage allows about one a second per channel
# with short bursts; there is no published workspace figure, so 20 a second is a conservative guess.
DEFAULT_LIMITS: dict[str, RateLimit] = {
    "telegram": RateLimit(per_second=29.0, per_channel_seconds=1.0),
    "slack": RateLimit(per_second=20.0, per_channel_seconds=1.0),
    "console": RateLimit(per_second=None),
}
UNLIMITED = RateLimit(per_second=None)

Sleep = Callable[[float], Awaitable[None]]
_EPSILON = 1e-6


class Pacer:
    def __init__(self, limit: RateLimit, *, clock: Callable[[], datetime], sleep: Sleep) -> None:
        self.limit = limit
        self._clock = clock
        self._sleep = sleep
        self._next_any = 0.0
        self._next_channel: dict[str, float] = {}
        self._queue = asyncio.Lock()
        self._queue_loop: asyncio.AbstractEventLoop | None = None

    def _now(self) -> float:
        return self._clock().timestamp()

    async def wait_turn(self, channel_id: str) -> None:
        """Wait until sending to `channel_id` keeps within the limits; callers serialise per channel.

        Spacing is measured from when sends actually start, not from when they were booked: a task that wakes
        late (a busy loop) then pushes the ones after it back instead of bunching up with them, and a bunch is
        what the platform's one-second window counts as a flood.
        """
        now = self._now()
        channel_slot = self._next_channel.get(channel_id, 0.0)
        if channel_slot - now >= _EPSILON:  # outside the queue: one busy chat must not hold up the others
            await self._sleep(channel_slot - now)
        if self._queue_loop is not asyncio.get_running_loop():  # a lock serves one event loop only
            self._queue, self._queue_loop = asyncio.Lock(), asyncio.get_running_loop()
        async with self._queue:  # first come, first served: one waiter sleeps toward the next slot at a time
            while True:
                now = self._now()
                start = max(now, self._next_any)
                if start - now < _EPSILON:  # clocks tick in microseconds: closer than that is now
                    break
                await self._sleep(start - now)
            self._book(channel_id, now)

    def _book(self, channel_id: str, now: float) -> None:
        if self.limit.per_second:
            self._next_any = now + 1.0 / self.limit.per_second
        if self.limit.per_channel_seconds:
            self._next_channel[channel_id] = now + self.limit.per_channel_seconds
            if len(self._next_channel) > 10_000:  # forget channels whose slot has long passed
                self._next_channel = {key: at for key, at in self._next_channel.items() if at > now}

    def hold(self, seconds: float) -> None:
        """The platform said 429: nobody sends on it until `seconds` from now."""
        self._next_any = max(self._next_any, self._now() + seconds)
