"""The plan's arithmetic and settings, without a bot."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salon.core import ConfigError, Plan
from salon.core.config import structure
from salon.plugins.coaching.config import CoachingConfig
from salon.plugins.coaching.planning import progress, writing_days

DAYS = st.sets(st.integers(0, 6), min_size=1).map(lambda s: tuple(sorted(s)))
DAY = st.dates(date(2026, 1, 1), date(2027, 12, 31))


@given(DAY, st.integers(0, 400), DAYS)
def test_writing_days_counts_the_weekdays_in_the_range(
    start: date, span: int, days: tuple[int, ...]
) -> None:
    end = start + timedelta(days=span)
    brute = sum(1 for n in range(span + 1) if (start + timedelta(days=n)).weekday() in days)
    assert writing_days(start, end, days) == brute


@given(DAY, st.integers(1, 200), DAYS, st.integers(1, 200_000), st.integers(0, 250))
def test_the_daily_aim_always_finishes_on_time(
    start: date, span: int, days: tuple[int, ...], target: int, elapsed: int
) -> None:
    deadline = start + timedelta(days=span)
    plan = Plan(1, "p", target, deadline, days, time(7), 30, 6, start)
    today = start + timedelta(days=min(elapsed, span))
    now = progress(plan, {start: target // 3}, today)
    if now.days_left:
        assert now.per_day * now.days_left >= now.remaining


def test_settings_are_checked_naming_the_key() -> None:
    with pytest.raises(ConfigError, match="questions must list at least one question"):
        structure({"questions": []}, CoachingConfig, "plugins.coaching")
    with pytest.raises(ConfigError, match="review_at must be a time like 18:00"):
        structure({"review_at": "25:00"}, CoachingConfig, "plugins.coaching")
    good = structure({"questions": ["Why?"]}, CoachingConfig, "plugins.coaching")
    assert good.questions == ("Why?",)


def test_words_written_on_a_day_off_count_at_once() -> None:
    # Plan made Wednesday 2 Dec 2026, writing Mon/Tue/Thu/Sat: 22 writing days to 10 Jan.
    plan = Plan(1, "p", 50_000, date(2027, 1, 10), (0, 1, 3, 5), time(7), 45, 6, date(2026, 12, 2))
    before = progress(plan, {}, date(2026, 12, 2))
    after = progress(plan, {date(2026, 12, 2): 1_200}, date(2026, 12, 2))
    assert (before.per_day, before.behind) == (2_273, 0)
    assert (after.per_day, after.behind, after.written) == (2_219, -1_200, 1_200)
    # On a writing day, today's words are today's aim still being written.
    thursday = progress(plan, {date(2026, 12, 3): 1_200}, date(2026, 12, 3))
    assert (thursday.per_day, thursday.today) == (2_273, 1_200)
