"""Domain types of the sprints hook family (``sprints``)."""

from __future__ import annotations

from datetime import datetime

import attrs

from salon.core.model import SpaceRef


@attrs.frozen
class Sprint:
    """A writing sprint (word war) in one space.

    :param starter_id: who started it (``Person.id``).
    :param starts_at: when writing starts (aware, UTC).
    :param ends_at: when writing stops (aware, UTC).
    :param status: ``"waiting"``, ``"running"``, ``"reporting"``, ``"finished"`` or
        ``"cancelled"``.
    :param chain_id: set when the sprint is one of a chain (``sprint chain 3 x 20``).
    """

    id: int
    space: SpaceRef
    starter_id: int
    minutes: int
    starts_at: datetime
    ends_at: datetime
    status: str = "waiting"
    chain_id: int | None = None


@attrs.frozen
class SprintResult:
    """One participant's result in a finished sprint.

    :param words: words written during the sprint (0 for ``nowc`` participants).
    :param place: 1 for the most words; ties share a place.
    """

    person_id: int
    words: int
    wpm: float
    place: int
