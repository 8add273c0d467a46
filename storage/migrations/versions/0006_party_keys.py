"""Party keys under the text rule: contacts stored before it get the key the same-contact rule now compares.

The rule (handlers/text/cleaning.py, `fold`) drops invisible characters, applies NFKC and case-folds, so
`Put\u00adin`, `\u200bPutin` and `Ｐutin` are one party. Rows stored earlier kept a key made by case-folding alone,
so a new report of the same parties would not find them. This recomputes every key from the stored names. The
rule is copied here as it stands: a migration is a snapshot, and must not change when the code it came from does.
Which reports were linked as repeats is history and stays as it was.

Revision ID: 0006_party_keys
Revises: 0005_strike_draft
Create Date: 2026-11-25 17:00:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_party_keys"
down_revision: str | Sequence[str] | None = "0005_strike_draft"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_IGNORABLE = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2065, 0x2065),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)


def _visible(text: str) -> str:
    return "".join(
        char
        for char in text
        if unicodedata.category(char) != "Cf" and not any(low <= ord(char) <= high for low, high in _IGNORABLE)
    )


def _fold(name: str) -> str:
    cleaned = _visible(unicodedata.normalize("NFKC", _visible(name)))
    return " ".join(unicodedata.normalize("NFKC", cleaned.casefold()).split())


def _key(parties: str) -> str:
    return ",".join(sorted(_fold(name) for name in parties.replace(";", ",").split(",") if _fold(name)))


def upgrade() -> None:
    contacts = sa.table(
        "contact_report",
        sa.column("id", sa.Integer),
        sa.column("parties", sa.String),
        sa.column("parties_key", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(contacts.c.id, contacts.c.parties, contacts.c.parties_key)).all()
    for row_id, parties, old in rows:
        new = _key(parties or "")
        if new and new != old:
            connection.execute(sa.update(contacts).where(contacts.c.id == row_id).values(parties_key=new))


def downgrade() -> None:
    pass  # the old keys were a coarser form of the same names; nothing to restore
