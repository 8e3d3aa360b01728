"""The critique plugin's tables (created by the revisions in ``migrations/``).

Everything that belongs to a writer is keyed on ``person_id`` (``salon_persons.id``), never on
a platform account: a piece submitted on Slack is critiqued from Telegram by one community.
Credits are a ledger of rows; ``critique_accounts`` holds each person's running balance only
so that spending can be checked and locked in one statement (it always equals the sum of the
person's ledger rows). Amounts are stored as whole numbers of half credits (``*_halves``), so
halves stay exact on every database; the plugin shows them as ``Decimal`` credits.
"""

from __future__ import annotations

from salon.core.storage import UTCDateTime, sa

metadata = sa.MetaData()

#: Submitted pieces: ``draft`` (waiting for the author's confirmation), ``queued``,
#: ``released`` (open for claims), ``closed``, ``withdrawn`` or ``removed``.
pieces = sa.Table(
    "critique_pieces",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.Integer, nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("genre", sa.String(100), nullable=False, server_default=""),
    sa.Column("content_notes", sa.Text, nullable=False, server_default=""),
    sa.Column("questions", sa.Text, nullable=False, server_default=""),
    sa.Column("paragraphs", sa.JSON, nullable=False),
    sa.Column("words", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    #: ``newcomer`` for a member's first piece, else ``main``.
    sa.Column("lane", sa.String(16), nullable=False),
    #: Order within the lane (an organiser can move a piece); lower is earlier.
    sa.Column("position", sa.Float, nullable=False),
    sa.Column("cost_halves", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("submitted_at", UTCDateTime(), nullable=True),
    sa.Column("round_id", sa.Integer, nullable=True),
    #: Open claims (``active`` rows of ``critique_claims``), kept here so that a claim is a
    #: single conditional update of this row: two members racing for the last slot never
    #: both get it.
    sa.Column("claimed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("removed_reason", sa.Text, nullable=True),
    sa.Index("ix_critique_pieces_person", "person_id"),
    sa.Index("ix_critique_pieces_status", "status", "lane", "position"),
)

#: Organisers' settings changed with commands (``critique round ...``), by name.
settings = sa.Table(
    "critique_settings",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.JSON, nullable=False),
)

#: Review rounds; ``due_at`` is unique so the scheduled run opens each round once.
rounds = sa.Table(
    "critique_rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("due_at", UTCDateTime(), nullable=False, unique=True),
    sa.Column("opened_at", UTCDateTime(), nullable=False),
    sa.Column("closed_at", UTCDateTime(), nullable=True),
)

#: A member's claim on one of a piece's critique slots: ``active``, ``done`` or ``expired``.
claims = sa.Table(
    "critique_claims",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("piece_id", sa.Integer, nullable=False),
    sa.Column("person_id", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("claimed_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("piece_id", "person_id", name="uq_critique_claims_piece_person"),
    sa.Index("ix_critique_claims_person", "person_id", "status"),
)

#: Critiques: the template's answers, paragraph comments and the author's rating.
critiques = sa.Table(
    "critique_critiques",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("piece_id", sa.Integer, nullable=False),
    sa.Column("person_id", sa.Integer, nullable=False),
    #: ``[[question, answer], ...]`` in the order asked.
    sa.Column("answers", sa.JSON, nullable=False),
    #: ``[[paragraph number, comment], ...]``.
    sa.Column("comments", sa.JSON, nullable=False),
    sa.Column("words", sa.Integer, nullable=False),
    sa.Column("earned_halves", sa.Integer, nullable=False),
    sa.Column("submitted_at", UTCDateTime(), nullable=False),
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("rated_at", UTCDateTime(), nullable=True),
    sa.Column("thanked_at", UTCDateTime(), nullable=True),
    sa.UniqueConstraint("piece_id", "person_id", name="uq_critique_critiques_piece_person"),
    sa.Index("ix_critique_critiques_person", "person_id"),
)

#: Each person's balance (the sum of their ledger rows), checked and changed in one update.
accounts = sa.Table(
    "critique_accounts",
    metadata,
    sa.Column("person_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("balance_halves", sa.Integer, nullable=False),
)

#: The credit ledger. ``key`` is unique: the same credit (a piece's cost, a critique's
#: earnings) is never booked twice, whatever is redelivered or retried. ``person_id`` is NULL
#: for the anonymised row left when a member asked to be forgotten.
ledger = sa.Table(
    "critique_ledger",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.Integer, nullable=True),
    sa.Column("amount_halves", sa.Integer, nullable=False),
    sa.Column("balance_halves", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("key", sa.String(120), nullable=False, unique=True),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Index("ix_critique_ledger_person", "person_id", "id"),
)
