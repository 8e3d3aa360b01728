"""Goals, word counts, same-day corrections, streaks, and bad input that changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.checkins.helpers import last, plain, snapshot, utc
from salon.core.testing import SalonHarness


async def test_daily_goal_and_word_counts(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!goal 500 words daily")
    assert "Goal set: 500 words a day" in last(replies)
    replies = await salon_bot.send("!wc 300")
    assert "Logged 300 words" in last(replies)
    assert "Goal 500 words a day: 300 today (60%)" in last(replies)
    replies = await salon_bot.send("!wc +300 finished chapter 3")
    assert "Logged 600 words" in last(replies) and "(was 300)" in last(replies)
    assert "reached" in last(replies)
    replies = await salon_bot.send("!wc 450")  # a same-day correction replaces today's count
    assert "Logged 450 words" in last(replies) and "(was 600)" in last(replies)
    replies = await salon_bot.send("!goal")
    assert "450 today (90%)" in last(replies)
    replies = await salon_bot.send("!my data", dm=True)
    assert "450 words — finished chapter 3" in last(replies)


async def test_total_goal_with_deadline_and_project_total(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!goal 50000 words by 2026-11-30")
    assert "50,000 words by Mon 30 Nov 2026" in last(replies)
    await salon_bot.send("!wc 1000")
    salon_bot.clock.advance(timedelta(days=1))
    replies = await salon_bot.send("!wc total 23400")
    assert "Logged 22,400 words" in last(replies)
    assert "23,400 so far (46%)" in last(replies)
    assert "26,600 to go" in last(replies)


async def test_corrections_apply_to_the_members_local_day(salon_bot: SalonHarness) -> None:
    salon_bot.clock.set(utc(2026, 1, 5, 7, 30))  # 23:30 on Sunday in Los Angeles
    await salon_bot.send("!tz America/Los_Angeles")
    await salon_bot.send("!wc 100")
    salon_bot.clock.set(utc(2026, 1, 5, 8, 30))  # 00:30 on Monday there: a new day
    replies = await salon_bot.send("!wc 50")
    assert "Logged 50 words for today, Mon 05 Jan" in last(replies)
    assert "(was" not in last(replies)
    replies = await salon_bot.send("!my data", dm=True)
    assert "2026-01-04: 100 words" in last(replies)
    assert "2026-01-05: 50 words" in last(replies)


async def test_weekly_sessions_goal_counts_writing_days(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!goal 3 sessions weekly")
    await salon_bot.send("!wc 200")
    salon_bot.clock.advance(timedelta(days=1))
    replies = await salon_bot.send("!wc 100")
    assert "Goal 3 sessions a week: 2 this week" in last(replies)


async def test_goal_change_and_end(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!goal 500 words daily")
    replies = await salon_bot.send("!goal 750 words daily")
    assert "Goal changed: 750 words a day" in last(replies)
    replies = await salon_bot.send("!goal end")
    assert "Goal ended" in last(replies)
    replies = await salon_bot.send("!goal")
    assert "no goal yet" in last(replies)
    replies = await salon_bot.send("!goal end")
    assert "no goal to end" in last(replies)


async def test_streak_with_grace_day(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!wc 100")
    salon_bot.clock.advance(timedelta(days=1))
    await salon_bot.send("!wc 100")
    salon_bot.clock.advance(timedelta(days=2))  # one day missed: the grace day keeps it
    replies = await salon_bot.send("!wc 100")
    assert "Streak: 3 days (best 3)" in last(replies)
    salon_bot.clock.advance(timedelta(days=3))  # two days missed: broken
    replies = await salon_bot.send("!wc 100")
    assert "Streak: 1 day (best 3)" in last(replies)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!wc lots", "'lots' is not a number of words"),
        ("!wc", "Please give entry"),
        ("!wc -50", "can't take away"),
        ("!wc total 10", "more than 10"),
        ("!goal -5", "positive number"),
        ("!goal 0 words daily", "positive number"),
        ("!goal 500 words", "Say when"),
        ("!goal 500 parsecs daily", "I don't know the unit"),
        ("!goal 50000 words by 2025-12-01", "is in the past"),
        ("!goal 50000 words by next-tuesday", "is not a date"),
        ("!tz Mars/Olympus", "not a time zone I know"),
        ("!away until 2025-01-01", "not in the future"),
        ("!checkin frobnicate", "I don't know 'checkin frobnicate'"),
        ("!checkin create mon,thu 09:00", "Only organisers"),
        ("!checkin join", "no check-in yet"),
        ("!buddy dance", "I don't know 'buddy dance'. Try: buddy join, buddy leave."),
        ("!buddy pair", "Only organisers"),
        ("!skip", "nothing to skip"),
        ("!my stuff", "is not one of: data"),
        ("!goal 50000 words by 2040-01-01", "too far away"),
        ("!away until 2030-01-01", "more than a year away"),
        ("!wc " + "x" * 500, "'" + "x" * 39 + "…' is not a number of words"),
        ("!wc total -5", "can't be negative"),
    ],
)
async def test_bad_input_explains_and_changes_nothing(
    salon_bot: SalonHarness, text: str, expected: str
) -> None:
    await salon_bot.send("!wc 100")  # some state: 100 words yesterday
    salon_bot.clock.advance(timedelta(days=1))
    before = await snapshot(salon_bot)
    replies = await salon_bot.send(text)
    assert expected in plain(replies)
    assert "Something went wrong" not in plain(replies)
    assert await snapshot(salon_bot) == before


async def test_bad_organiser_input_changes_nothing(salon_bot: SalonHarness) -> None:
    before = await snapshot(salon_bot)
    for text, expected in [
        ("!checkin create someday 09:00", "'someday' is not a weekday"),
        ("!checkin create mon 25:00", "not a time of day"),
        ("!checkin create mon 09:00 summary 17:00", "write it like"),
        ("!checkin create ,, 09:00", "Say which days"),
    ]:
        replies = await salon_bot.send(text, as_="olive")
        assert expected in plain(replies[:1])
    replies = await salon_bot.send("!checkin create mon 09:00", as_="olive", dm=True)
    assert "group space" in plain(replies[:1])
    assert await snapshot(salon_bot) == before
