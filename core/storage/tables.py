"""The core's own tables. Plugins define theirs in their own modules, with their migrations."""

from __future__ import annotations

import sqlalchemy as sa

from salon.core.storage.types import UTCDateTime

metadata = sa.MetaData()

#: Every handled state-changing inbound event, written in the same transaction as its effects.
inbound_events = sa.Table(
    "salon_inbound_events",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("event_id", sa.String(255), primary_key=True),
    sa.Column("handled_at", UTCDateTime(), nullable=False, index=True),
)

#: Inbound events that changed nothing but were answered: the first worker to insert the row
#: sends the answer (several workers, one database). Pruned after a day.
replied_events = sa.Table(
    "salon_replied_events",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("event_id", sa.String(255), primary_key=True),
    sa.Column("replied_at", UTCDateTime(), nullable=False, index=True),
)

#: Members a plugin waits on for a free-text DM reply, shared by every worker
#: (``salon.core.awaiting``).
awaited_replies = sa.Table(
    "salon_awaited_replies",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("member_id", sa.String(255), primary_key=True),
    sa.Column("plugin", sa.String(128), primary_key=True),
    sa.Column("since", UTCDateTime(), nullable=False, index=True),
)

#: Durable scheduled jobs (see ``salon.core.scheduler``).
jobs = sa.Table(
    "salon_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(128), nullable=False),
    sa.Column("key", sa.String(255), nullable=False, unique=True),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("rrule", sa.Text, nullable=True),
    sa.Column("dtstart_local", sa.String(32), nullable=True),
    sa.Column("tz", sa.String(64), nullable=False),
    sa.Column("next_run_at", UTCDateTime(), nullable=True, index=True),
    sa.Column("misfire", sa.String(16), nullable=False),
    sa.Column("last_run_at", UTCDateTime(), nullable=True),
    sa.Column("runs", sa.Integer, nullable=False, server_default="0"),
)

#: Small named values adapters and plugins keep across restarts (sync tokens, offsets).
state = sa.Table(
    "salon_state",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

#: The people behind the accounts: what belongs to a human rather than to one platform account.
persons = sa.Table(
    "salon_persons",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("display_name", sa.String(255), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("tz", sa.String(64), nullable=True),
    #: Direct messages go to this platform's account (``dm here``); NULL: where they last wrote.
    sa.Column("dm_platform", sa.String(32), nullable=True),
    sa.Column("last_platform", sa.String(32), nullable=True),
    #: Wrong link codes entered in a row; five lock linking until ``link_locked_until``.
    sa.Column("link_failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("link_locked_until", UTCDateTime(), nullable=True),
)

#: Platform accounts, each belonging to one person (at most one account per platform).
members = sa.Table(
    "salon_members",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("member_id", sa.String(255), primary_key=True),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("salon_persons.id"), nullable=False),
    sa.Column("display_name", sa.String(255), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_salon_members_person", "person_id"),
)

#: One-time codes that link a second account to a person (``link`` / ``link CODE``). Only a
#: hash of the code is stored; a code is deleted when used.
link_codes = sa.Table(
    "salon_link_codes",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("salon_persons.id"), nullable=False),
    #: The account that asked for the code (it cannot redeem it itself).
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("member_id", sa.String(255), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
)

#: The community's spaces (channels, chats, rooms) on every platform, recorded when the bot
#: sees them; ``is_joined`` ones are part of the community (announcements, digests).
spaces = sa.Table(
    "salon_spaces",
    metadata,
    sa.Column("platform", sa.String(32), primary_key=True),
    sa.Column("space_id", sa.String(255), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False, server_default=""),
    sa.Column("is_joined", sa.Boolean, nullable=False, server_default=sa.false()),
    #: Named groups this space belongs to, e.g. ``["announcements"]``.
    sa.Column("groups", sa.JSON, nullable=False),
    sa.Column("seen_at", UTCDateTime(), nullable=False),
)

#: Messages that scheduled jobs sent, written in the job's transaction and deleted once
#: delivered: a crash between the commit and the send loses nothing (see ``salon.core.outbox``).
#: ``owner`` holds a row until ``lease_until``; ``recipient``/``space`` are "platform:id".
outbox = sa.Table(
    "salon_outbox",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("owner", sa.String(64), nullable=True, index=True),
    sa.Column("lease_until", UTCDateTime(), nullable=True),
    sa.Column("recipient", sa.String(300), nullable=True, index=True),
    sa.Column("space", sa.String(300), nullable=True),
)

#: What buttons and forms the adapters sent mean, by the key the platform hands back on a
#: press; rows expire and are pruned (see ``salon.core.interactions``).
interactions = sa.Table(
    "salon_interactions",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("space", sa.String(255), nullable=True),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False, index=True),
    sa.Index("ix_salon_interactions_space", "platform", "space", "created_at"),
)

#: Requests a platform was told were received (acknowledged) before their work had finished,
#: one row each, so a worker that dies with one under way leaves it to another worker (see
#: ``salon.core.acked``). ``source`` names the receiver (``slack:<bot user>``); ``owner`` holds
#: a row until ``lease_until``, as in the outbox.
acked_requests = sa.Table(
    "salon_acked_requests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("source", sa.String(64), nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Column("owner", sa.String(64), nullable=True),
    sa.Column("lease_until", UTCDateTime(), nullable=True),
)
