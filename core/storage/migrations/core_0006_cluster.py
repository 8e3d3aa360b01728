"""What several workers on one database share besides the ledger: replies claimed, replies awaited.

``salon_replied_events``: an inbound event that changed nothing (``help``, ``ping``) but was
answered; the worker that inserts the row first sends the answer, so an event redelivered to
another worker is not answered twice. Kept a day (``Bot.prune``).

``salon_awaited_replies``: members a plugin waits on for a free-text DM reply (the router offers
their plain text to that plugin before parsing commands), so the answer reaches the plugin on
whichever worker it arrives.

Revision ID: core_0006
Revises: core_0005_people
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from salon.core.storage.types import UTCDateTime

revision = "core_0006"
down_revision = "core_0005_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "salon_replied_events",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("replied_at", UTCDateTime(), nullable=False, index=True),
    )
    op.create_table(
        "salon_awaited_replies",
        sa.Column("platform", sa.String(32), primary_key=True),
        sa.Column("member_id", sa.String(255), primary_key=True),
        sa.Column("plugin", sa.String(128), primary_key=True),
        sa.Column("since", UTCDateTime(), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("salon_awaited_replies")
    op.drop_table("salon_replied_events")
