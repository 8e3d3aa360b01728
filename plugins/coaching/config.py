"""The ``[plugins.coaching]`` settings an organiser can change in ``salon.toml``."""

from __future__ import annotations

import re

import attrs

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

DEFAULT_QUESTIONS = (
    "What helped you write this week, and how can you have more of it?",
    "What got in the way this week, and what will you try instead?",
    "Which moment of writing this week felt best?",
    "What is the one thing you want to finish next week?",
)


def _clock(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _CLOCK.match(value):
        raise ValueError(f"{attribute.name} must be a time like 18:00 (got {value!r})")


def _weekday(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value.upper() not in _DAYS:
        raise ValueError(f"{attribute.name} must be one of {', '.join(_DAYS)} (got {value!r})")


def _questions(
    _instance: object, attribute: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]
) -> None:
    if not value or not all(isinstance(q, str) and q.strip() for q in value):
        raise ValueError(f"{attribute.name} must list at least one question")


@attrs.frozen
class CoachingConfig:
    """Nudges, weekly reviews and the coaches' digest; every field has a default."""

    #: The most routine nudges a person gets in one week (Monday to Sunday), however many
    #: writing days they have: a coach, not a nag.
    nudges_per_week: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    #: When the weekly review is sent on the person's review day, on their clock.
    review_at: str = attrs.field(default="18:00", validator=_clock)
    #: When coaches get the digest of their coachees' reviews, on the coach's clock.
    digest_day: str = attrs.field(default="MO", validator=_weekday)
    digest_at: str = attrs.field(default="09:00", validator=_clock)
    #: The reflection questions the weekly reviews take turns asking.
    questions: tuple[str, ...] = attrs.field(
        default=DEFAULT_QUESTIONS, converter=tuple, validator=_questions
    )
