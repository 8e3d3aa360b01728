"""Badges: awards (each badge once per person) and the facts metrics count.

Revision ID: badges_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "badges_0001"
down_revision = None
branch_labels = ("badges",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "badges_awards",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("badge_id", sa.String(64), nullable=False),
        sa.Column("awarded_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("person_id", "badge_id", name="uq_badges_awards_person_badge"),
    )
    op.create_table(
        "badges_facts",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("metric", sa.String(32), primary_key=True),
        sa.Column("ref", sa.String(64), primary_key=True),
        sa.Column("amount", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("badges_facts")
    op.drop_table("badges_awards")
