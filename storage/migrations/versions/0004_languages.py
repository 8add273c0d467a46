"""Languages: each person's chosen reply language, and each subscribed channel's language for automatic posts.

Revision ID: 0004_languages
Revises: 0003_delivery_pace
Create Date: 2026-11-25 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0004_languages"
down_revision: str | Sequence[str] | None = "0003_delivery_pace"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user"),
    )
    with op.batch_alter_table("channel_subscription") as table:
        table.add_column(sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("channel_subscription") as table:
        table.drop_column("lang")
    op.drop_table("user_preference")
