"""Sprints: chains, sprints, entries, ping opt-ins and status messages.

Revision ID: sprints_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "sprints_0001"
down_revision = None
branch_labels = ("sprints",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sprints_chains",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("arena", sa.String(300), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("break_minutes", sa.Integer, nullable=False),
        sa.Column("starter_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "sprints_sprints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("arena", sa.String(300), nullable=False),
        sa.Column("active_arena", sa.String(300), nullable=True, unique=True),
        sa.Column("space_platform", sa.String(32), nullable=False),
        sa.Column("space_id", sa.String(255), nullable=False),
        sa.Column("starter_id", sa.Integer, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("report_until", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("chain_id", sa.Integer, nullable=True),
        sa.Column("chain_index", sa.Integer, nullable=True),
        sa.Column("key", sa.String(200), nullable=True, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_sprints_sprints_arena", "sprints_sprints", ["arena", "status"])
    op.create_table(
        "sprints_entries",
        sa.Column("sprint_id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("start_count", sa.Integer, nullable=True),
        sa.Column("end_count", sa.Integer, nullable=True),
        sa.Column("words", sa.Integer, nullable=True),
        sa.Column("pending_words", sa.Integer, nullable=True),
        sa.Column("pending_end", sa.Integer, nullable=True),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("reported_at", UTCDateTime(), nullable=True),
        sa.Column("is_logged", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_sprints_entries_person", "sprints_entries", ["person_id"])
    op.create_table(
        "sprints_pingme",
        sa.Column("arena", sa.String(300), primary_key=True),
        sa.Column("person_id", sa.Integer, primary_key=True),
    )
    op.create_table(
        "sprints_status_messages",
        sa.Column("sprint_id", sa.Integer, primary_key=True),
        sa.Column("space_platform", sa.String(32), primary_key=True),
        sa.Column("space_id", sa.String(255), primary_key=True),
        sa.Column("message_id", sa.String(255), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "sprints_status_messages",
        "sprints_pingme",
        "sprints_entries",
        "sprints_sprints",
        "sprints_chains",
    ):
        op.drop_table(table)
