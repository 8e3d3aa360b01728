"""``progress_history`` and ``away_until``: what other plugins (a coach) read of the log."""

from __future__ import annotations

from datetime import date, timedelta

from salon.core import MemberRef
from salon.core.hookspecs import checkins
from salon.core.testing import SalonHarness


async def test_progress_history_gives_the_logged_days_in_the_range(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send("!wc 300", as_="alice")  # Monday 5 January 2026
    await salon_bot.advance(timedelta(days=2))
    await salon_bot.send("!wc 500 chapter two", as_="alice")
    bot = salon_bot.bot
    alice = await bot.people.of(MemberRef("memory", "alice"))
    assert alice is not None
    entries = await bot.first_result(
        checkins.progress_history,
        person=alice,
        start=date(2026, 1, 5),
        end=date(2026, 1, 11),
        bot=bot,
        connection=None,
    )
    assert [(e.day, e.amount, e.note) for e in entries] == [
        (date(2026, 1, 5), 300, ""),
        (date(2026, 1, 7), 500, "chapter two"),
    ]
    later = await bot.first_result(
        checkins.progress_history,
        person=alice,
        start=date(2026, 1, 6),
        end=date(2026, 1, 6),
        bot=bot,
        connection=None,
    )
    assert later == ()


async def test_away_until_is_the_day_back_only_while_away(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!away until 2026-01-07", as_="alice")
    bot = salon_bot.bot
    alice = await bot.people.of(MemberRef("memory", "alice"))
    assert alice is not None
    ask = {"person": alice, "bot": bot, "connection": None}
    assert await bot.first_result(checkins.away_until, **ask) == date(2026, 1, 7)
    await salon_bot.advance(timedelta(days=2))  # 7 January: back
    assert await bot.first_result(checkins.away_until, **ask) is None
    bob = await bot.people.resolve(salon_bot.member("bob"))
    assert await bot.first_result(checkins.away_until, person=bob, bot=bot, connection=None) is None
