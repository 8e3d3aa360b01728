"""Badges: awarded exactly once (restart, redelivered events and hooks), a third party's badge
in a few lines, announcements in spaces when organisers want them, and piece challenges fed
by prompt responses and critique submissions through their hooks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from plugins.challenges.fakes import Fakes
from plugins.challenges.helpers import dm_texts, last, person, plain, rows, utc
from salon.core import Badge, BadgeAward, Bot, Person, ProgressEntry, hookimpl
from salon.core.clock import ManualClock
from salon.core.hookspecs import badges as badge_hooks
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.testing import PluginSpec, SalonHarness
from salon.plugins.badges import tables as badge_tables

AWARDED: list[tuple[str, int]] = []


class NightOwl:
    """A third-party badge: one declared with a metric, one awarded by the plugin itself."""

    @hookimpl
    def register_badges(self, register: Callable[[Badge], None]) -> None:
        register(Badge("owl.5k", "5k club", "Logged 5,000 words.", metric="words", threshold=5000))
        register(Badge("owl.night", "Night owl", "Logged words after 23:00.", emoji="🦉"))

    @hookimpl
    async def progress_logged(self, entry: ProgressEntry, person: Person, bot: Bot) -> None:
        if bot.clock.now().astimezone(person.tz).hour >= 23:
            await bot.first_result(
                badge_hooks.award_badge,
                badge_id="owl.night",
                person=person,
                reason="late words",
                bot=bot,
            )

    @hookimpl
    def badge_awarded(self, award: BadgeAward, person: Person) -> None:
        AWARDED.append((award.badge.id, person.id))


@pytest.fixture
def salon_clock() -> ManualClock:
    return ManualClock(utc(2026, 11, 2, 10))


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["checkins", "challenges", "badges", ("fakes", Fakes()), ("owl", NightOwl())]


def earned(harness: SalonHarness, name: str, badge: str) -> int:
    return sum(f"You earned a badge: {badge}" in t for t in dm_texts(harness, name))


async def test_badges_exactly_once_after_restart_and_redelivery(salon_bot: SalonHarness) -> None:
    AWARDED.clear()
    replies = await salon_bot.send("!wc 1200", as_="alice", event_id="wc-1")
    assert "Logged 1,200 words" in plain(replies)
    assert earned(salon_bot, "alice", "✍️ First 1,000 words") == 1
    await salon_bot.restart()
    # The platform redelivers the same message; then check-ins' hook comes again (as after a
    # crash between its commit and the hooks) and she corrects today's count.
    assert await salon_bot.send("!wc 1200", as_="alice", event_id="wc-1") == []
    alice = await person(salon_bot, "alice")
    entry = ProgressEntry(alice.id, utc(2026, 11, 2).date(), 1200)
    for _ in range(2):
        await salon_bot.bot.notify(
            checkin_hooks.progress_logged,
            entry=entry,
            member=salon_bot.member("alice"),
            person=alice,
            community=salon_bot.bot.community,
            bot=salon_bot.bot,
        )
    await salon_bot.send("!wc 1300", as_="alice")
    assert earned(salon_bot, "alice", "✍️ First 1,000 words") == 1
    assert [r.badge_id for r in await rows(salon_bot, badge_tables.awards)] == ["words.first_1000"]
    assert [("words.first_1000", alice.id)] == AWARDED
    # Seven days in a row: the 7-day streak, once.
    for _ in range(7):
        await salon_bot.advance(timedelta(days=1))
        await salon_bot.send("!wc 600", as_="alice")
    assert earned(salon_bot, "alice", "🔥 7-day streak") == 1
    # 1,300 + 7 x 600 = 5,500: the third party's metric badge.
    assert earned(salon_bot, "alice", "🏅 5k club") == 1
    replies = await salon_bot.send("!badges", as_="alice")
    text = plain(replies)
    assert text.startswith("Your badges (3):")
    assert "- 🔥 7-day streak — Wrote seven days in a row." in text
    assert "Still to earn:" in text and "🦉 Night owl" in text


async def test_a_plugin_awards_its_own_badge(salon_bot: SalonHarness) -> None:
    await salon_bot.advance(to=utc(2026, 11, 2, 23, 30))
    await salon_bot.send("!wc 100", as_="bob")
    await salon_bot.send("!wc 200", as_="bob")
    assert earned(salon_bot, "bob", "🦉 Night owl") == 1
    alice = await person(salon_bot, "bob")
    again = await salon_bot.bot.first_result(
        badge_hooks.award_badge, badge_id="owl.night", person=alice, reason="x", bot=salon_bot.bot
    )
    assert again is not None and again.reason == "late words"
    unknown = await salon_bot.bot.first_result(
        badge_hooks.award_badge, badge_id="nope", person=alice, reason="x", bot=salon_bot.bot
    )
    assert unknown is None


async def test_piece_challenge_from_prompt_responses_and_critiques(
    salon_bot: SalonHarness,
) -> None:
    replies = await salon_bot.send(
        '!challenge create "Flash" 1 flash piece a week for 2 weeks', as_="olive"
    )
    assert "1 piece a week for 2 weeks, 02 Nov to 15 Nov 2026" in last(replies), last(replies)
    for name in ("alice", "bob"):
        await salon_bot.send("!challenge join Flash", as_=name)
    await salon_bot.send("!fakerespond 1", as_="alice")
    await salon_bot.send("!fakerespond 1", as_="alice")  # the same response again: once
    await salon_bot.send("!fakesubmit 7", as_="bob")
    replies = await salon_bot.send("!challenge", as_="alice")
    assert "1 of 2 weeks met (1 piece so far)" in last(replies)
    await salon_bot.advance(timedelta(days=7))
    await salon_bot.send("!fakecritique 3", as_="alice")
    assert any("You finished Flash" in t for t in dm_texts(salon_bot, "alice"))
    assert earned(salon_bot, "alice", "🏆 Challenge completed") == 1
    assert earned(salon_bot, "alice", "🤝 First critique given") == 1
    assert not any("You finished" in t for t in dm_texts(salon_bot, "bob"))
    replies = await salon_bot.send("!leaderboard Flash", as_="bob")
    assert plain(replies).splitlines()[1:] == ["1. alice: 2 weeks", "2. bob (you): 1 week"]


@pytest.fixture
def salon_config(salon_config: dict[str, Any]) -> dict[str, Any]:
    return {**salon_config, "plugins": {"badges": {"announce_in_spaces": True}}}


async def test_organisers_can_announce_awards_in_spaces(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!space join", as_="olive")  # a community space
    assert "is now part of the community" in last(replies)
    replies = await salon_bot.send("!wc 1000", as_="carol")
    in_space = [d.outbound.body.plain() for d in replies if d.space is not None]
    assert any("carol earned a badge: ✍️ First 1,000 words" in t for t in in_space), in_space
