"""The check-in plugin's tables (created by the revisions in ``migrations/``).

What belongs to a writer is keyed on ``person_id`` (``salon_persons.id``), never on a platform
account: a writer on Slack and Telegram has one goal, one streak and one buddy.
"""

from __future__ import annotations

from salon.core.storage import UTCDateTime, sa

metadata = sa.MetaData()


def _person_column(primary_key: bool = False) -> sa.Column[int]:
    return sa.Column("person_id", sa.Integer, primary_key=primary_key, nullable=False)


#: A person's goals; the one with ``ended_at`` NULL is the current one.
goals = sa.Table(
    "checkins_goals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _person_column(),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target", sa.Integer, nullable=False),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Column("deadline", sa.Date, nullable=True),
    sa.Column("started_on", sa.Date, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("ended_at", UTCDateTime(), nullable=True),
    #: The last period (``total``, a day, an ISO week) ``goal_reached`` fired for.
    sa.Column("reached_period", sa.String(16), nullable=True),
    sa.Index("ix_checkins_goals_person", "person_id"),
)

#: What a person logged for one of their local days.
progress = sa.Table(
    "checkins_progress",
    metadata,
    _person_column(primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("unit", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

#: Daily streak bookkeeping: the best run and whether the current one is still alive.
streaks = sa.Table(
    "checkins_streaks",
    metadata,
    _person_column(primary_key=True),
    sa.Column("length", sa.Integer, nullable=False),
    sa.Column("best", sa.Integer, nullable=False),
    sa.Column("last_day", sa.Date, nullable=True),
    sa.Column("is_alive", sa.Boolean, nullable=False),
)

#: Members who paused everything (check-ins, buddy nudges, streaks) until a date.
away = sa.Table(
    "checkins_away",
    metadata,
    _person_column(primary_key=True),
    sa.Column("until", sa.Date, nullable=False),
)

#: A space's scheduled check-in (one per space).
checkins = sa.Table(
    "checkins_checkins",
    metadata,
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

#: Who takes part in which check-in, with the time zone they are asked in.
participants = sa.Table(
    "checkins_participants",
    metadata,
    sa.Column("checkin_id", sa.Integer, sa.ForeignKey("checkins_checkins.id"), primary_key=True),
    _person_column(primary_key=True),
    sa.Column("tz", sa.String(64), nullable=False),
    sa.Column("skip_next", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("joined_at", UTCDateTime(), nullable=False),
    sa.Index("ix_checkins_participants_zone", "checkin_id", "tz"),
)

#: The time zones a check-in has an "ask" job for (one recurring job per zone).
zones = sa.Table(
    "checkins_zones",
    metadata,
    sa.Column("checkin_id", sa.Integer, sa.ForeignKey("checkins_checkins.id"), primary_key=True),
    sa.Column("tz", sa.String(64), primary_key=True),
)

#: One member's answers to one round of a check-in; also the state of the DM conversation.
responses = sa.Table(
    "checkins_responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("checkin_id", sa.Integer, sa.ForeignKey("checkins_checkins.id"), nullable=False),
    _person_column(),
    #: The member-local date the round was asked on.
    sa.Column("round", sa.String(10), nullable=False),
    sa.Column("questions", sa.JSON, nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    #: ``asking``, ``done``, ``skipped`` or ``missed``.
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("asked_at", UTCDateTime(), nullable=False),
    sa.Column("answered_at", UTCDateTime(), nullable=True),
    sa.Column("is_reminded", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_digested", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint(
        "checkin_id", "person_id", "round", name="uq_checkins_responses_person_round"
    ),
    sa.Index("ix_checkins_responses_person", "person_id", "status"),
    sa.Index("ix_checkins_responses_digest", "checkin_id", "is_digested"),
)

#: Members who opted in to writing buddies.
buddies = sa.Table(
    "checkins_buddies",
    metadata,
    _person_column(primary_key=True),
    sa.Column("joined_at", UTCDateTime(), nullable=False),
)

#: Buddy pairs (or trios); the current ones have ``ended_at`` NULL.
pairs = sa.Table(
    "checkins_buddy_pairs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("formed_at", UTCDateTime(), nullable=False),
    sa.Column("ended_at", UTCDateTime(), nullable=True),
)

pair_members = sa.Table(
    "checkins_buddy_pair_members",
    metadata,
    sa.Column("pair_id", sa.Integer, sa.ForeignKey("checkins_buddy_pairs.id"), primary_key=True),
    _person_column(primary_key=True),
    sa.Index("ix_checkins_buddy_pair_members_person", "person_id"),
)

#: Words added by another feature through ``log_progress`` (a sprint), once per key.
logged = sa.Table(
    "checkins_logged",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    _person_column(),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("logged_at", UTCDateTime(), nullable=False),
    sa.Index("ix_checkins_logged_person", "person_id"),
)
