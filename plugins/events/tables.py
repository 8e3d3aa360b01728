"""The events plugin's tables (created by the revisions in ``migrations/``).

Events and answers belong to people (``person_id``), never to a platform account. A recurring
series is a row in ``events_series``; each occurrence is its own row in ``events_events``
(planned a few ahead), so members answer, and organisers change or cancel, one occurrence.
"""

from __future__ import annotations

from salon.core.storage import UTCDateTime, sa

metadata = sa.MetaData()

#: A recurring series: the rule, its first wall-clock start and what each occurrence copies.
series = sa.Table(
    "events_series",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rrule", sa.String(255), nullable=False),
    #: The first start on the planner's wall clock (naive ISO), in ``tz``.
    sa.Column("dtstart_local", sa.String(32), nullable=False),
    sa.Column("tz", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="scheduled"),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

#: One event, or one occurrence of a series.
events = sa.Table(
    "events_events",
    metadata,
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
    #: Spaces the event is posted to: ``[["slack", "C1"], ...]``.
    sa.Column("spaces", sa.JSON, nullable=False),
    #: Minutes of a writing sprint started at the start (a write-in), or NULL.
    sa.Column("sprint_minutes", sa.Integer, nullable=True),
    #: Whether it has been posted to its spaces (a series posts the next occurrence only).
    sa.Column("is_posted", sa.Boolean, nullable=False, server_default=sa.false()),
    #: The idempotency key of ``schedule_event``, if another plugin created it.
    sa.Column("request_key", sa.String(255), nullable=True, unique=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Index("ix_events_events_starts", "starts_at"),
    sa.Index("ix_events_events_series", "series_id"),
)

#: Who answered what. ``position`` orders the waitlist (lower goes first).
rsvps = sa.Table(
    "events_rsvps",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("answer", sa.String(16), nullable=False),
    sa.Column("position", sa.Integer, nullable=True),
    sa.Column("wants_reminders", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("answered_at", UTCDateTime(), nullable=False),
    sa.Index("ix_events_rsvps_person", "person_id"),
)

#: People invited to an event (``schedule_event``); a private event is theirs to see.
invitees = sa.Table(
    "events_invitees",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Column("person_id", sa.Integer, primary_key=True),
)

#: The messages that show an event with its buttons, edited in place as answers change.
posts = sa.Table(
    "events_posts",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("space_id", sa.String(255), primary_key=True),
    sa.Column("message_id", sa.String(255), nullable=False),
)

#: A person's private feed token (the feed of the events they are going to).
feeds = sa.Table(
    "events_feeds",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
)
