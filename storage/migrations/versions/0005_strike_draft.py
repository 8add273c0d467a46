"""Strike drafts: an Air Force report read into a strike report, waiting for its author's Confirm.

Revision ID: 0005_strike_draft
Revises: 0004_languages
Create Date: 2026-11-25 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0005_strike_draft"
down_revision: str | Sequence[str] | None = "0004_languages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "strike_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("author_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("request_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("strike", sa.JSON(), nullable=False),
        sa.Column("reading", sa.JSON(), nullable=False),
        sa.Column("strike_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["strike_id"], ["strike_report.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_key"),
        sqlite_autoincrement=True,  # ids never reused: an old preview's buttons cannot reach a newer draft
    )
    with op.batch_alter_table("strike_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strike_draft_author"), ["author"], unique=False)
        batch_op.create_index(batch_op.f("ix_strike_draft_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("strike_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strike_draft_expires_at"))
        batch_op.drop_index(batch_op.f("ix_strike_draft_author"))
    op.drop_table("strike_draft")
