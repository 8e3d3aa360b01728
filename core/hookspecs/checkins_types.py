"""Domain types of the check-in hook family.

They live in the core so that other plugins (badges, a coach) can react to check-ins through
hooks without importing the check-in plugin.
"""

from __future__ import annotations

from datetime import date, datetime

import attrs

from salon.core.model import SpaceRef


@attrs.frozen
class Goal:
    """A person's writing goal.

    :param person_id: whose goal (``Person.id``).
    :param kind: ``"total"`` (reach ``target`` by ``deadline``), ``"daily"`` or ``"weekly"``.
    :param unit: ``"words"``, ``"pages"``, ``"sessions"`` or ``"minutes"``.
    """

    id: int
    person_id: int
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
    """Words (or another unit) a person logged for one local day."""

    person_id: int
    day: date
    amount: int
    unit: str = "words"
    note: str = ""


@attrs.frozen
class CheckIn:
    """A person's answers to a scheduled check-in.

    :param answers: ``(question, answer)`` pairs in the order asked.
    :param goal: the member's current goal with their progress, if they have one.
    """

    id: int
    person_id: int
    space: SpaceRef
    answers: tuple[tuple[str, str], ...]
    answered_at: datetime
    goal: Goal | None = None


@attrs.frozen
class Streak:
    """A person's consecutive writing days (with the community's grace days)."""

    person_id: int
    length: int
    best: int
    last_day: date | None = None


@attrs.frozen
class BuddyPair:
    """Writing buddies matched together (two, or three when numbers are odd).

    :param people: the ids of the people matched (``Person.id``), never one person twice.
    """

    id: int
    people: tuple[int, ...]
    formed_at: datetime
