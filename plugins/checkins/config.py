"""The ``[plugins.checkins]`` settings an organiser can change in ``salon.toml``."""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _at_least(minimum: int) -> Callable[[object, attrs.Attribute[int], int], None]:
    def check(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
        if value < minimum:
            raise ValueError(f"{attribute.name} must be at least {minimum} (got {value})")

    return check


def _clock(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not _CLOCK.match(value):
        raise ValueError(f"{attribute.name} must be a time like 10:00 (got {value!r})")


def _weekday(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value.upper() not in _DAYS:
        raise ValueError(f"{attribute.name} must be one of {', '.join(_DAYS)} (got {value!r})")


@attrs.frozen
class CheckinsConfig:
    """Streaks, reminders and writing buddies; every field has a sensible default."""

    #: Days without writing a daily streak survives (1: missing one day keeps it alive).
    grace_days: int = attrs.field(default=1, validator=_at_least(0))
    #: Hours after a check-in question with no answer before the one gentle reminder.
    reminder_hours: int = attrs.field(default=4, validator=_at_least(1))
    #: Writing buddies are re-paired every this many weeks.
    buddy_rotation_weeks: int = attrs.field(default=4, validator=_at_least(1))
    #: Pairs with any of the last this many partners are avoided when re-pairing.
    buddy_history: int = attrs.field(default=3, validator=_at_least(0))
    #: When buddies get their weekly nudge, in the community's time zone.
    buddy_prompt_day: str = attrs.field(default="MO", validator=_weekday)
    buddy_prompt_time: str = attrs.field(default="10:00", validator=_clock)
