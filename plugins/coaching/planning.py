"""The plan's arithmetic: what a writer should write per writing day to finish on time.

Pure functions of the plan, the words logged per local day and today, so they are easy to
test. Words count from the plan's first day; today's words are shown against today's aim but
do not change it during the day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta

import attrs

from salon.core import Plan


@attrs.frozen
class Progress:
    """Where a writer stands against their plan on one local day.

    :param written: words since the plan's first day, today included.
    :param today: words logged today.
    :param behind: words behind the plan's pace up to yesterday (negative: ahead).
    :param per_day: words per writing day from today that finish on time.
    :param days_left: writing days from today to the deadline, both included.
    :param pace: the plan's original words per writing day.
    :param remaining: words still to write, today's counted.
    """

    written: int
    today: int
    behind: int
    per_day: int
    days_left: int
    pace: int
    is_writing_day: bool
    remaining: int = 0

    @property
    def is_done(self) -> bool:
        return self.remaining == 0


def writing_days(start: date, end: date, days: tuple[int, ...]) -> int:
    """How many days from ``start`` to ``end`` (both included) fall on ``days``."""
    if end < start:
        return 0
    total = (end - start).days + 1
    weeks, rest = divmod(total, 7)
    count = weeks * len(days)
    for offset in range(rest):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() in days:
            count += 1
    return count


def progress(plan: Plan, logged: Mapping[date, int], today: date) -> Progress:
    """Where the writer of ``plan`` stands on ``today`` given ``logged`` words per day."""
    total_days = max(1, writing_days(plan.started_on, plan.deadline, plan.days))
    pace = plan.target / total_days
    before = sum(n for day, n in logged.items() if plan.started_on <= day < today)
    today_words = logged.get(today, 0) if plan.started_on <= today else 0
    last_done = min(today - timedelta(days=1), plan.deadline)
    expected = round(pace * writing_days(plan.started_on, last_done, plan.days))
    expected = min(expected, plan.target)
    left = writing_days(max(today, plan.started_on), plan.deadline, plan.days)
    is_writing_day = today.weekday() in plan.days
    # On a writing day today's words are today's aim, still open; on a day off they are done.
    done = before if is_writing_day else before + today_words
    remaining = max(0, plan.target - done)
    per_day = math.ceil(remaining / left) if left else remaining
    return Progress(
        written=before + today_words,
        today=today_words,
        behind=expected - done,
        per_day=per_day,
        days_left=left,
        pace=math.ceil(pace),
        is_writing_day=is_writing_day,
        remaining=max(0, plan.target - before - today_words),
    )
