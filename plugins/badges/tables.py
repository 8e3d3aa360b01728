"""The badges plugin's tables (created by the revisions in ``migrations/``), keyed on
``person_id``: a writer on two platforms has one set of badges."""

from __future__ import annotations

from salon.core.storage import UTCDateTime, sa

metadata = sa.MetaData()

#: Badges people earned; the unique constraint is what makes an award happen exactly once,
#: whatever restarts or redelivered events come.
awards = sa.Table(
    "badges_awards",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.Integer, nullable=False),
    sa.Column("badge_id", sa.String(64), nullable=False),
    sa.Column("awarded_at", UTCDateTime(), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("person_id", "badge_id", name="uq_badges_awards_person_badge"),
)

#: What the metrics count, one row per thing counted (``words``: one row per local day with the
#: day's total, replaced when the day changes; the others: one row per critique, piece or
#: response), so an event delivered twice is counted once.
facts = sa.Table(
    "badges_facts",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("metric", sa.String(32), primary_key=True),
    sa.Column("ref", sa.String(64), primary_key=True),
    sa.Column("amount", sa.Integer, nullable=False),
)
