"""One table for what buttons and forms mean, with an expiry (replaces per-adapter state rows).

The rows adapters kept in ``salon_state`` for this (Telegram's ``telegram:button:…``, Slack's
``slack:form:…``, Matrix's pending-buttons blob) are deleted: buttons sent before the upgrade
answer "this has expired", and the member runs the command again.

Revision ID: core_0003_interactions
Revises: core_0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from salon.core.storage.types import UTCDateTime

revision = "core_0003_interactions"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "salon_interactions",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("space", sa.String(255), nullable=True),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_salon_interactions_expires_at", "salon_interactions", ["expires_at"])
    op.create_index(
        "ix_salon_interactions_space", "salon_interactions", ["platform", "space", "created_at"]
    )
    op.execute(
        "DELETE FROM salon_state WHERE key LIKE 'telegram:button:%' OR key LIKE 'slack:form:%' "
        "OR key LIKE 'matrix:%pending_buttons'"
    )


def downgrade() -> None:
    op.drop_index("ix_salon_interactions_space", "salon_interactions")
    op.drop_index("ix_salon_interactions_expires_at", "salon_interactions")
    op.drop_table("salon_interactions")
