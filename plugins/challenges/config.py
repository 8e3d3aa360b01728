"""The ``[plugins.challenges]`` settings an organiser can change in ``salon.toml``."""

from __future__ import annotations

import re

import attrs

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _clock(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _CLOCK.match(value):
        raise ValueError(f"{attribute.name} must be a time like 20:00 (got {value!r})")


def _weekday(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value.upper() not in _DAYS:
        raise ValueError(f"{attribute.name} must be one of {', '.join(_DAYS)} (got {value!r})")


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1 (got {value})")


@attrs.frozen
class ChallengesConfig:
    """Who may create challenges, when summaries go out, and the streak warning."""

    #: Members (not only organisers) may create challenges.
    members_can_create: bool = False
    #: The weekly summary of each running challenge, in the community's time zone.
    summary_day: str = attrs.field(default="MO", validator=_weekday)
    summary_time: str = attrs.field(default="09:00", validator=_clock)
    #: Warn members whose streak is at least this long and who have not logged today...
    streak_warning_min: int = attrs.field(default=3, validator=_positive)
    #: ...at this time of their own day. Members turn it off with ``streakwarning off``.
    streak_warning_time: str = attrs.field(default="20:00", validator=_clock)
    #: Send streak warnings at all.
    streak_warnings: bool = True
