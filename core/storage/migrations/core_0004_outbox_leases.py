"""Outbox rows get an owner and a lease, and say whom they are addressed to.

A worker owns the rows it writes or claims for ``lease_until``; another worker takes a row over
only after that. ``recipient`` / ``space`` ("platform:id") let ``forget me`` delete what is
still owed to a member. Existing rows are left unowned (any worker may take them) and their
addressee is read from the payload.

Revision ID: core_0004
Revises: core_0003_interactions
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from salon.core.storage.types import UTCDateTime

revision = "core_0004"
down_revision = "core_0003_interactions"
branch_labels = None
depends_on = None


def _ref(value: object) -> str | None:
    if isinstance(value, dict) and "platform" in value and "id" in value:
        return f"{value['platform']}:{value['id']}"
    return None


def upgrade() -> None:
    with op.batch_alter_table("salon_outbox") as batch:
        batch.add_column(sa.Column("owner", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lease_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("recipient", sa.String(300), nullable=True))
        batch.add_column(sa.Column("space", sa.String(300), nullable=True))
    op.create_index("ix_salon_outbox_owner", "salon_outbox", ["owner"])
    op.create_index("ix_salon_outbox_recipient", "salon_outbox", ["recipient"])
    outbox = sa.table(
        "salon_outbox",
        sa.column("id", sa.String),
        sa.column("payload", sa.JSON),
        sa.column("recipient", sa.String),
        sa.column("space", sa.String),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(outbox.c.id, outbox.c.payload)).all():
        payload = row.payload if isinstance(row.payload, dict) else {}
        connection.execute(
            outbox.update()
            .where(outbox.c.id == row.id)
            .values(recipient=_ref(payload.get("recipient")), space=_ref(payload.get("space")))
        )


def downgrade() -> None:
    op.drop_index("ix_salon_outbox_recipient", "salon_outbox")
    op.drop_index("ix_salon_outbox_owner", "salon_outbox")
    with op.batch_alter_table("salon_outbox") as batch:
        batch.drop_column("space")
        batch.drop_column("recipient")
        batch.drop_column("lease_until")
        batch.drop_column("owner")
