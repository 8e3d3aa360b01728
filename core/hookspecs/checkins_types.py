"""Domain types of the check-in hook family.

They live in the core so that other plugins (badges, a coach) can react to check-ins through
hooks without importing the check-in plugin.
"""

from __future__ import annotations

from datetime import date, datetime

import attrs

from salon.core.model import MemberRef, SpaceRef


@attrs.frozen
class Goal:
    """A member's writing goal.

    :param kind: ``"total"`` (reach ``target`` by ``deadline``), ``"daily"`` or ``"weekly"``.
    :param unit: ``"words"``, ``"pages"``, ``"sessions"`` or ``"minutes"``.
    """

    id: int
    member: MemberRef
    kind: str
    target: int
    unit: str
    deadline: date | None = None
    progress: int = 0

    @property
    def is_reached(self) -> bool:
        return self.progress >= self.target


@attrs.frozen
class ProgressEntry:
    """Words (or another unit) a member logged for one local day."""

    member: MemberRef
    day: date
    amount: int
    unit: str = "words"
    note: str = ""


@attrs.frozen
class CheckIn:
    """A member's answers to a scheduled check-in.

    :param answers: ``(question, answer)`` pairs in the order asked.
    :param goal: the member's current goal with their progress, if they have one.
    """

    id: int
    member: MemberRef
    space: SpaceRef
    answers: tuple[tuple[str, str], ...]
    answered_at: datetime
    goal: Goal | None = None


@attrs.frozen
class Streak:
    """Consecutive writing days (with the community's grace days)."""

    member: MemberRef
    length: int
    best: int
    last_day: date | None = None


@attrs.frozen
class BuddyPair:
    """Writing buddies matched together (two, or three when numbers are odd)."""

    id: int
    members: tuple[MemberRef, ...]
    formed_at: datetime
