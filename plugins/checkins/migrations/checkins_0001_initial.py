"""Check-ins: goals, progress, streaks, scheduled check-ins and writing buddies.

Revision ID: checkins_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "checkins_0001"
down_revision = None
branch_labels = ("checkins",)
depends_on = None


def _member(primary_key: bool = False) -> list[sa.Column[str]]:
    return [
        sa.Column("platform", sa.String(32), primary_key=primary_key, nullable=False),
        sa.Column("member_id", sa.String(255), primary_key=primary_key, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "checkins_goals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_member(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("reached_period", sa.String(16), nullable=True),
    )
    op.create_index("ix_checkins_goals_member", "checkins_goals", ["platform", "member_id"])
    op.create_table(
        "checkins_progress",
        *_member(primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "checkins_streaks",
        *_member(primary_key=True),
        sa.Column("length", sa.Integer, nullable=False),
        sa.Column("best", sa.Integer, nullable=False),
        sa.Column("last_day", sa.Date, nullable=True),
        sa.Column("is_alive", sa.Boolean, nullable=False),
    )
    op.create_table(
        "checkins_away",
        *_member(primary_key=True),
        sa.Column("until", sa.Date, nullable=False),
    )
    op.create_table(
        "checkins_checkins",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("space_platform", sa.String(32), nullable=False),
        sa.Column("space_id", sa.String(255), nullable=False),
        sa.Column("days", sa.String(32), nullable=False),
        sa.Column("ask_time", sa.String(5), nullable=False),
        sa.Column("digest_time", sa.String(5), nullable=True),
        sa.Column("questions", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("space_platform", "space_id", name="uq_checkins_checkins_space"),
    )
    op.create_table(
        "checkins_participants",
        sa.Column(
            "checkin_id", sa.Integer, sa.ForeignKey("checkins_checkins.id"), primary_key=True
        ),
        *_member(primary_key=True),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("skip_next", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_checkins_participants_zone", "checkins_participants", ["checkin_id", "tz"])
    op.create_table(
        "checkins_zones",
        sa.Column(
            "checkin_id", sa.Integer, sa.ForeignKey("checkins_checkins.id"), primary_key=True
        ),
        sa.Column("tz", sa.String(64), primary_key=True),
    )
    op.create_table(
        "checkins_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("checkin_id", sa.Integer, sa.ForeignKey("checkins_checkins.id"), nullable=False),
        *_member(),
        sa.Column("round", sa.String(10), nullable=False),
        sa.Column("questions", sa.JSON, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("is_reminded", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("is_digested", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint(
            "checkin_id", "platform", "member_id", "round", name="uq_checkins_responses_round"
        ),
    )
    op.create_index(
        "ix_checkins_responses_member", "checkins_responses", ["platform", "member_id", "status"]
    )
    op.create_index(
        "ix_checkins_responses_digest", "checkins_responses", ["checkin_id", "is_digested"]
    )
    op.create_table(
        "checkins_buddies",
        *_member(primary_key=True),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "checkins_buddy_pairs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("formed_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "checkins_buddy_pair_members",
        sa.Column(
            "pair_id", sa.Integer, sa.ForeignKey("checkins_buddy_pairs.id"), primary_key=True
        ),
        *_member(primary_key=True),
    )
    op.create_index(
        "ix_checkins_buddy_pair_members_member",
        "checkins_buddy_pair_members",
        ["platform", "member_id"],
    )


def downgrade() -> None:
    for table in (
        "checkins_buddy_pair_members",
        "checkins_buddy_pairs",
        "checkins_buddies",
        "checkins_responses",
        "checkins_zones",
        "checkins_participants",
        "checkins_checkins",
        "checkins_away",
        "checkins_streaks",
        "checkins_progress",
        "checkins_goals",
    ):
        op.drop_table(table)
