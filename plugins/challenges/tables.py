"""The challenges plugin's tables (created by the revisions in ``migrations/``).

Everything a writer does is keyed on ``person_id``: one writer logging on two platforms has
one row per day and one place on each leaderboard.
"""

from __future__ import annotations

from salon.core.storage import UTCDateTime, sa

metadata = sa.MetaData()

#: A challenge: ``kind`` is ``words`` (``target`` words in the period), ``habit`` (write on
#: every day of the period) or ``pieces`` (``target`` pieces each week of the period).
challenges = sa.Table(
    "challenges_challenges",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(60), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target", sa.Integer, nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    #: For ``pieces``: what counts (``any``, ``prompts`` or ``critique``).
    sa.Column("source", sa.String(16), nullable=False, server_default="any"),
    sa.Column("created_by", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    #: Set once, by the end-of-challenge job (or an organiser's ``challenge end``).
    sa.Column("ended_at", UTCDateTime(), nullable=True),
)

#: Where a challenge runs: the space it was created in and the spaces members joined from.
spaces = sa.Table(
    "challenges_spaces",
    metadata,
    sa.Column(
        "challenge_id", sa.Integer, sa.ForeignKey("challenges_challenges.id"), primary_key=True
    ),
    sa.Column("space_platform", sa.String(32), primary_key=True),
    sa.Column("space_id", sa.String(255), primary_key=True),
)

#: Who takes part; ``completed_at`` is set once, when they finish.
members = sa.Table(
    "challenges_members",
    metadata,
    sa.Column(
        "challenge_id", sa.Integer, sa.ForeignKey("challenges_challenges.id"), primary_key=True
    ),
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("joined_at", UTCDateTime(), nullable=False),
    sa.Column("completed_at", UTCDateTime(), nullable=True),
    sa.Index("ix_challenges_members_person", "person_id"),
)

#: Each person's total for each of their local days, as ``progress_logged`` last reported it.
days = sa.Table(
    "challenges_days",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Index("ix_challenges_days_day", "day"),
)

#: Pieces that count toward piece challenges: prompt responses and critique submissions.
pieces = sa.Table(
    "challenges_pieces",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(16), primary_key=True),
    sa.Column("ref", sa.String(64), primary_key=True),
    sa.Column("day", sa.Date, nullable=False),
)

#: Members who opted out of something: ``leaderboard`` (not listed) or ``streak_warning``.
optouts = sa.Table(
    "challenges_optouts",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("what", sa.String(32), primary_key=True),
)

#: Streak warnings sent: at most one per person and local day.
warnings = sa.Table(
    "challenges_warnings",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
)
