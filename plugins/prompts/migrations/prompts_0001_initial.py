"""Prompts: organiser-added prompts, suggestions, schedules, postings, use and responses.

Revision ID: prompts_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "prompts_0001"
down_revision = None
branch_labels = ("prompts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompts_added",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("person_id", sa.Integer, nullable=True),
        sa.Column("added_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "prompts_suggestions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("suggested_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer, nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_prompts_suggestions_status", "prompts_suggestions", ["status"])
    op.create_index("ix_prompts_suggestions_person", "prompts_suggestions", ["person_id"])
    op.create_table(
        "prompts_schedules",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("space_platform", sa.String(32), nullable=True),
        sa.Column("space_id", sa.String(255), nullable=True),
        sa.Column("rrule", sa.String(255), nullable=False),
        sa.Column("start", sa.String(19), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("spec", sa.String(255), nullable=False),
        sa.Column("tag", sa.String(32), nullable=True),
        sa.Column("is_paused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "prompts_postings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("schedule_id", sa.Integer, nullable=True),
        sa.Column("run", sa.String(64), nullable=True),
        sa.Column("prompt_id", sa.String(128), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("space_platform", sa.String(32), nullable=False),
        sa.Column("space_id", sa.String(255), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("run", "space_platform", "space_id", name="uq_prompts_postings_run"),
    )
    op.create_index(
        "ix_prompts_postings_message", "prompts_postings", ["space_platform", "message_id"]
    )
    op.create_index(
        "ix_prompts_postings_space",
        "prompts_postings",
        ["space_platform", "space_id", "posted_at"],
    )
    op.create_table(
        "prompts_used",
        sa.Column("scope", sa.String(300), primary_key=True),
        sa.Column("cycle", sa.Integer, primary_key=True),
        sa.Column("prompt_id", sa.String(128), primary_key=True),
        sa.Column("used_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "prompts_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("posting_id", sa.Integer, sa.ForeignKey("prompts_postings.id"), nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("is_anonymous", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("space_platform", sa.String(32), nullable=True),
        sa.Column("space_id", sa.String(255), nullable=True),
        sa.Column("responded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("posting_id", "person_id", name="uq_prompts_responses_person"),
    )
    op.create_index("ix_prompts_responses_person", "prompts_responses", ["person_id"])


def downgrade() -> None:
    for table in (
        "prompts_responses",
        "prompts_used",
        "prompts_postings",
        "prompts_schedules",
        "prompts_suggestions",
        "prompts_added",
    ):
        op.drop_table(table)
