"""The prompts plugin's tables (created by the revisions in ``migrations/``).

What a member wrote (suggestions, responses) is keyed on ``person_id``, never on a platform
account. Postings keep a copy of the prompt they posted, so a response still knows its
prompt after the prompt's source changed.
"""

from __future__ import annotations

from salon.core.storage import UTCDateTime, sa

metadata = sa.MetaData()

#: Prompts organisers added with ``prompts add`` (the ``organiser`` source).
added = sa.Table(
    "prompts_added",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    #: The organiser who added it (NULL once they asked to be forgotten).
    sa.Column("person_id", sa.Integer, nullable=True),
    sa.Column("added_at", UTCDateTime(), nullable=False),
)

#: Members' suggestions; the approved ones are the ``suggestions`` source.
suggestions = sa.Table(
    "prompts_suggestions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    #: ``pending``, ``approved``, ``rejected`` or ``removed`` (approved, then removed).
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("suggested_at", UTCDateTime(), nullable=False),
    sa.Column("decided_by", sa.Integer, nullable=True),
    sa.Column("decided_at", UTCDateTime(), nullable=True),
    sa.Index("ix_prompts_suggestions_status", "status"),
    sa.Index("ix_prompts_suggestions_person", "person_id"),
)

#: Scheduled prompts: for one space, or for every community space (space columns NULL).
schedules = sa.Table(
    "prompts_schedules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("space_platform", sa.String(32), nullable=True),
    sa.Column("space_id", sa.String(255), nullable=True),
    #: The recurrence (an RRULE) and its first wall-clock time in ``tz`` (ISO, naive).
    sa.Column("rrule", sa.String(255), nullable=False),
    sa.Column("start", sa.String(19), nullable=False),
    sa.Column("tz", sa.String(64), nullable=False),
    #: What the organiser typed, to show it back.
    sa.Column("spec", sa.String(255), nullable=False),
    #: Only prompts with this tag, if set.
    sa.Column("tag", sa.String(32), nullable=True),
    sa.Column("is_paused", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_by", sa.Integer, nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

#: Each time a prompt was posted in a space (on schedule or with ``prompts now``).
postings = sa.Table(
    "prompts_postings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("schedule_id", sa.Integer, nullable=True),
    #: The scheduled run it belongs to (``<schedule>:<due>``), so a run posts once per space.
    sa.Column("run", sa.String(64), nullable=True),
    sa.Column("prompt_id", sa.String(128), nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("space_platform", sa.String(32), nullable=False),
    sa.Column("space_id", sa.String(255), nullable=False),
    #: The platform's id of the posted message, once delivered (thread replies refer to it).
    sa.Column("message_id", sa.String(255), nullable=True),
    sa.Column("posted_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("run", "space_platform", "space_id", name="uq_prompts_postings_run"),
    sa.Index("ix_prompts_postings_message", "space_platform", "message_id"),
    sa.Index("ix_prompts_postings_space", "space_platform", "space_id", "posted_at"),
)

#: Which prompts a scope (a space, or a person asking with ``prompt``) has had, per cycle.
used = sa.Table(
    "prompts_used",
    metadata,
    #: ``space:<platform>:<id>`` or ``person:<id>``.
    sa.Column("scope", sa.String(300), primary_key=True),
    sa.Column("cycle", sa.Integer, primary_key=True),
    sa.Column("prompt_id", sa.String(128), primary_key=True),
    sa.Column("used_at", UTCDateTime(), nullable=False),
)

#: Members' responses to postings: one counted response per person and posting.
responses = sa.Table(
    "prompts_responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("posting_id", sa.Integer, sa.ForeignKey("prompts_postings.id"), nullable=False),
    sa.Column("person_id", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("words", sa.Integer, nullable=False),
    sa.Column("is_anonymous", sa.Boolean, nullable=False, server_default=sa.false()),
    #: ``thread`` (a reply under the prompt) or ``respond`` (the command).
    sa.Column("via", sa.String(16), nullable=False),
    #: Where the response shows (the posting's space), if it was posted.
    sa.Column("space_platform", sa.String(32), nullable=True),
    sa.Column("space_id", sa.String(255), nullable=True),
    sa.Column("responded_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("posting_id", "person_id", name="uq_prompts_responses_person"),
    sa.Index("ix_prompts_responses_person", "person_id"),
)
