"""Reading what a member typed for a plan: weekdays, a deadline in the future, a weekday."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from salon.core import DATE, ArgType, shorten

#: Short and full weekday names, Monday first (``date.weekday()`` order).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: How far ahead a deadline may be.
MAX_AHEAD = timedelta(days=10 * 366)


def parse_weekdays(text: str) -> tuple[int, ...]:
    """``mon,wed,fri`` → ``(0, 2, 4)``; also ``daily`` and ``weekdays``; none is an error."""
    lowered = text.strip().lower()
    if lowered in ("daily", "every day", "everyday"):
        return tuple(range(7))
    if lowered == "weekdays":
        return tuple(range(5))
    days: set[int] = set()
    for part in lowered.replace(" ", ",").split(","):
        if not part:
            continue
        if part[:3] not in WEEKDAYS:
            raise ValueError(
                f"“{shorten(part)}” is not a weekday; write days like mon,wed,fri (or daily, "
                "weekdays). A plan needs at least one writing day."
            )
        days.add(WEEKDAYS.index(part[:3]))
    if not days:
        raise ValueError("A plan needs at least one writing day; write days like mon,wed,fri.")
    return tuple(sorted(days))


def parse_weekday(text: str) -> int:
    """``sun`` or ``Sunday`` → 6."""
    part = text.strip().lower()[:3]
    if part not in WEEKDAYS:
        raise ValueError(f"“{shorten(text)}” is not a weekday; write one like sun or mon.")
    return WEEKDAYS.index(part)


def parse_deadline(text: str, tz: ZoneInfo, now: datetime) -> date:
    """A ``YYYY-MM-DD`` day after today (in the member's zone), within ten years."""
    day: date = DATE.parse(text)
    today = now.astimezone(tz).date()
    if day <= today:
        raise ValueError(
            f"{day:%d %B %Y} is not in the future; pick a deadline after today ({today:%d %B})."
        )
    if day - today > MAX_AHEAD:
        raise ValueError(f"{day:%d %B %Y} is too far away; pick a day within ten years.")
    return day


WEEKDAYS_ARG = ArgType("writing days", parse_weekdays)
WEEKDAY_ARG = ArgType("weekday", parse_weekday)
DEADLINE_ARG = ArgType("date", parse_deadline, zoned=True)


def days_label(days: tuple[int, ...]) -> str:
    """``(0, 2, 4)`` → ``"Mon, Wed, Fri"``; every day → ``"every day"``."""
    if len(days) == 7:
        return "every day"
    return ", ".join(WEEKDAYS[d].capitalize() for d in days)
