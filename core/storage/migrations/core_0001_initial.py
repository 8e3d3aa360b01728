"""Core tables: inbound-event ledger, jobs, state, persons, members.

Revision ID: core_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from salon.core.storage.types import UTCDateTime

revision = "core_0001"
down_revision = None
branch_labels = ("salon_core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "salon_inbound_events",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("handled_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_salon_inbound_events_handled_at", "salon_inbound_events", ["handled_at"])
    op.create_table(
        "salon_jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(128), nullable=False),
        sa.Column("key", sa.String(255), nullable=False, unique=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("rrule", sa.Text, nullable=True),
        sa.Column("dtstart_local", sa.String(32), nullable=True),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("next_run_at", UTCDateTime(), nullable=True),
        sa.Column("misfire", sa.String(16), nullable=False),
        sa.Column("last_run_at", UTCDateTime(), nullable=True),
        sa.Column("runs", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_salon_jobs_next_run_at", "salon_jobs", ["next_run_at"])
    op.create_table(
        "salon_state",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
    )
    op.create_table(
        "salon_persons",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "salon_members",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("member_id", sa.String(255), primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("salon_persons.id"), nullable=True),
        sa.Column("display_name", sa.String(255), nullable=False),
        sa.Column("tz", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "salon_members",
        "salon_persons",
        "salon_state",
        "salon_jobs",
        "salon_inbound_events",
    ):
        op.drop_table(table)
