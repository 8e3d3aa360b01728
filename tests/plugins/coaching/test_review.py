"""The weekly review: once a week on the person's day, across a restart and a DST change;
the answer to its question is kept in the journal, shown by ``journal`` and ``my data``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.coaching.helpers import count, dms, make_plan, plain, utc
from salon.core import hookimpl
from salon.core.clock import ManualClock
from salon.core.testing import PluginSpec, SalonHarness
from salon.plugins.coaching import tables

#: From Monday 16 March 2026: 6,000 words by Thursday 30 April on Mon, Wed, Fri.
SPRING = ("Essays", "6000", "2026-04-30", "mon,wed,fri", "07:00", "45m", "sun")


class Heard:
    def __init__(self) -> None:
        self.reviews: list[object] = []

    @hookimpl
    def weekly_review_sent(self, review: object) -> None:
        self.reviews.append(review)


@pytest.fixture
def heard() -> Heard:
    return Heard()


@pytest.fixture
def salon_plugins(heard: Heard) -> list[PluginSpec]:
    return ["checkins", "coaching", ("heard", heard)]


@pytest.fixture
def salon_clock() -> ManualClock:
    return ManualClock(utc(2026, 3, 16, 12))


def reviews(harness: SalonHarness) -> list[str]:
    return [t for t in dms(harness, "alice") if t.startswith("Your week")]


async def test_the_review_comes_once_a_week_across_a_restart_and_dst(
    salon_bot: SalonHarness, heard: Heard
) -> None:
    await salon_bot.send("!tz Europe/Berlin", as_="alice")
    await make_plan(salon_bot, answers=SPRING)
    await salon_bot.send("!wc 600", as_="alice")  # Monday
    await salon_bot.advance(to=utc(2026, 3, 18, 12))
    await salon_bot.send("!wc 400", as_="alice")  # Wednesday
    await salon_bot.advance(to=utc(2026, 3, 21, 12))
    await salon_bot.send("!wc 200", as_="alice")  # Saturday, not a writing day
    await salon_bot.advance(to=utc(2026, 3, 22, 16, 59))
    assert reviews(salon_bot) == []
    sent = await salon_bot.advance(to=utc(2026, 3, 22, 17))  # Sunday 18:00 CET
    [review] = reviews(salon_bot)
    assert review.startswith("Your week (16 Mar to 22 Mar) — Essays")
    # 20 writing days to the deadline: 300 a writing day, 900 for this week's three.
    assert "Words: 1,200 of the 900 your plan asked for." in review
    assert "Streak: 1 day. Days you wrote: Mon, Wed, Sat." in review
    assert "One question to reflect on:" in review
    [with_image] = [d for d in sent if d.outbound.body.plain().startswith("Your week")]
    assert with_image.outbound.image is not None
    assert with_image.outbound.image.data.startswith(b"\x89PNG")
    await salon_bot.restart()
    await salon_bot.advance(to=utc(2026, 3, 22, 18))
    await salon_bot.advance(timedelta(days=1))
    assert len(reviews(salon_bot)) == 1
    # Clocks go forward on 29 March: 18:00 in Berlin is now 16:00 UTC.
    await salon_bot.advance(to=utc(2026, 3, 29, 15, 59))
    assert len(reviews(salon_bot)) == 1
    await salon_bot.advance(to=utc(2026, 3, 29, 16))
    assert len(reviews(salon_bot)) == 2
    await salon_bot.restart()
    await salon_bot.advance(to=utc(2026, 3, 29, 17))
    await salon_bot.advance(to=utc(2026, 3, 30, 17))
    assert len(reviews(salon_bot)) == 2
    assert await count(salon_bot, tables.reviews) == 2
    assert [r.week_of.isoformat() for r in heard.reviews] == ["2026-03-16", "2026-03-23"]


async def test_the_answer_is_kept_in_the_journal_and_exported(salon_bot: SalonHarness) -> None:
    await make_plan(salon_bot, answers=SPRING)
    await salon_bot.advance(to=utc(2026, 3, 22, 18))
    [review] = reviews(salon_bot)
    replies = await salon_bot.send("Mornings worked; evenings never do.", as_="alice", dm=True)
    assert "Kept in your journal" in plain(replies)
    replies = await salon_bot.send("journal", as_="alice", dm=True)
    assert "Mornings worked; evenings never do." in plain(replies)
    question = review.split("One question to reflect on: ")[1].split("\n")[0]
    assert question in plain(replies)
    await salon_bot.send("journal write Try the library on Tuesday.", as_="alice", dm=True)
    replies = await salon_bot.send("my data", as_="alice", dm=True)
    data = plain(replies)
    assert "Plan: Essays: 6,000 words by 2026-04-30" in data
    assert "Journal entries: 2" in data
    assert "Mornings worked; evenings never do." in data
    assert "Try the library on Tuesday." in data


async def test_a_review_does_not_replace_an_open_dialog(salon_bot: SalonHarness) -> None:
    await make_plan(salon_bot, answers=SPRING)
    await salon_bot.advance(to=utc(2026, 3, 22, 17, 30))
    await salon_bot.send("plan new", as_="alice", dm=True)  # a dialog is open
    await salon_bot.advance(to=utc(2026, 3, 22, 18))
    [review] = reviews(salon_bot)
    assert "Answer with !journal write …" in review
    replies = await salon_bot.send("!journal write Slow week.", as_="alice", dm=True)
    assert "Kept your answer to this week's question in your journal." in plain(replies)
