"""The readiness plan: one row per post a subscribed channel is owed for a contact.

The database, not the scheduler, is the plan. A row is due at `due_at`; the worker may take it once
`next_attempt_at` has passed (retries and rate limits move that, never `due_at`, so lateness stays honest).
A claim is a lease (`claimed_by`, `lease_until`): a worker that dies mid-claim lets the lease run out and another
worker takes the row again. States only move forward: pending → claimed → sent | failed | cancelled
(claimed → pending again on a retry).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class PostKind(StrEnum):
    ALERT = "alert"  # at once: what was reported and the readiness checklist
    REMINDER = "reminder"  # at each offset between the first and the last
    ESCALATION = "escalation"  # when the alert is not acknowledged in time: mentions the named people
    SUMMARY = "summary"  # at the last offset: the window closes, strikes against the usual level
    RETRACTION = "retraction"  # the contact was withdrawn: its remaining posts are cancelled
    REFRESH = "refresh"  # edit the posted alert (who acknowledged and when); not a new message


class PostState(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


OPEN_STATES = (PostState.PENDING, PostState.CLAIMED)


def _time(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class AlertPost(SQLModel, table=True):
    """One planned post to one channel about one contact."""

    __tablename__ = "alert_post"
    __table_args__ = (
        # A contact's step is planned once per channel, even if a hook ran twice.
        UniqueConstraint("contact_id", "channel", "kind", "step", name="uq_alert_post_step"),
        # The worker's claim query: open rows by the time they may be tried.
        Index("ix_alert_post_state_next", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contact_report.id", index=True)
    channel: str = Field(index=True)  # platform:channel, as in channel_subscription
    platform: str
    channel_id: str
    kind: str  # PostKind
    step: int = 0  # the offset's index for reminders and the summary; 0 otherwise
    offset_seconds: int = 0  # from the contact's time; what "+24h" means for this row
    window_seconds: int = 0  # the channel's last offset when planned: where the window closes
    due_at: datetime = _time()
    next_attempt_at: datetime = _time()
    state: str = PostState.PENDING
    claimed_by: str | None = None
    lease_until: datetime | None = _time(nullable=True)
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = _time(nullable=True)
    late: bool = False  # sent well after due_at (the bot was down or held back)
    message_ref: str | None = None  # the platform's reference (Slack ts, Telegram message_id)
    acked_by: str | None = None  # on the alert row: who acknowledged, platform:user
    acked_at: datetime | None = _time(nullable=True)
    snoozed_seconds: int = 0  # how far snoozes have pushed this row
    cancel_reason: str | None = None
    created_at: datetime = _time()
    updated_at: datetime = _time()

    def follow_up(self, kind: str, at: datetime) -> AlertPost:
        """A post due at once to the same channel about the same contact: an edit, a retraction notice."""
        return AlertPost(
            contact_id=self.contact_id,
            channel=self.channel,
            platform=self.platform,
            channel_id=self.channel_id,
            kind=kind,
            window_seconds=self.window_seconds,
            due_at=at,
            next_attempt_at=at,
            created_at=at,
            updated_at=at,
        )
