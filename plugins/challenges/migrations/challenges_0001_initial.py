"""Challenges: challenges, their spaces and members, the days and pieces that count, opt-outs
and streak warnings.

Revision ID: challenges_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "challenges_0001"
down_revision = None
branch_labels = ("challenges",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "challenges_challenges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.Integer, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("source", sa.String(16), nullable=False, server_default="any"),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "challenges_spaces",
        sa.Column(
            "challenge_id", sa.Integer, sa.ForeignKey("challenges_challenges.id"), primary_key=True
        ),
        sa.Column("space_platform", sa.String(32), primary_key=True),
        sa.Column("space_id", sa.String(255), primary_key=True),
    )
    op.create_table(
        "challenges_members",
        sa.Column(
            "challenge_id", sa.Integer, sa.ForeignKey("challenges_challenges.id"), primary_key=True
        ),
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_challenges_members_person", "challenges_members", ["person_id"])
    op.create_table(
        "challenges_days",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
    )
    op.create_index("ix_challenges_days_day", "challenges_days", ["day"])
    op.create_table(
        "challenges_pieces",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("ref", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date, nullable=False),
    )
    op.create_table(
        "challenges_optouts",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("what", sa.String(32), primary_key=True),
    )
    op.create_table(
        "challenges_warnings",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("challenges_warnings")
    op.drop_table("challenges_optouts")
    op.drop_table("challenges_pieces")
    op.drop_table("challenges_days")
    op.drop_table("challenges_members")
    op.drop_table("challenges_spaces")
    op.drop_table("challenges_challenges")
