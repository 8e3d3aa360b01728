"""The sprint plugin's tables (created by the revisions in ``migrations/``).

What belongs to a writer is keyed on ``person_id``; a sprint belongs to its *arena*: one space,
or the community group of spaces (on several platforms) that share their sprints.
"""

from __future__ import annotations

from salon.core.storage import UTCDateTime, sa

metadata = sa.MetaData()

#: Consecutive sprints started together (``sprint chain 3 x 20 break 5``).
chains = sa.Table(
    "sprints_chains",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("arena", sa.String(300), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("break_minutes", sa.Integer, nullable=False),
    sa.Column("starter_id", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

#: One sprint. ``active_arena`` is the arena while the sprint waits, runs or takes counts and
#: NULL afterwards: its unique index keeps one sprint per arena at a time.
sprints = sa.Table(
    "sprints_sprints",
    metadata,
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
    #: The idempotency key of ``start_sprint`` (NULL for a member's ``sprint 20``).
    sa.Column("key", sa.String(200), nullable=True, unique=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_sprints_sprints_arena", "arena", "status"),
)

#: Who takes part in a sprint, with their counts.
entries = sa.Table(
    "sprints_entries",
    metadata,
    sa.Column("sprint_id", sa.Integer, primary_key=True),
    sa.Column("person_id", sa.Integer, primary_key=True),
    #: ``count`` (reports words) or ``nowc`` (just for fun).
    sa.Column("mode", sa.String(8), nullable=False),
    sa.Column("start_count", sa.Integer, nullable=True),
    sa.Column("end_count", sa.Integer, nullable=True),
    sa.Column("words", sa.Integer, nullable=True),
    #: A count above the sanity limit, waiting for the member to confirm it.
    sa.Column("pending_words", sa.Integer, nullable=True),
    sa.Column("pending_end", sa.Integer, nullable=True),
    sa.Column("joined_at", UTCDateTime(), nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("reported_at", UTCDateTime(), nullable=True),
    sa.Column("is_logged", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_sprints_entries_person", "person_id"),
)

#: People pinged at the start and end of every sprint in an arena without joining.
pingme = sa.Table(
    "sprints_pingme",
    metadata,
    sa.Column("arena", sa.String(300), primary_key=True),
    sa.Column("person_id", sa.Integer, primary_key=True),
)

#: The status message of a sprint in each space of its arena, edited at each quarter.
status_messages = sa.Table(
    "sprints_status_messages",
    metadata,
    sa.Column("sprint_id", sa.Integer, primary_key=True),
    sa.Column("space_platform", sa.String(32), primary_key=True),
    sa.Column("space_id", sa.String(255), primary_key=True),
    sa.Column("message_id", sa.String(255), nullable=False),
)
