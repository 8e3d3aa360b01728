"""Domain types of the coaching hook family (``coaching``).

They live in the core so that another plugin (badges, a dashboard) can react to plans, weekly
reviews and coaching relationships without importing the coaching plugin.
"""

from __future__ import annotations

from datetime import date, datetime, time

import attrs


@attrs.frozen
class Plan:
    """A person's writing plan: a project, its target and deadline, and their routine.

    :param person_id: whose plan (``Person.id``).
    :param project: what they are writing (user text: escaped when shown).
    :param target: the words the project should reach by ``deadline``.
    :param days: the weekdays they write (0 is Monday), sorted.
    :param at: when a session starts, on their own clock.
    :param session_minutes: how long a session lasts.
    :param review_day: the weekday of their weekly review (0 is Monday).
    :param started_on: the local day the plan was made; words count from then.
    """

    person_id: int
    project: str
    target: int
    deadline: date
    days: tuple[int, ...]
    at: time
    session_minutes: int
    review_day: int
    started_on: date


@attrs.frozen
class WeeklyReview:
    """One week's review, as sent to the person.

    :param week_of: the Monday of the (local) week it looks back on.
    :param words: words logged in the seven days up to the review.
    :param planned: words the plan asked for in those days.
    :param streak: the daily streak when it was sent.
    :param days_written: the local days with progress.
    :param question: the reflection question asked.
    :param answer: the person's answer, once given (kept in their journal).
    """

    id: int
    person_id: int
    week_of: date
    words: int
    planned: int
    streak: int
    days_written: tuple[date, ...]
    question: str
    sent_at: datetime
    answer: str | None = None


@attrs.frozen
class CoachingLink:
    """A coach and the member they coach.

    :param coach_id: the coach (``Person.id``), named by the organisers.
    :param member_id: the writer being coached.
    :param status: ``"requested"``, ``"active"`` or ``"ended"``.
    :param has_consent: the member lets the coach see their plan, progress and reviews;
        withdrawn at any time, which takes the coach's access away at once.
    """

    id: int
    coach_id: int
    member_id: int
    status: str
    has_consent: bool
    started_at: datetime | None = None
