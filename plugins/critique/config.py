"""The ``[plugins.critique]`` settings an organiser can change in ``salon.toml``.

The defaults are Critique Circle's: start with 2 credits, a piece costs 3 (7 while another of
yours is waiting), a critique of 300 words earns 1, each further 300 words half a credit more
up to 2, and under 150 words nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _at_least(minimum: float) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value < minimum:
            raise ValueError(f"{attribute.name} must be at least {minimum} (got {value})")

    return check


def _half_credits(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{attribute.name} must be a number like 3 or 0.5 (got {value!r})")
    if value < 0 or (value * 2) != int(value * 2):
        raise ValueError(
            f"{attribute.name} must be a whole or half credit, 0 or more (got {value})"
        )


def _clock(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _CLOCK.match(value):
        raise ValueError(f"{attribute.name} must be a time like 00:00 (got {value!r})")


def _weekday(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value.upper() not in DAYS:
        raise ValueError(f"{attribute.name} must be one of {', '.join(DAYS)} (got {value!r})")


def credits(value: float) -> Decimal:
    """A setting's credit amount as the ledger stores it (halves kept exactly)."""
    return Decimal(str(value)).quantize(Decimal("0.1"))


@attrs.frozen
class CritiqueConfig:
    """Credits, word limits, review rounds and claims; every field has a sensible default."""

    #: Credits a member starts with.
    start_credits: float = attrs.field(default=2, validator=_half_credits)
    #: What submitting a piece costs.
    piece_cost: float = attrs.field(default=3, validator=_half_credits)
    #: What a piece costs while another of the author's pieces is still waiting in the queue.
    second_piece_cost: float = attrs.field(default=7, validator=_half_credits)
    #: Shortest and longest piece accepted, in words.
    min_words: int = attrs.field(default=300, validator=_at_least(1))
    max_words: int = attrs.field(default=7500, validator=_at_least(1))
    #: A critique shorter than this earns nothing.
    critique_floor_words: int = attrs.field(default=150, validator=_at_least(0))
    #: A critique of this many words earns ``critique_credit``; shorter (above the floor)
    #: earns half of it.
    critique_full_words: int = attrs.field(default=300, validator=_at_least(1))
    critique_credit: float = attrs.field(default=1, validator=_half_credits)
    #: Every further this many words earns half a credit more, up to ``critique_max_credit``.
    critique_step_words: int = attrs.field(default=300, validator=_at_least(1))
    critique_max_credit: float = attrs.field(default=2, validator=_half_credits)
    #: How many members may critique one piece at once (claims), so every piece gets some.
    critiquers_per_piece: int = attrs.field(default=4, validator=_at_least(1))
    #: How long a claim lasts, and the reminder before it expires.
    claim_days: int = attrs.field(default=7, validator=_at_least(1))
    reminder_days: int = attrs.field(default=1, validator=_at_least(0))
    #: A member may hold this many open claims at once.
    claims_per_member: int = attrs.field(default=3, validator=_at_least(1))
    #: Review rounds: the day and time (community's time zone) a round opens, every week.
    round_day: str = attrs.field(default="WE", validator=_weekday)
    round_time: str = attrs.field(default="00:00", validator=_clock)
    #: Pieces each round releases, and how many of them come from the newcomers' lane first.
    pieces_per_round: int = attrs.field(default=5, validator=_at_least(1))
    newcomer_pieces_per_round: int = attrs.field(default=2, validator=_at_least(0))
    #: Weeks a released piece stays open for claims; its round closes (and its author can get
    #: the compiled file) when the round this many weeks later opens. Two weeks leave room to
    #: retake a slot whose 7-day claim expired.
    weeks_open: int = attrs.field(default=2, validator=_at_least(1))
    #: Characters per page when a piece is read in a DM.
    page_chars: int = attrs.field(default=3000, validator=_at_least(500))

    def __attrs_post_init__(self) -> None:
        if self.min_words > self.max_words:
            raise ValueError(
                f"min_words ({self.min_words}) must not be above max_words ({self.max_words})"
            )
        if self.newcomer_pieces_per_round > self.pieces_per_round:
            raise ValueError(
                f"newcomer_pieces_per_round ({self.newcomer_pieces_per_round}) must not be above "
                f"pieces_per_round ({self.pieces_per_round})"
            )
        if self.critique_floor_words > self.critique_full_words:
            raise ValueError(
                f"critique_floor_words ({self.critique_floor_words}) must not be above "
                f"critique_full_words ({self.critique_full_words})"
            )

    def earned(self, words: int) -> Decimal:
        """Credits a critique of ``words`` words earns."""
        if words < self.critique_floor_words:
            return Decimal("0.0")
        if words < self.critique_full_words:
            return credits(self.critique_credit) / 2
        steps = (words - self.critique_full_words) // self.critique_step_words
        amount = credits(self.critique_credit) + Decimal("0.5") * steps
        return min(amount, credits(self.critique_max_credit)).quantize(Decimal("0.1"))
