"""Words added through ``log_progress`` (a sprint's words), kept once per idempotency key.

Revision ID: checkins_0003
Revises: checkins_0002
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "checkins_0003"
down_revision = "checkins_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkins_logged",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("logged_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_checkins_logged_person", "checkins_logged", ["person_id"])


def downgrade() -> None:
    op.drop_table("checkins_logged")
