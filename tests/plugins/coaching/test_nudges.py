"""Routine nudges: at 07:00 on the person's clock, only on writing days, never after logging,
paused by ``away``, at most the week's limit."""

from __future__ import annotations

from datetime import timedelta

from plugins.coaching.helpers import dms, make_plan, utc
from salon.core.testing import SalonHarness

DAILY = ("Stories", "7000", "2026-02-27", "daily", "07:00", "1h", "sun")


def nudges(harness: SalonHarness) -> list[str]:
    return [t for t in dms(harness, "alice") if "session — what are you working on" in t]


async def test_nudges_come_at_seven_local_on_writing_days_and_not_after_logging(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send("!tz Europe/Berlin", as_="alice")
    await make_plan(salon_bot)  # Mon, Wed, Fri at 07:00 Berlin (06:00 UTC in winter)
    await salon_bot.advance(to=utc(2026, 1, 6, 6))  # Tuesday: not a writing day
    assert nudges(salon_bot) == []
    await salon_bot.advance(to=utc(2026, 1, 7, 5, 59))
    assert nudges(salon_bot) == []
    await salon_bot.advance(to=utc(2026, 1, 7, 6))  # Wednesday 07:00 in Berlin
    assert nudges(salon_bot) == [
        "Your 07:00 session — what are you working on today? Your plan asks 1,091 words "
        "today. Log them with wc 500 when you're done (away pauses these)."
    ]
    await salon_bot.advance(to=utc(2026, 1, 9, 5))  # Friday, 06:00 in Berlin: logs early
    await salon_bot.send("!wc 400", as_="alice")
    await salon_bot.advance(to=utc(2026, 1, 9, 6))
    assert len(nudges(salon_bot)) == 1


async def test_away_pauses_nudges_and_the_week_has_a_limit(salon_bot: SalonHarness) -> None:
    await make_plan(salon_bot, answers=DAILY)  # every day at 07:00 UTC
    await salon_bot.send("!away until 2026-01-07", as_="alice")
    await salon_bot.advance(to=utc(2026, 1, 6, 7))  # away
    assert nudges(salon_bot) == []
    for day in range(7, 12):  # Wednesday to Sunday
        await salon_bot.advance(to=utc(2026, 1, day, 7))
    assert len(nudges(salon_bot)) == 3  # the weekly limit
    await salon_bot.advance(to=utc(2026, 1, 12, 7))  # a new week
    assert len(nudges(salon_bot)) == 4


async def test_a_nudge_missed_while_down_is_not_sent_late(salon_bot: SalonHarness) -> None:
    await make_plan(salon_bot, answers=DAILY)
    await salon_bot.advance(to=utc(2026, 1, 6, 9))  # two hours after 07:00
    assert nudges(salon_bot) == []
    await salon_bot.advance(to=utc(2026, 1, 7, 7))
    assert len(nudges(salon_bot)) == 1
    await salon_bot.advance(timedelta(minutes=1))
    assert len(nudges(salon_bot)) == 1


async def test_a_new_time_zone_moves_the_nudges_to_the_new_local_time(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send("!tz Europe/Berlin", as_="alice")
    await make_plan(salon_bot, answers=DAILY)
    await salon_bot.send("!tz America/New_York", as_="alice")
    await salon_bot.advance(to=utc(2026, 1, 6, 6))  # 07:00 in Berlin: no longer her clock
    assert nudges(salon_bot) == []
    await salon_bot.advance(to=utc(2026, 1, 6, 12))  # 07:00 in New York
    assert len(nudges(salon_bot)) == 1
