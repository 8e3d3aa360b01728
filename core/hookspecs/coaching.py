"""Coaching: fired by the coaching plugin, after its transaction commits.

Plans, weekly reviews and coaching relationships, so a badge plugin or a dashboard can react
to them without importing the coaching plugin. The value types live beside it
(``coaching_types``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salon.core.hookspecs.markers import hookspec

if TYPE_CHECKING:
    from salon.core.bot import Bot
    from salon.core.hookspecs.coaching_types import CoachingLink, Plan, WeeklyReview
    from salon.core.model import Community, Person


@hookspec
def plan_changed(
    plan: Plan | None, previous: Plan | None, person: Person, community: Community, bot: Bot
) -> None:
    """A person made, changed or ended their writing plan; called after the commit.

    :param plan: the plan now, or ``None`` when they ended it.
    :param previous: the plan before, or ``None`` when this is their first.
    :param person: whose plan.
    :param community: the community.
    :param bot: the running bot: ``async with bot.transaction() as tx`` to read, write and
        send durably.
    """


@hookspec
def weekly_review_sent(
    review: WeeklyReview, person: Person, community: Community, bot: Bot
) -> None:
    """A person's weekly review was stored and sent to them (once per week).

    :param review: the review, without an answer yet.
    :param person: whose review.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def coaching_started(
    link: CoachingLink, coach: Person, member: Person, community: Community, bot: Bot
) -> None:
    """A coach accepted a member's request; called after the commit.

    :param link: the relationship, ``status == "active"``.
    :param coach: the coach.
    :param member: the writer they coach.
    :param community: the community.
    :param bot: the running bot.
    """


@hookspec
def coaching_ended(
    link: CoachingLink,
    coach: Person,
    member: Person,
    ended_by: Person,
    community: Community,
    bot: Bot,
) -> None:
    """A coaching relationship ended (either side ended it, or an organiser removed the
    coach); called after the commit.

    :param link: the relationship, ``status == "ended"``.
    :param coach: the coach.
    :param member: the writer they coached.
    :param ended_by: who ended it.
    :param community: the community.
    :param bot: the running bot.
    """
