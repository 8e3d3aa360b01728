"""The coaching plugin's tables (created by the revisions in ``migrations/``).

Everything is keyed by person (``person_id``, ``coach_id``, ``member_id``), never by a
platform account, so a writer's linked accounts share one plan, journal and coach.
"""

from __future__ import annotations

from salon.core.storage import UTCDateTime, sa

metadata = sa.MetaData()

#: A person's writing plan (one at a time).
plans = sa.Table(
    "coaching_plans",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("project", sa.String(200), nullable=False),
    sa.Column("target", sa.Integer, nullable=False),
    sa.Column("deadline", sa.Date, nullable=False),
    #: Writing weekdays, 0 (Monday) to 6, as ``"0,2,4"``.
    sa.Column("days", sa.String(16), nullable=False),
    #: Session start on the person's clock, ``"07:00"``.
    sa.Column("at", sa.String(5), nullable=False),
    sa.Column("session_minutes", sa.Integer, nullable=False),
    sa.Column("review_day", sa.Integer, nullable=False),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

#: Nudges sent: one per person and local day at most (the weekly limit counts these).
nudges = sa.Table(
    "coaching_nudges",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("sent_at", UTCDateTime(), nullable=False),
)

#: Weekly reviews sent; ``(person_id, week_of)`` is unique, so a week is reviewed once.
reviews = sa.Table(
    "coaching_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.Integer, nullable=False),
    sa.Column("week_of", sa.Date, nullable=False),
    sa.Column("words", sa.Integer, nullable=False),
    sa.Column("planned", sa.Integer, nullable=False),
    sa.Column("streak", sa.Integer, nullable=False),
    #: ISO days with progress, ``"2026-01-05,2026-01-07"``.
    sa.Column("days_written", sa.String(120), nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("sent_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("person_id", "week_of", name="uq_coaching_reviews_week"),
)

#: The person's journal: answers to review questions and their own notes.
journal = sa.Table(
    "coaching_journal",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.Integer, nullable=False),
    sa.Column("review_id", sa.Integer, nullable=True),
    sa.Column("question", sa.Text, nullable=False, server_default=""),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("written_at", UTCDateTime(), nullable=False),
    sa.Index("ix_coaching_journal_person", "person_id"),
)

#: People the organisers named coaches.
coaches = sa.Table(
    "coaching_coaches",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("added_by", sa.Integer, nullable=False),
    sa.Column("added_at", UTCDateTime(), nullable=False),
)

#: Coach and coachee: requested, active (with or without the member's consent) or ended.
links = sa.Table(
    "coaching_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("coach_id", sa.Integer, nullable=False),
    sa.Column("member_id", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("has_consent", sa.Boolean, nullable=False),
    sa.Column("requested_at", UTCDateTime(), nullable=False),
    sa.Column("started_at", UTCDateTime(), nullable=True),
    sa.Column("ended_at", UTCDateTime(), nullable=True),
    sa.Index("ix_coaching_links_coach", "coach_id"),
    sa.Index("ix_coaching_links_member", "member_id"),
)

#: A coach's feedback on a weekly review or a critique-queue piece.
feedback = sa.Table(
    "coaching_feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("coach_id", sa.Integer, nullable=False),
    sa.Column("member_id", sa.Integer, nullable=False),
    sa.Column("review_id", sa.Integer, nullable=True),
    sa.Column("piece_id", sa.Integer, nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("written_at", UTCDateTime(), nullable=False),
    sa.Index("ix_coaching_feedback_member", "member_id"),
)

#: Critique-queue pieces of coached members (from ``piece_submitted``), so a coach can
#: name one in feedback without the coaching plugin importing the critique plugin.
pieces = sa.Table(
    "coaching_pieces",
    metadata,
    sa.Column("piece_id", sa.Integer, primary_key=True),
    sa.Column("author_id", sa.Integer, nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("submitted_at", UTCDateTime(), nullable=False),
)
