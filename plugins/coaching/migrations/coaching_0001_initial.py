"""Coaching: plans, nudges, weekly reviews, the journal, coaches and their coachees.

Revision ID: coaching_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "coaching_0001"
down_revision = None
branch_labels = ("coaching",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coaching_plans",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("project", sa.String(200), nullable=False),
        sa.Column("target", sa.Integer, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("days", sa.String(16), nullable=False),
        sa.Column("at", sa.String(5), nullable=False),
        sa.Column("session_minutes", sa.Integer, nullable=False),
        sa.Column("review_day", sa.Integer, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "coaching_nudges",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "coaching_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("week_of", sa.Date, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("planned", sa.Integer, nullable=False),
        sa.Column("streak", sa.Integer, nullable=False),
        sa.Column("days_written", sa.String(120), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("person_id", "week_of", name="uq_coaching_reviews_week"),
    )
    op.create_table(
        "coaching_journal",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("review_id", sa.Integer, nullable=True),
        sa.Column("question", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_coaching_journal_person", "coaching_journal", ["person_id"])
    op.create_table(
        "coaching_coaches",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("added_by", sa.Integer, nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "coaching_links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("coach_id", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("has_consent", sa.Boolean, nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_coaching_links_coach", "coaching_links", ["coach_id"])
    op.create_index("ix_coaching_links_member", "coaching_links", ["member_id"])
    op.create_table(
        "coaching_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("coach_id", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("review_id", sa.Integer, nullable=True),
        sa.Column("piece_id", sa.Integer, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_coaching_feedback_member", "coaching_feedback", ["member_id"])
    op.create_table(
        "coaching_pieces",
        sa.Column("piece_id", sa.Integer, primary_key=True),
        sa.Column("author_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("coaching_pieces")
    op.drop_table("coaching_feedback")
    op.drop_table("coaching_links")
    op.drop_table("coaching_coaches")
    op.drop_table("coaching_journal")
    op.drop_table("coaching_reviews")
    op.drop_table("coaching_nudges")
    op.drop_table("coaching_plans")
