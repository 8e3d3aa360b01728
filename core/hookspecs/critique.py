"""Critique exchange: fired by the critique plugin, after its transaction commits.

Its value types live beside it (``critique_types``), so a badge plugin, a challenge or a coach
can react to submissions and critiques without importing the critique plugin. Raising in an
implementation is logged and does not undo what was committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.hookspecs.critique_types import CreditEntry, Critique, Piece
    from salon.core.model import Community, Person


@hookspec
def piece_submitted(piece: Piece, author: Person, community: Community, bot: Bot) -> None:
    """A member submitted a piece to the queue (they confirmed and paid its cost).

    :param piece: the stored piece, ``status == "queued"``.
    :param author: who submitted it.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably.
    """


@hookspec
def piece_released(piece: Piece, community: Community, bot: Bot) -> None:
    """A review round released a piece: members can now claim and critique it.

    :param piece: the piece, ``status == "released"`` with its ``round_id``.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def critique_claimed(piece: Piece, critic: Person, community: Community, bot: Bot) -> None:
    """A member claimed one of a released piece's critique slots.

    :param piece: the claimed piece.
    :param critic: who claimed it.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def critique_submitted(
    critique: Critique, piece: Piece, critic: Person, author: Person, community: Community, bot: Bot
) -> None:
    """A member sent their critique of a piece (delivered to its author).

    :param critique: the stored critique.
    :param piece: the piece critiqued.
    :param critic: who wrote the critique.
    :param author: whose piece it is.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def critique_rated(
    critique: Critique, piece: Piece, critic: Person, author: Person, community: Community, bot: Bot
) -> None:
    """A piece's author rated a critique of it (once per critique).

    :param critique: the critique, with its ``rating``.
    :param piece: the piece critiqued.
    :param critic: who wrote the critique.
    :param author: who rated it.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def credits_changed(entry: CreditEntry, person: Person, community: Community, bot: Bot) -> None:
    """A row was added to a person's credit ledger (spent, earned, refunded or granted).

    :param entry: the ledger row, with the balance after it.
    :param person: whose credits.
    :param community: the community.
    :param bot: the running bot.
    """
