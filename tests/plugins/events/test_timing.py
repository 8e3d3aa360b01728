"""Repeat rules as organisers type them, and times as members read them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from salon.plugins.events.timing import describe_repeat, length, occurrences, parse_repeat, when

TUESDAY = datetime(2026, 3, 10, 19, 0)  # the second Tuesday of March 2026
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "rule", "described"),
    [
        ("weekly", "FREQ=WEEKLY;BYDAY=TU", "every Tuesday"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "every 2 weeks on Tuesday"),
        ("monthly second tuesday", "FREQ=MONTHLY;BYDAY=2TU", "monthly on the second Tuesday"),
        ("Monthly on the last Friday", "FREQ=MONTHLY;BYDAY=-1FR", "monthly on the last Friday"),
        ("monthly", "FREQ=MONTHLY;BYMONTHDAY=10", "monthly on day 10"),
        ("daily", "FREQ=DAILY", "every day"),
        ("RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6", "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6", None),
    ],
)
def test_repeats(text: str, rule: str, described: str | None) -> None:
    assert parse_repeat(text, TUESDAY) == rule
    assert describe_repeat(rule) == (described or rule)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("fortnightly-ish", "is not a repeat I know"),
        ("monthly fifth blursday", "is not a repeat I know"),
        ("FREQ=HOURLY", "at most daily"),
        ("FREQ=WEEKLY;BYDAY=XX", "is not a valid RRULE"),
    ],
)
def test_bad_repeats(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_repeat(text, TUESDAY)


def test_the_second_tuesday_stays_at_seven_in_london_across_dst() -> None:
    after = datetime(2026, 3, 1, tzinfo=ZoneInfo("UTC"))
    starts = occurrences("FREQ=MONTHLY;BYDAY=2TU", TUESDAY, LONDON, after, 3)
    assert [when(s, LONDON) for s in starts] == [
        "Tue 10 Mar, 19:00 GMT (Europe/London)",
        "Tue 14 Apr, 19:00 BST (Europe/London)",
        "Tue 12 May, 19:00 BST (Europe/London)",
    ]


def test_lengths() -> None:
    assert [length(timedelta(minutes=m)) for m in (45, 60, 90, 125)] == [
        "45 min",
        "1h",
        "1h30",
        "2h05",
    ]
