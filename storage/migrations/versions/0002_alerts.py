"""Readiness plan: one row per planned alert post (due time, state, claim lease, acknowledgement).

Revision ID: 0002_alerts
Revises: 0001_core
Create Date: 2026-11-25 08:07:44.696358
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0002_alerts"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("offset_seconds", sa.Integer(), nullable=False),
        sa.Column("window_seconds", sa.Integer(), nullable=False),
        sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("lease_until", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("message_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("acked_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("acked_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("snoozed_seconds", sa.Integer(), nullable=False),
        sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact_report.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contact_id", "channel", "kind", "step", name="uq_alert_post_step"),
    )
    with op.batch_alter_table("alert_post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_post_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_post_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_alert_post_state_next", ["state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_post", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_post_state_next")
        batch_op.drop_index(batch_op.f("ix_alert_post_contact_id"))
        batch_op.drop_index(batch_op.f("ix_alert_post_channel"))

    op.drop_table("alert_post")
