"""Argument types for times: time of day, duration, and a date-time in the member's zone.

Each parse raises ``ValueError`` with a sentence a member can act on; the router prefixes the
argument's name and adds the command's usage.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from salon.core.commands import ArgType
from salon.core.markup import shorten

_CLOCK = re.compile(
    r"(?P<hour>[01]?\d|2[0-3])(?:[:.h](?P<minute>[0-5]\d))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?",
    re.IGNORECASE,
)


def parse_time(text: str) -> time:
    """``09:00``, ``9:30``, ``17h30``, ``9am``, ``9:30pm`` → a ``time`` (no zone: it is the
    member's wall clock)."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None or (match["minute"] is None and match["half"] is None):
        raise ValueError(f"'{shorten(text)}' is not a time of day; write it like 09:00 or 17:30")
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"'{shorten(text)}' is not a time of day; with am/pm use 1 to 12")
        hour = hour % 12 + (12 if match["half"].lower().startswith("p") else 0)
    return time(hour, minute)


_DURATION = re.compile(
    r"(?:(?P<days>\d{1,3})d)?(?:(?P<hours>\d{1,3})h)?(?:(?P<minutes>\d{1,4})(?:m|min|mins)?)?",
    re.IGNORECASE,
)
#: The longest duration accepted: longer is almost always a typo.
MAX_DURATION = timedelta(days=366)


def parse_duration(text: str) -> timedelta:
    """``20m``, ``45min``, ``1h30``, ``1h30m``, ``2h``, ``3d`` or plain minutes (``90``)."""
    cleaned = text.strip().replace(" ", "")
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None or not any(match.groupdict().values()):
        raise ValueError(f"'{shorten(text)}' is not a duration; write it like 20m, 1h30 or 2h")
    value = timedelta(
        days=int(match["days"] or 0),
        hours=int(match["hours"] or 0),
        minutes=int(match["minutes"] or 0),
    )
    if value <= timedelta(0):
        raise ValueError(f"'{shorten(text)}' must be longer than zero")
    if value > MAX_DURATION:
        raise ValueError(f"'{shorten(text)}' is longer than a year")
    return value


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_day(text: str, today: date) -> date:
    """``2026-12-03``, ``today``, ``tomorrow`` or a weekday (``fri``: the next one, today
    included)."""
    lowered = text.strip().lower()
    if lowered == "today":
        return today
    if lowered == "tomorrow":
        return today + timedelta(days=1)
    for index, name in enumerate(_WEEKDAYS):
        if len(lowered) >= 3 and name.startswith(lowered):
            return today + timedelta(days=(index - today.weekday()) % 7)
    try:
        return date.fromisoformat(lowered)
    except ValueError:
        raise ValueError(
            f"'{shorten(text)}' is not a day; write it like 2026-12-03, today, tomorrow or fri"
        ) from None


def parse_datetime(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """``<day> <time>`` on the member's wall clock → an aware ``datetime`` in ``tz``.

    A wall-clock time skipped by a daylight-saving change is an error rather than a guess.
    """
    day_text, _, time_text = text.strip().partition(" ")
    if not time_text.strip():
        raise ValueError(
            f"'{shorten(text)}' needs a day and a time, like 2026-12-03 09:00 or tomorrow 9am"
        )
    local = datetime.combine(parse_day(day_text, now.astimezone(tz).date()), parse_time(time_text))
    aware = local.replace(tzinfo=tz)
    if aware.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) != local:
        raise ValueError(f"{local:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks change)")
    return aware


#: A time of day (``09:00``, ``9am``); the handler gets a ``datetime.time``.
TIME = ArgType("time", parse_time)
#: A duration (``20m``, ``1h30``); the handler gets a ``datetime.timedelta``.
DURATION = ArgType("duration", parse_duration)
#: A day and a time on the member's clock (``2026-12-03 09:00``, ``tomorrow 9am``,
#: ``fri 18:00``); the handler gets an aware ``datetime`` in the member's time zone.
DATETIME = ArgType("date and time", parse_datetime, words=2, zoned=True)
