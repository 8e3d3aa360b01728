"""Domain types of the critique hook family (``critique``).

They live in the core so that other plugins (badges, challenges, a coach) can react to the
critique exchange through hooks without importing the critique plugin.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs


@attrs.frozen
class Piece:
    """A piece of writing submitted to the community's critique queue.

    :param id: the piece's id, as members type it (``critique claim 12``).
    :param author_id: who submitted it (``Person.id``).
    :param words: its word count, computed by salon.
    :param status: ``"queued"``, ``"released"`` (open for critiques), ``"closed"``,
        ``"withdrawn"`` or ``"removed"``.
    :param round_id: the review round that released it, once released.
    """

    id: int
    author_id: int
    title: str
    words: int
    genre: str = ""
    status: str = "queued"
    submitted_at: datetime | None = None
    round_id: int | None = None


@attrs.frozen
class Critique:
    """One member's critique of a piece.

    :param critic_id: who wrote it (``Person.id``), never the piece's author.
    :param words: the critique's length in words (what credits are earned by).
    :param rating: the author's rating (1 to 5), once rated.
    """

    id: int
    piece_id: int
    critic_id: int
    words: int
    submitted_at: datetime
    rating: int | None = None


@attrs.frozen
class CreditEntry:
    """One row of a person's credit ledger (credits are never a bare counter).

    :param amount: credits added (positive) or spent (negative); halves are possible.
    :param reason: why, in words an organiser would read (``"submitted piece 12"``).
    :param balance: the person's balance after this entry; never negative.
    """

    id: int
    person_id: int
    amount: Decimal
    reason: str
    balance: Decimal
    at: datetime
