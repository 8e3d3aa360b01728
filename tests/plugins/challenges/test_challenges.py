"""Challenges end to end: a 30-day challenge across three zones, linked accounts counted once,
finishers and non-finishers, the weekly summary and the end card; joining and leaving."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from plugins.challenges.helpers import (
    dm_texts,
    last,
    link,
    plain,
    rows,
    set_zone,
    utc,
)
from salon.core.clock import ManualClock
from salon.core.testing import Platform, SalonHarness, default_config
from salon.plugins.badges import tables as badge_tables
from salon.plugins.challenges import tables
from salon.plugins.challenges.card import can_draw_cards

CREATE = '!challenge create "November" 3000 words 2026-11-01..2026-11-30'


@pytest.fixture
def salon_clock() -> ManualClock:
    return ManualClock(utc(2026, 10, 31, 12))


@pytest.fixture
def salon_platforms() -> list[Platform]:
    return [Platform("memory"), Platform("telegram")]


def in_space(delivered: Any, space: str = "general") -> list[str]:
    return [d.outbound.body.plain() for d in delivered if d.space and d.space.id == space]


async def test_thirty_days_three_zones_linked_person_counted_once(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send(CREATE, as_="olive")
    assert "Challenge created: November — 3,000 words, 01 Nov to 30 Nov 2026." in last(replies)
    for name, zone in (
        ("alice", "Europe/Berlin"),
        ("bob", "America/New_York"),
        ("carol", "Asia/Tokyo"),
    ):
        await set_zone(salon_bot, name, zone)
        replies = await salon_bot.send("!challenge join november", as_=name)
        assert "You're in November" in last(replies), last(replies)
    await link(salon_bot, "alice")
    posted: list[Any] = []
    for day in range(1, 31):
        # 10:00 UTC is the same date in Berlin (11:00), New York (05:00) and Tokyo (19:00).
        posted += await salon_bot.advance(to=utc(2026, 11, day, 10))
        if day % 2:
            await salon_bot.send("!wc 100", as_="alice")
            # The same day's total, sent again from her other account: still 100.
            await salon_bot.send("!wc 100", as_="alice", platform="telegram")
        else:
            await salon_bot.send("!wc 60", as_="alice", platform="telegram")
            await salon_bot.send("!wc +40", as_="alice")
        await salon_bot.send("!wc 50", as_="bob")
        if day < 30:
            await salon_bot.send("!wc 100", as_="carol")
        if day == 15:
            replies = await salon_bot.send("!challenge", as_="bob")
            assert "750 of 3,000 words (50 a day so far); 141 words a day to finish" in last(
                replies
            ), last(replies)
    posted += await salon_bot.advance(to=utc(2026, 11, 30, 11, 30))  # 20:30 in Tokyo
    # Carol's last words come at 01:00 on 1 December in Tokyo: her December, not November.
    posted += await salon_bot.advance(to=utc(2026, 11, 30, 16))
    await salon_bot.send("!wc 100", as_="carol")
    # Bob's come at 22:00 on 30 November in New York: still his November.
    posted += await salon_bot.advance(to=utc(2026, 12, 1, 3))
    await salon_bot.send("!wc 100", as_="bob")

    replies = await salon_bot.send("!leaderboard November", as_="bob")
    assert plain(replies).splitlines()[1:] == [
        "1. alice: 3,000 words",
        "2. carol: 2,900 words",
        "3. bob (you): 1,550 words",
    ]
    posted += await salon_bot.advance(to=utc(2026, 12, 1, 13))
    weekly = [text for text in in_space(posted) if ", week " in text]
    assert len(weekly) == 5  # Mondays 2, 9, 16, 23 and 30 November
    assert "November, week 3:" in weekly[2]
    # Monday 16 November, 09:00: fifteen days logged; a tie shares its rank.
    assert "1. alice: 1,500 of 3,000 words" in weekly[2], weekly[2]
    assert "1. carol: 1,500 of 3,000 words" in weekly[2]
    assert "3. bob: 750 of 3,000 words" in weekly[2]
    card = [d for d in posted if d.space and d.outbound.image is not None]
    assert len(card) == 1
    text = card[0].outbound.body.plain()
    assert "7,450 words by 3 writers; 1 finished." in text
    assert "1. ✓ alice: 3,000 words" in text
    assert "3. bob: 1,550 words" in text
    assert card[0].outbound.image.data.startswith(b"\x89PNG")
    alice = dm_texts(salon_bot, "alice") + dm_texts(salon_bot, "alice", "telegram")
    assert sum("You finished November" in text for text in alice) == 1
    assert sum("Challenge completed" in text for text in alice) == 1
    assert sum("30-day streak" in text for text in alice) == 1
    # Carol skipped her own 30 November: one warning that evening, in Tokyo.
    warned = [t for t in dm_texts(salon_bot, "carol") if "keep your" in t]
    assert warned == [
        "You haven't logged anything today: log today to keep your 29-day streak "
        "(!wc 200 is enough). Turn these off with !streakwarning off."
    ]
    assert not any("keep your" in t for t in alice + dm_texts(salon_bot, "bob"))
    finished = [r for r in await rows(salon_bot, tables.members) if r.completed_at is not None]
    assert len(finished) == 1
    replies = await salon_bot.send("!challenge join November", as_="dave")
    assert "November has ended" in last(replies)


async def test_join_by_button_leave_and_list(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send(CREATE, as_="olive")
    button = replies[-1].outbound.buttons[0]
    assert button.label == "Join November"
    replies = await salon_bot.press(button, as_="alice")
    assert "You're in November" in last(replies)
    replies = await salon_bot.press(button, as_="alice", event_id="second-press")
    assert "You're already in November." in last(replies)
    replies = await salon_bot.send("!challenge list", as_="bob")
    assert "Running:\n- November: 3,000 words, 01 Nov to 30 Nov 2026" in last(replies)
    replies = await salon_bot.send("!challenge leave", as_="alice")
    assert "You left November." in last(replies)
    assert await rows(salon_bot, tables.members) == []


async def test_members_create_only_when_organisers_allow(tmp_path: Path) -> None:
    config = default_config(tmp_path / "salon.db")
    harness = SalonHarness(config, ManualClock(utc(2026, 10, 31, 12)), ["checkins", "challenges"])
    await harness.start()
    try:
        replies = await harness.send(CREATE, as_="alice")
        assert "Only organisers can create challenges" in last(replies)
    finally:
        await harness.stop()
    config["plugins"] = {"challenges": {"members_can_create": True}}
    harness = SalonHarness(config, ManualClock(utc(2026, 10, 31, 12)), ["checkins", "challenges"])
    await harness.start()
    try:
        replies = await harness.send(CREATE, as_="alice")
        assert "Challenge created" in last(replies)
        replies = await harness.send(CREATE, as_="alice", dm=True)
        assert "Create a challenge in the space where it should run" in last(replies)
    finally:
        await harness.stop()


async def test_habit_challenge_every_day(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send(
        '!challenge create "Daily" daily for 3 days from 2026-11-01', as_="olive"
    )
    assert "write every day for 3 days, 01 Nov to 03 Nov 2026" in last(replies)
    await salon_bot.send("!challenge join", as_="alice")
    await salon_bot.send("!challenge join", as_="bob")
    for day in (1, 2, 3):
        await salon_bot.advance(to=utc(2026, 11, day, 10))
        await salon_bot.send("!wc 10", as_="alice")
        if day != 2:
            await salon_bot.send("!wc 10", as_="bob")
    replies = await salon_bot.send("!challenge", as_="bob")
    assert "2 of 3 days written; a day was missed" in last(replies)
    assert any("You finished Daily" in t for t in dm_texts(salon_bot, "alice"))
    assert not any("You finished" in t for t in dm_texts(salon_bot, "bob"))


async def test_words_by_a_person_forgotten_are_gone(salon_bot: SalonHarness) -> None:
    await salon_bot.send(CREATE, as_="olive")
    await salon_bot.send("!challenge join", as_="alice")
    await salon_bot.advance(to=utc(2026, 11, 2, 10))
    await salon_bot.send("!wc 1500", as_="alice")
    replies = await salon_bot.send("my data", as_="alice", dm=True)
    text = plain(replies)
    assert "joined “November”" in text and "1,500 words" in text
    assert "First 1,000 words" in text
    replies = await salon_bot.send("forget me", as_="alice", dm=True)
    for press in [b for r in replies for b in r.outbound.buttons][:1]:
        await salon_bot.press(press, as_="alice", dm=True)
    assert await rows(salon_bot, tables.days) == []
    assert await rows(salon_bot, tables.members) == []
    assert await rows(salon_bot, badge_tables.awards) == []


async def test_linking_two_people_with_data_keeps_one_of_everything(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send(CREATE, as_="olive")
    await salon_bot.advance(to=utc(2026, 11, 2, 10))
    for platform in ("memory", "telegram"):
        await salon_bot.send("!challenge join", as_="alice", platform=platform)
        await salon_bot.send("!wc 1100", as_="alice", platform=platform)
        await salon_bot.send("!leaderboard optout", as_="alice", platform=platform)
    assert len(await rows(salon_bot, badge_tables.awards)) == 2
    await link(salon_bot, "alice")
    assert len(await rows(salon_bot, tables.members)) == 1
    assert [(r.day.day, r.amount) for r in await rows(salon_bot, tables.days)] == [(2, 2200)]
    assert len(await rows(salon_bot, tables.optouts)) == 1
    assert [r.badge_id for r in await rows(salon_bot, badge_tables.awards)] == ["words.first_1000"]
    replies = await salon_bot.send("!challenge", as_="alice", platform="telegram")
    assert "2,200 of 3,000 words" in last(replies)


async def test_end_card_without_matplotlib_is_the_text_summary(
    salon_bot: SalonHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if salon[charts] were not installed
    can_draw_cards.cache_clear()
    try:
        await salon_bot.send(CREATE, as_="olive")
        await salon_bot.send("!challenge join", as_="alice")
        await salon_bot.advance(to=utc(2026, 11, 3, 10))
        await salon_bot.send("!wc 400", as_="alice")
        replies = await salon_bot.send("!challenge end November", as_="olive")
        card = [d for d in replies if "is over (" in d.outbound.body.plain()]
        assert len(card) == 1 and card[0].outbound.image is None
        assert "1. alice: 400 words" in card[0].outbound.body.plain()
        replies = await salon_bot.send("!challenge end November", as_="olive")
        assert "November has already ended." in last(replies)
    finally:
        can_draw_cards.cache_clear()
