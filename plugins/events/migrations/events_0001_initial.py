"""Events: series, occurrences, answers, invitees, posts and feed tokens.

Revision ID: events_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "events_0001"
down_revision = None
branch_labels = ("events",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events_series",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("rrule", sa.String(255), nullable=False),
        sa.Column("dtstart_local", sa.String(32), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="scheduled"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "events_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("series_id", sa.Integer, nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("organiser_id", sa.Integer, nullable=False),
        sa.Column("place", sa.Text, nullable=False, server_default=""),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("capacity", sa.Integer, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="scheduled"),
        sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("spaces", sa.JSON, nullable=False),
        sa.Column("sprint_minutes", sa.Integer, nullable=True),
        sa.Column("is_posted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("request_key", sa.String(255), nullable=True, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_events_events_starts", "events_events", ["starts_at"])
    op.create_index("ix_events_events_series", "events_events", ["series_id"])
    op.create_table(
        "events_rsvps",
        sa.Column("event_id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=True),
        sa.Column("wants_reminders", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_events_rsvps_person", "events_rsvps", ["person_id"])
    op.create_table(
        "events_invitees",
        sa.Column("event_id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, primary_key=True),
    )
    op.create_table(
        "events_posts",
        sa.Column("event_id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("space_id", sa.String(255), primary_key=True),
        sa.Column("message_id", sa.String(255), nullable=False),
    )
    op.create_table(
        "events_feeds",
        sa.Column("person_id", sa.Integer, primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
    )


def downgrade() -> None:
    for table in (
        "events_feeds",
        "events_posts",
        "events_invitees",
        "events_rsvps",
        "events_events",
        "events_series",
    ):
        op.drop_table(table)
