"""Sprints: offered and fired by the sprints plugin.

``start_sprint`` lets another plugin (an event's write-in, a coach) start a sprint without
importing the sprints plugin; when no sprints plugin is installed it returns ``None``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.hookspecs.sprints_types import Sprint, SprintResult
    from salon.core.model import Community, Person, SpaceRef


@hookspec(firstresult=True)
def start_sprint(
    space: SpaceRef, minutes: int, starts_at: datetime, starter: Person, key: str, bot: Bot
) -> Sprint | None:
    """Start a sprint in ``space``, as ``sprint <minutes>`` by ``starter`` would.

    Implemented by the sprints plugin; a write-in event calls it at its start time:
    ``await bot.first_result(sprints.start_sprint, space=..., ...)``.

    :param space: where the sprint runs (announcements and results go there).
    :param minutes: how long writing lasts, within the organisers' limits.
    :param starts_at: when writing starts (aware).
    :param starter: who counts as its starter (joined automatically).
    :param key: an idempotency key: a second call with the same key starts nothing and
        returns the sprint the first call started.
    :param bot: the running bot.
    :returns: the sprint, or ``None`` when no sprints plugin is installed.
    :raises UserError: when a sprint already runs in the space or ``minutes`` is outside the
        limits (the sentence says why).
    """


@hookspec
def sprint_started(sprint: Sprint, community: Community, bot: Bot) -> None:
    """A sprint's writing started (its start was announced); called after the commit.

    :param sprint: the sprint, ``status == "running"``.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def sprint_finished(
    sprint: Sprint, results: tuple[SprintResult, ...], community: Community, bot: Bot
) -> None:
    """A sprint's reporting window closed and its results were posted.

    :param sprint: the sprint, ``status == "finished"``.
    :param results: every participant's result, best first.
    :param community: the community.
    :param bot: the running bot.
    """
