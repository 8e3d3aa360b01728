"""``plan``: made in a dialog, followed from another platform, adapting when behind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from plugins.coaching.helpers import ANSWERS, link, make_plan, plain, snapshot, utc
from salon.core import Plan, hookimpl
from salon.core.clock import ManualClock
from salon.core.testing import SalonHarness, default_config


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[SalonHarness]:
    harness = SalonHarness(
        default_config(tmp_path / "salon.db"), ManualClock(), ["checkins", "coaching"]
    )
    harness.add_platform("telegram")
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def test_a_plan_made_on_one_platform_is_followed_on_the_other(two: SalonHarness) -> None:
    await link(two, "alice")
    reply = await make_plan(two)
    assert "Your plan: My novel" in reply
    assert "12,000 words by Fri 30 Jan 2026, writing Mon, Wed, Fri at 07:00" in reply
    assert "You're on track; 1,000 a day on your 3 writing days gets you there." in reply
    await two.send("!wc 1000", as_="alice", platform="telegram")
    replies = await two.send("!plan", as_="alice", platform="telegram")
    assert "Written so far: 1,000 of 12,000" in plain(replies)
    assert "Today's aim: 1,000 words: done (1,000 written)." in plain(replies)


async def test_falling_behind_the_plan_adapts(salon_bot: SalonHarness) -> None:
    await make_plan(salon_bot)
    await salon_bot.send("!wc 1000", as_="alice")  # Monday: on pace
    await salon_bot.advance(to=utc(2026, 1, 9, 12))  # Friday; Wednesday was missed
    replies = await salon_bot.send("!plan", as_="alice")
    assert "You're 1,000 behind; 1,100 a day on your 3 writing days gets you there." in plain(
        replies
    )
    await salon_bot.send("!wc 3200", as_="alice")
    await salon_bot.advance(to=utc(2026, 1, 12, 12))  # Monday
    replies = await salon_bot.send("!plan", as_="alice")
    # 4,200 written against 3,000 due: ahead, and the rest spreads over 9 writing days.
    assert "You're 1,200 ahead; 867 a day on your 3 writing days gets you there." in plain(replies)


async def test_plan_shows_the_dialog_in_a_dm_when_asked_in_a_space(
    salon_bot: SalonHarness,
) -> None:
    replies = await salon_bot.send("!plan", as_="alice")
    assert "I've sent you a few questions in a DM" in plain(replies)
    assert any("What are you writing?" in d.outbound.body.plain() for d in replies)


@pytest.mark.parametrize(
    ("step", "answer", "says"),
    [
        (2, "2026-01-01", "is not in the future"),
        (2, "2026-01-05", "is not in the future"),
        (3, "none", "is not a weekday"),
        (3, ",", "at least one writing day"),
        (1, "0", "must be a positive number"),
    ],
)
async def test_bad_answers_are_explained_and_change_nothing(
    salon_bot: SalonHarness, step: int, answer: str, says: str
) -> None:
    replies = await salon_bot.send("plan", as_="alice", dm=True)
    for good in ANSWERS[:step]:
        await salon_bot.send(good, as_="alice", dm=True)
    before = await snapshot(salon_bot)
    replies = await salon_bot.send(answer, as_="alice", dm=True)
    assert says in plain(replies)
    assert await snapshot(salon_bot) == before


async def test_a_deadline_with_no_writing_day_left_is_refused(salon_bot: SalonHarness) -> None:
    before = await snapshot(salon_bot)
    # Tuesday 6 January is the deadline, but the only writing day is Wednesday.
    answers = ("Poems", "500", "2026-01-06", "wed", "07:00", "30m", "sun")
    reply = await make_plan(salon_bot, answers=answers)
    assert "None of your writing days (Wed) falls before 06 January" in reply
    assert await snapshot(salon_bot) == before


async def test_plan_end_stops_everything_and_a_second_end_is_refused(
    salon_bot: SalonHarness,
) -> None:
    await make_plan(salon_bot)
    replies = await salon_bot.send("!plan end", as_="alice")
    assert "Your plan is ended" in plain(replies)
    before = await snapshot(salon_bot)
    assert before["jobs"] == []
    replies = await salon_bot.send("!plan end", as_="alice")
    assert "You have no plan to end" in plain(replies)
    assert await snapshot(salon_bot) == before
    await salon_bot.advance(timedelta(days=8))
    assert not [t for t in salon_bot.texts(salon_bot.sent_to("alice")) if "session" in t]


class Heard:
    def __init__(self) -> None:
        self.changes: list[tuple[object, object]] = []

    @hookimpl
    def plan_changed(self, plan: Plan | None, previous: Plan | None) -> None:
        self.changes.append((plan and plan.target, previous and previous.target))


async def test_plan_changed_fires_for_a_new_a_changed_and_an_ended_plan(
    tmp_path: Path,
) -> None:
    heard = Heard()
    harness = SalonHarness(
        default_config(tmp_path / "salon.db"),
        ManualClock(),
        ["checkins", "coaching", ("heard", heard)],
    )
    await harness.start()
    try:
        await make_plan(harness)
        await make_plan(harness, answers=("My novel", "9000", *ANSWERS[2:]), command="plan new")
        await harness.send("!plan end", as_="alice")
    finally:
        await harness.stop()
    assert heard.changes == [(12000, None), (9000, 12000), (None, 9000)]
