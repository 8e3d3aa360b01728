"""Leaderboards (ties share a rank, opt-out), the streak warning (once at 20:00 local, never
after logging, opt-out) and bad input that changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.challenges.helpers import dm_texts, last, plain, set_zone, snapshot, utc
from salon.core.clock import ManualClock
from salon.core.testing import SalonHarness


@pytest.fixture
def salon_clock() -> ManualClock:
    return ManualClock(utc(2026, 11, 2, 10))  # a Monday


async def test_ties_share_a_rank_and_opted_out_members_are_not_listed(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send('!challenge create "Week" 5000 words 2026-11-02..2026-11-08', as_="olive")
    for name, words in (("alice", 900), ("bob", 900), ("carol", 400), ("dave", 1200)):
        await salon_bot.send("!challenge join Week", as_=name)
        await salon_bot.send(f"!wc {words}", as_=name)
    replies = await salon_bot.send("!leaderboard", as_="carol")
    assert plain(replies).splitlines() == [
        "Words this week (since Mon 02 Nov)",
        "1. dave: 1,200 words",
        "2. alice: 900 words",
        "2. bob: 900 words",
        "4. carol (you): 400 words",
    ]
    replies = await salon_bot.send("!leaderboard optout", as_="dave")
    assert "You're off the leaderboards" in last(replies)
    replies = await salon_bot.send("!leaderboard optout", as_="dave")
    assert "You're already off the leaderboards." in last(replies)
    replies = await salon_bot.send("!leaderboard week", as_="dave")
    assert plain(replies).splitlines()[1:] == [
        "1. alice: 900 words",
        "1. bob: 900 words",
        "3. carol: 400 words",
        "You're not listed (you opted out; !leaderboard optin).",
    ]
    replies = await salon_bot.send("!leaderboard Week", as_="alice")
    assert plain(replies).splitlines()[1:] == [
        "1. alice (you): 900 words",
        "1. bob: 900 words",
        "3. carol: 400 words",
    ]
    await salon_bot.advance(timedelta(days=7))
    await salon_bot.send("!wc 100", as_="carol")
    replies = await salon_bot.send("!leaderboard", as_="carol")
    assert plain(replies).splitlines()[1:] == ["1. carol (you): 100 words"]
    replies = await salon_bot.send("!leaderboard all", as_="carol")
    assert plain(replies).splitlines()[1:] == [
        "1. alice: 900 words",
        "1. bob: 900 words",
        "3. carol (you): 500 words",
    ]
    await salon_bot.send("!leaderboard optin", as_="dave")
    replies = await salon_bot.send("!leaderboard all", as_="dave")
    assert "1. dave (you): 1,200 words" in plain(replies)


async def test_streak_warning_once_at_20_local_and_never_after_logging(
    salon_bot: SalonHarness,
) -> None:
    await set_zone(salon_bot, "alice", "America/New_York")  # 20:00 there is 01:00 UTC
    await set_zone(salon_bot, "bob", "America/New_York")
    for day in range(3):  # Mon, Tue, Wed: three days each
        await salon_bot.advance(to=utc(2026, 11, 2 + day, 15))
        await salon_bot.send("!wc 300", as_="alice")
        await salon_bot.send("!wc 300", as_="bob")
    # Thursday: bob logs in the afternoon, alice does not.
    await salon_bot.advance(to=utc(2026, 11, 5, 15))
    await salon_bot.send("!wc 200", as_="bob")
    await salon_bot.advance(to=utc(2026, 11, 6, 0, 59))  # 19:59 in New York
    assert not [t for t in dm_texts(salon_bot, "alice") if "streak" in t]
    await salon_bot.advance(to=utc(2026, 11, 6, 1, 1))  # 20:01
    warned = [t for t in dm_texts(salon_bot, "alice") if "keep your" in t]
    assert warned == [
        "You haven't logged anything today: log today to keep your 3-day streak "
        "(!wc 200 is enough). Turn these off with !streakwarning off."
    ]
    assert not [t for t in dm_texts(salon_bot, "bob") if "keep your" in t]
    # A restart and the rest of the evening: still one.
    await salon_bot.restart()
    await salon_bot.advance(to=utc(2026, 11, 6, 4))
    assert len([t for t in dm_texts(salon_bot, "alice") if "keep your" in t]) == 1
    # Friday she logs before 20:00: no warning; Saturday she opted out: none either.
    await salon_bot.advance(to=utc(2026, 11, 6, 15))
    await salon_bot.send("!wc 100", as_="alice")
    await salon_bot.advance(to=utc(2026, 11, 7, 2))
    assert len([t for t in dm_texts(salon_bot, "alice") if "keep your" in t]) == 1
    replies = await salon_bot.send("!streakwarning off", as_="alice")
    assert "Streak warnings off" in last(replies)
    await salon_bot.advance(to=utc(2026, 11, 8, 2))
    assert len([t for t in dm_texts(salon_bot, "alice") if "keep your" in t]) == 1
    replies = await salon_bot.send("!streakwarning", as_="alice")
    assert "Streak warnings are off for you" in last(replies)


@pytest.mark.parametrize(
    ("command", "as_", "expected"),
    [
        (
            '!challenge create "Back" 1000 words 2026-11-30..2026-11-01',
            "olive",
            "The challenge would end (01 Nov 2026) before it starts (30 Nov 2026).",
        ),
        (
            '!challenge create "Zero" 0 words 2026-11-02..2026-11-30',
            "olive",
            "The word target must be at least 1.",
        ),
        (
            '!challenge create "Huge" 1000000000000 words 2026-11-02..2026-11-30',
            "olive",
            "The word target can be at most 10,000,000 (got 1000000000000).",
        ),
        (
            '!challenge create "Past" 1000 words 2026-10-01..2026-10-31',
            "olive",
            "That period ended on 31 Oct 2026",
        ),
        ('!challenge create "Nano" 5 words 2026-11-02..2026-11-30', "olive", "already running"),
        ('!challenge create "Mine" 5 words 2026-11-02..2026-11-30', "alice", "Only organisers"),
        ("!challenge join Nope", "alice", "There's no challenge called 'Nope'. Running: “NaNo”."),
        ("!challenge join NaNo", "alice", "You're already in NaNo."),
        ("!challenge leave NaNo", "bob", "You're not in NaNo."),
        ("!leaderboard Nope", "alice", "There's no challenge called 'Nope'."),
        ("!challenge end NaNo", "alice", "organisers"),
        ("!streakwarning maybe", "alice", "on"),
    ],
)
async def test_bad_input_gets_a_clear_reply_and_changes_nothing(
    salon_bot: SalonHarness, command: str, as_: str, expected: str
) -> None:
    await salon_bot.send('!challenge create "NaNo" 50000 words 2026-11-02..2026-11-30', as_="olive")
    await salon_bot.send("!challenge join", as_="alice")
    await salon_bot.send("!wc 10", as_="bob")
    before = await snapshot(salon_bot)
    replies = await salon_bot.send(command, as_=as_)
    assert expected in plain(replies), plain(replies)
    assert await snapshot(salon_bot) == before
