"""``log_progress``: another feature adds words to today's log, once per key."""

from __future__ import annotations

import pytest

from salon.core import MemberRef, ProgressEntry, UserError, hookimpl
from salon.core.hookspecs import checkins
from salon.core.testing import PluginSpec, SalonHarness

from .helpers import snapshot


class Heard:
    def __init__(self) -> None:
        self.entries: list[ProgressEntry] = []

    @hookimpl
    def progress_logged(self, entry: ProgressEntry) -> None:
        self.entries.append(entry)


@pytest.fixture
def heard() -> Heard:
    return Heard()


@pytest.fixture
def salon_plugins(heard: Heard) -> list[PluginSpec]:
    return ["checkins", ("heard", heard)]


async def test_words_are_added_once_per_key(salon_bot: SalonHarness, heard: Heard) -> None:
    await salon_bot.send("!wc 1000", as_="alice")
    bot = salon_bot.bot
    alice = await bot.people.of(MemberRef("memory", "alice"))
    assert alice is not None
    kwargs = {"person": alice, "amount": 350, "note": "Sprint #4", "source": "sprint 4"}
    first = await bot.first_result(checkins.log_progress, key="sprints:4:1", bot=bot, **kwargs)
    again = await bot.first_result(checkins.log_progress, key="sprints:4:1", bot=bot, **kwargs)
    assert first.amount == 1350 and again.amount == 1350
    assert [e.amount for e in heard.entries] == [1000, 1350]  # fired once, like wc
    stats = await salon_bot.send("!wc +0", as_="alice")
    assert "Logged *1,350 words*" in salon_bot.texts(stats)[0]
    data = await salon_bot.send("my data", as_="alice", dm=True)
    assert "+350 words from sprint 4" in "\n".join(salon_bot.texts(data))


async def test_a_log_in_pages_refuses_words(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!goal 5 pages daily", as_="alice")
    bot = salon_bot.bot
    alice = await bot.people.of(MemberRef("memory", "alice"))
    assert alice is not None
    before = await snapshot(salon_bot)
    with pytest.raises(UserError, match="Your log counts pages"):
        await bot.first_result(
            checkins.log_progress,
            person=alice,
            amount=300,
            note="",
            source="sprint 1",
            key="k",
            bot=bot,
        )
    assert await snapshot(salon_bot) == before
