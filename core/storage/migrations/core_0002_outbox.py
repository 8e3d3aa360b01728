"""The durable outbox: messages scheduled jobs send, kept until delivered.

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from salon.core.storage.types import UTCDateTime

revision = "core_0002"
down_revision = "core_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "salon_outbox",
        # Ids are made by the writer, so a batch is one executemany (no RETURNING).
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("salon_outbox")
