"""Critique exchange: pieces, rounds, claims, critiques, accounts and the credit ledger.

Revision ID: critique_0001
Revises:
"""

from __future__ import annotations

from alembic import op

from salon.core.storage import UTCDateTime, sa

revision = "critique_0001"
down_revision = None
branch_labels = ("critique",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "critique_pieces",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("genre", sa.String(100), nullable=False, server_default=""),
        sa.Column("content_notes", sa.Text, nullable=False, server_default=""),
        sa.Column("questions", sa.Text, nullable=False, server_default=""),
        sa.Column("paragraphs", sa.JSON, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lane", sa.String(16), nullable=False),
        sa.Column("position", sa.Float, nullable=False),
        sa.Column("cost_halves", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("round_id", sa.Integer, nullable=True),
        sa.Column("claimed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("removed_reason", sa.Text, nullable=True),
    )
    op.create_index("ix_critique_pieces_person", "critique_pieces", ["person_id"])
    op.create_index("ix_critique_pieces_status", "critique_pieces", ["status", "lane", "position"])
    op.create_table(
        "critique_settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
    )
    op.create_table(
        "critique_rounds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("due_at", UTCDateTime(), nullable=False, unique=True),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "critique_claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("piece_id", sa.Integer, nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("piece_id", "person_id", name="uq_critique_claims_piece_person"),
    )
    op.create_index("ix_critique_claims_person", "critique_claims", ["person_id", "status"])
    op.create_table(
        "critique_critiques",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("piece_id", sa.Integer, nullable=False),
        sa.Column("person_id", sa.Integer, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("comments", sa.JSON, nullable=False),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("earned_halves", sa.Integer, nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("rated_at", UTCDateTime(), nullable=True),
        sa.Column("thanked_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("piece_id", "person_id", name="uq_critique_critiques_piece_person"),
    )
    op.create_index("ix_critique_critiques_person", "critique_critiques", ["person_id"])
    op.create_table(
        "critique_accounts",
        sa.Column("person_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("balance_halves", sa.Integer, nullable=False),
    )
    op.create_table(
        "critique_ledger",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Integer, nullable=True),
        sa.Column("amount_halves", sa.Integer, nullable=False),
        sa.Column("balance_halves", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("key", sa.String(120), nullable=False, unique=True),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_critique_ledger_person", "critique_ledger", ["person_id", "id"])


def downgrade() -> None:
    for table in (
        "critique_ledger",
        "critique_accounts",
        "critique_critiques",
        "critique_claims",
        "critique_rounds",
        "critique_settings",
        "critique_pieces",
    ):
        op.drop_table(table)
