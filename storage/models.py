"""The tables. Times are aware UTC (`UTCDateTime`); reports are never deleted, only marked retracted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def _time(*, index: bool = False, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, index=index, nullable=nullable)


class ContactReport(SQLModel, table=True):
    """A reported leader-to-leader contact (call, meeting, message, envoy visit)."""

    __tablename__ = "contact_report"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = _time(index=True)
    time_known: bool = True  # False when only the date was reported; the analysis states its convention
    parties: str  # as typed, comma separated: "Trump, Putin"
    parties_key: str = Field(index=True)  # sorted, lower-case: finds the same contact reported twice
    kind: str
    confidence: str
    source: str | None = None
    duration_seconds: int | None = None
    notes: str | None = None
    duplicate_of_id: int | None = Field(default=None, foreign_key="contact_report.id")
    reported_by: str  # platform:user
    reporter_name: str | None = None
    channel: str  # platform:channel it was reported from
    created_at: datetime = _time()
    request_key: str | None = Field(default=None, unique=True)
    source_key: str | None = Field(default=None, unique=True)
    retracted_at: datetime | None = _time(nullable=True)
    retracted_by: str | None = None
    retract_reason: str | None = None

    @property
    def party_list(self) -> list[str]:
        return [party.strip() for party in self.parties.split(",") if party.strip()]


class StrikeReport(SQLModel, table=True):
    """A reported strike wave: counts of drones and missiles, per-model counts, place and casualties."""

    __tablename__ = "strike_report"
    __table_args__ = (Index("ix_strike_report_live_started", "retracted_at", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = _time(index=True)
    ended_at: datetime | None = _time(nullable=True)
    time_known: bool = True
    drones: int = 0
    missiles: int = 0
    weapons: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    region: str | None = None
    killed: int | None = None
    injured: int | None = None
    source: str | None = None
    notes: str | None = None
    reported_by: str
    reporter_name: str | None = None
    channel: str
    created_at: datetime = _time()
    request_key: str | None = Field(default=None, unique=True)
    source_key: str | None = Field(default=None, unique=True)
    retracted_at: datetime | None = _time(nullable=True)
    retracted_by: str | None = None
    retract_reason: str | None = None


class ChannelSubscription(SQLModel, table=True):
    """A channel that receives readiness posts, with its zone and reminder ladder."""

    __tablename__ = "channel_subscription"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(unique=True)  # platform:channel
    platform: str
    channel_id: str
    tz: str = "UTC"
    offsets: str = "0h,24h,48h,72h"
    escalate_after_seconds: int | None = 3600
    escalate_mentions: str | None = None  # platform user ids, comma separated
    lang: str = "en"  # the language of its automatic posts (`/alerts subscribe lang=uk`)
    active: bool = True  # False after unsubscribe, or when the platform says the channel is gone
    inactive_reason: str | None = None
    subscribed_by: str
    created_at: datetime = _time()
    updated_at: datetime = _time()


class UserRole(SQLModel, table=True):
    """Who may write. Admins named in CALLWATCH_ADMINS need no row."""

    __tablename__ = "user_role"

    id: int | None = Field(default=None, primary_key=True)
    user: str = Field(unique=True)  # platform:user
    role: str
    display_name: str | None = None
    granted_by: str
    granted_at: datetime = _time()


class UserPreference(SQLModel, table=True):
    """What a person chose for themselves: the language replies come in (`/lang uk|en`)."""

    __tablename__ = "user_preference"

    id: int | None = Field(default=None, primary_key=True)
    user: str = Field(unique=True)  # platform:user
    language: str
    updated_at: datetime = _time()


class AuditEntry(SQLModel, table=True):
    """Every write: who, what, when, from which platform and channel."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _time(index=True)
    actor: str  # platform:user, or "system" / "import"
    channel: str | None = None
    action: str  # e.g. contact.log, contact.retract, strike.log, role.grant
    entity: str | None = None
    entity_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class PlatformCursor(SQLModel, table=True):
    """A named position in a platform's stream, e.g. Telegram's last processed `update_id`."""

    __tablename__ = "platform_cursor"
    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str
    value: str
    updated_at: datetime = _time()


# --- the readiness plan -------------------------------------------------------------------------------------
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

    def follow_up(self, kind: str, at: datetime) -> PlannedPost:
        """A post due at once to the same channel about the same contact: an edit, a retraction notice."""
        return PlannedPost(
            contact_id=self.contact_id,
            channel=self.channel,
            platform=self.platform,
            channel_id=self.channel_id,
            kind=kind,
            window_seconds=self.window_seconds,
            due_at=at,
            planned_at=at,
        )


