"""Scheduled prompts: no repeats over 200 days, exactly once across restarts, pause and resume,
09:00 in the community's zone across daylight saving, and bad input that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from plugins.prompts.helpers import plain, prompts_posted, rows, snapshot
from salon.core.testing import SalonHarness
from salon.plugins.prompts import tables
from salon.plugins.prompts.sources import builtin_prompts


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def test_no_prompt_repeats_over_200_days_and_each_day_posts_once(
    salon_bot: SalonHarness,
) -> None:
    salon_bot.clock.set(utc(2026, 1, 1, 6, 0))
    replies = await salon_bot.send("!prompts schedule daily 09:00", as_="olive")
    assert "Prompt schedule #1 created: daily 09:00 in #general" in plain(replies)
    texts: list[str] = []
    for day in range(200):
        if day == 100:
            await salon_bot.restart()  # a process restart changes nothing
        posted = prompts_posted(await salon_bot.advance(to=utc(2026, 1, 1, 9, 0) + timedelta(day)))
        assert len(posted) == 1, day
        texts.append(posted[0].outbound.body.plain().splitlines()[1])
    total = len(builtin_prompts())
    assert total >= 150
    assert len(set(texts[:total])) == total  # every built-in prompt once before any repeats
    assert len(set(texts[total:])) == 200 - total  # then a new cycle, again without repeats
    postings = await rows(salon_bot, tables.postings)
    assert len(postings) == 200
    # A repeated run of the same due time finds its posting and posts nothing.
    assert len({p.run for p in postings}) == 200
    assert not prompts_posted(await salon_bot.advance(timedelta(hours=1)))


async def test_pause_and_resume(salon_bot: SalonHarness) -> None:
    salon_bot.clock.set(utc(2026, 6, 1, 6, 0))
    await salon_bot.send("!prompts schedule weekly mon,wed,fri 18:30 poetry", as_="olive")
    replies = await salon_bot.send("!prompts pause", as_="olive")
    assert "Paused prompt schedule #1" in plain(replies)
    assert not prompts_posted(await salon_bot.advance(timedelta(days=7)))
    replies = await salon_bot.send("!prompts schedules", as_="olive")
    assert "#1: weekly mon,wed,fri 18:30 poetry in #general on Memory (paused)" in plain(replies)
    replies = await salon_bot.send("!prompts resume 1", as_="olive")
    assert "Resumed prompt schedule #1; the next prompt comes Mon 08 Jun 18:30" in plain(replies)
    # nothing missed while paused is caught up; the next Monday posts one poetry prompt
    posted = prompts_posted(await salon_bot.advance(to=utc(2026, 6, 8, 16, 31)))
    assert len(posted) == 1
    assert "poetry" in posted[0].outbound.body.plain().splitlines()[0]
    replies = await salon_bot.send("!prompts resume", as_="olive")
    assert "is not paused" in plain(replies)


async def test_daily_nine_oclock_in_the_community_zone_across_dst(salon_bot: SalonHarness) -> None:
    salon_bot.clock.set(utc(2026, 3, 26, 12, 0))  # Europe/Berlin moves to summer time on 29 March
    await salon_bot.send("!prompts schedule daily 9am", as_="olive")
    for _ in range(5 * 24):
        await salon_bot.advance(timedelta(hours=1))
    times = [p.posted_at for p in await rows(salon_bot, tables.postings)]
    assert times == [
        utc(2026, 3, 27, 8, 0),
        utc(2026, 3, 28, 8, 0),
        utc(2026, 3, 29, 7, 0),
        utc(2026, 3, 30, 7, 0),
        utc(2026, 3, 31, 7, 0),
    ]


async def test_rrule_and_community_wide_schedule(salon_bot: SalonHarness) -> None:
    salon_bot.clock.set(utc(2026, 4, 20, 12, 0))
    replies = await salon_bot.send(
        "!prompts schedule FREQ=MONTHLY;BYMONTHDAY=1 09:00 everywhere", as_="olive"
    )
    assert "in every community space. The first prompt comes Fri 01 May 09:00" in plain(replies)
    replies = await salon_bot.send("!prompts unschedule 1", as_="olive")
    assert "Deleted prompt schedule #1" in plain(replies)
    assert await rows(salon_bot, tables.schedules) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("!prompts schedule daily 25:00", "'25:00' is not a time of day"),
        ("!prompts schedule daily", "Give the time of day too"),
        ("!prompts schedule FREQ=FORTNIGHTLY 09:00", "'FREQ=FORTNIGHTLY' is not a rule I can use"),
        ("!prompts schedule FREQ=DAILY;COUNT=0 09:00", "is not a rule I can use"),
        ("!prompts schedule every tuesday 09:00", "'every' is not a schedule I know"),
        ("!prompts schedule weekly someday 09:00", "'someday' is not a day I know"),
        ("!prompts schedule daily 09:00 nonsense", "No prompt is tagged 'nonsense'. The tags are:"),
        ("!prompts schedule daily 09:00 poetry extra words", "I didn't understand"),
        ("!prompts pause", "There are no prompt schedules yet"),
        ("!prompts resume 7", "There is no prompt schedule #7"),
        ("!prompts now nonsense", "No prompt is tagged 'nonsense'"),
        ("!prompts add hi", "Write the prompt itself"),
        ("!prompt nonsense", "I have no prompts tagged 'nonsense'. Try one of: character,"),
        ("!respond hello there", "No prompt has been posted here yet"),
        ("!respond", "Write your piece after respond"),
        ("!respond #5 a piece", "There is no prompt #5."),
        ("!respond anonymously a piece", "To respond anonymously, send it to me in a direct"),
        ("!prompt suggest", "Write the prompt itself"),
    ],
)
async def test_bad_input_changes_nothing(
    salon_bot: SalonHarness, command: str, expected: str
) -> None:
    await salon_bot.send("!ping", as_="olive")
    await salon_bot.send("!ping", as_="alice")
    before = await snapshot(salon_bot)
    as_ = "alice" if command.startswith(("!prompt ", "!respond")) else "olive"
    replies = await salon_bot.send(command, as_=as_)
    assert expected in plain(replies), plain(replies)
    assert await snapshot(salon_bot) == before


async def test_respond_in_a_dm_with_no_prompt_changes_nothing(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!ping", as_="alice")
    before = await snapshot(salon_bot)
    replies = await salon_bot.send("respond My piece about a lighthouse", as_="alice", dm=True)
    assert "There is no prompt to respond to yet" in plain(replies)
    assert await snapshot(salon_bot) == before


async def test_members_cannot_schedule(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!ping", as_="alice")
    before = await snapshot(salon_bot)
    replies = await salon_bot.send("!prompts schedule daily 09:00", as_="alice")
    assert "organisers" in plain(replies).lower()
    assert await snapshot(salon_bot) == before
