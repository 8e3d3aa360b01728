"""Requests acknowledged before their work finished, one row each (``salon_acked_requests``).

Slack's HTTP mode kept them in one state row per bot, which two workers overwrote; a row per
request, owned and leased like the outbox's, lets any number of workers share one database.

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from salon.core.storage.types import UTCDateTime

revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "salon_acked_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False, index=True),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("salon_acked_requests")
