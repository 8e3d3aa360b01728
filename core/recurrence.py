"""Recurrence in a member's own time zone: RFC 5545 RRULEs over local wall-clock times.

The rule runs on naive local times (9:00 stays 9:00 across a DST change); each occurrence is
then placed in the zone. A wall time skipped by a spring-forward gap runs at the same instant
one hour on; a wall time repeated by a fall-back runs once, at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr


def validate_rrule(rule: str, dtstart_local: datetime) -> None:
    """Raise ``ValueError`` if ``rule`` is not a parseable RRULE."""
    rrulestr(rule, dtstart=dtstart_local)


def next_occurrence(
    rule: str, dtstart_local: datetime, tz: ZoneInfo, after: datetime
) -> datetime | None:
    """The first occurrence strictly after ``after`` (aware), in UTC; ``None`` when exhausted.

    :param dtstart_local: the rule's first wall-clock time, naive, in ``tz``.
    """
    recurrence = rrulestr(rule, dtstart=dtstart_local)
    cursor = after.astimezone(tz).replace(tzinfo=None)
    for _ in range(1000):
        local = recurrence.after(cursor, inc=False)
        if local is None:
            return None
        instant = local.replace(tzinfo=tz).astimezone(UTC)
        if instant > after:
            return instant
        cursor = local
    return None


def to_local_naive(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)