@dataclass(frozen=True, slots=True)
class PlannedPost:
    """An `alert_post` row still to be written, as plain values: one channel's plan, or a follow-up post.

    Written inside the reporter's transaction, so the reporter waits for them: as ORM objects, rows cost about
    0.3 ms each in validation and attribute events; as values inserted in one executemany
    (`storage.alert_posts.add_posts`) a tenth of that. A new contact's plan for every subscribed channel is written
    per `Ladder` instead, by the database.
    """

    contact_id: int
    channel: str
    platform: str
    channel_id: str
    kind: str
    due_at: datetime
    planned_at: datetime
    step: int = 0
    offset_seconds: int = 0
    window_seconds: int = 0

    def values(self) -> dict[str, object]:
        """The row's columns; the rest (pending, no tries yet) take the defaults `AlertPost` declares, which the
        insert applies row by row."""
        return {
            "contact_id": self.contact_id,
            "channel": self.channel,
            "platform": self.platform,
            "channel_id": self.channel_id,
            "kind": self.kind,
            "step": self.step,
            "offset_seconds": self.offset_seconds,
            "window_seconds": self.window_seconds,
            "due_at": self.due_at,
            "next_attempt_at": self.due_at,
            "created_at": self.planned_at,
            "updated_at": self.planned_at,
        }


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One step of a contact's readiness ladder, the same for every channel whose ladder is the same.

    A contact's plan is a few steps times every subscribed channel; channels that share their offsets and
    escalation delay share the steps, so the steps are computed once per `Ladder` and written for all of its
    channels by the database (`storage.alert_posts.add_ladder_posts`).
    """

    kind: str
    due_at: datetime
    step: int = 0
    offset_seconds: int = 0
    window_seconds: int = 0

    def for_channel(
        self, *, contact_id: int, channel: str, platform: str, channel_id: str, planned_at: datetime
    ) -> PlannedPost:
        return PlannedPost(
            contact_id=contact_id,
            channel=channel,
            platform=platform,
            channel_id=channel_id,
            kind=self.kind,
            due_at=self.due_at,
            planned_at=planned_at,
            step=self.step,
            offset_seconds=self.offset_seconds,
            window_seconds=self.window_seconds,
        )


@dataclass(frozen=True, slots=True)
class Ladder:
    """Active subscriptions that share their post timing (offsets and escalation delay), and how many there are:
    most deployments have one or two ladders however many channels they post to."""

    offsets: str
    escalate_after_seconds: int | None
    channels: int


@dataclass(frozen=True, slots=True)
class PostRow:
    """An `alert_post` row as the worker claimed it, read as plain columns.

    The claim is a fan-out's hot path: ORM objects cost a thousand channels about 0.2 ms a row in loading,
    attribute events and the flush of the claim itself; rows read as values and claimed in one `UPDATE` do not.
    `attempts` counts the claim that read it.
    """

    id: int
    contact_id: int
    channel: str
    platform: str
    channel_id: str
    kind: str
    offset_seconds: int
    window_seconds: int
    due_at: datetime
    next_attempt_at: datetime
    attempts: int
    lease_until: datetime
    sent_at: datetime | None = None
    message_ref: str | None = None
    acked_by: str | None = None
    acked_at: datetime | None = None


class DeliveryPace(SQLModel, table=True):
    """When the next post may start, shared by every alert worker so N workers together keep one platform's limits.

    One row per platform (`telegram`: its overall budget, a virtual clock that each claim advances by one slot per
    post) and one per channel (`telegram:-100123`: not before the previous post there was answered, plus the
    platform's spacing for one chat). Taken in the claim transaction; see storage/alert_posts.py.
    """

    __tablename__ = "delivery_pace"

    scope: str = Field(primary_key=True)  # a platform name, or a channel key platform:id
    next_at: datetime = _time()
    updated_at: datetime = _time()


class DraftState(StrEnum):
    OPEN = "open"  # waiting for its author's Confirm, Edit or Cancel
    CONFIRMED = "confirmed"  # stored as `strike_id`
    CANCELLED = "cancelled"


class StrikeDraft(SQLModel, table=True):
    """A strike report read from a forwarded or pasted Air Force report, shown as a preview and stored as a
    `StrikeReport` only when its author confirms it. Short-lived: it expires, and is deleted a day after that."""

    __tablename__ = "strike_draft"
    # Ids are never reused (SQLite would reuse a deleted row's): an old preview's buttons name only their own draft.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    author: str = Field(index=True)  # platform:user; only they may confirm, edit or cancel it
    author_name: str | None = None
    channel: str  # platform:channel the preview was shown in
    created_at: datetime = _time()
    expires_at: datetime = _time(index=True)
    state: str = DraftState.OPEN
    request_key: str | None = Field(default=None, unique=True)  # the preview request's redelivery key
    source_key: str | None = None  # origin + night: the stored report's `source_key` (None while the night is unknown)
    strike: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # its fields
    reading: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # what was read
    strike_id: int | None = Field(default=None, foreign_key="strike_report.id")
    closed_at: datetime | None = _time(nullable=True)
