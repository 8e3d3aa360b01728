"""Bad input gets a clear reply and changes nothing (the sprint tables and jobs as before)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salon.core.testing import SalonHarness

from .helpers import last, snapshot

MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("!sprint 0", "A sprint lasts at least 1 minute"),
        ("!sprint 500", "Sprints here last at most 60 minutes; 500 is too long"),
        ("!sprint twenty", "I need the sprint's length in minutes, like sprint 20 (not twenty)"),
        ("!sprint 20 in 30h", "A sprint can start at most 24 hours ahead"),
        ("!sprint 20 at teatime", "I didn't understand the time teatime"),
        ("!sprint chain 3 by 20", "like sprint chain 3 x 20 break 5"),
        ("!sprint chain 30 x 20", "A chain has 2 to 10 sprints"),
        ("!sprint wc 100", "No sprint is taking counts right now"),
        ("!sprint join", "No sprint is running here"),
    ],
)
async def test_nothing_running(salon_bot: SalonHarness, text: str, answer: str) -> None:
    before = await snapshot(salon_bot)
    assert answer in last(await salon_bot.send(text, as_="alice", platform="slack"))
    assert await snapshot(salon_bot) == before


@pytest.mark.parametrize(
    ("text", "as_", "answer"),
    [
        ("!sprint wc lots", "alice", "lots isn't a word count; send a number, like sprint wc 1234"),
        ("!sprint join", "alice", "You are already in sprint #1."),
        ("!sprint join 100", "bob", "You are already in sprint #1."),
        ("!sprint 15", "carol", "Sprint #1 already runs here (ends in 15 minutes)"),
        ("!sprint wc 100", "bob", "Sprint #1 is still on (15 minutes left)"),
        ("!sprint wc 100", "carol", "You aren't in sprint #1; sprint join to take part."),
        ("!sprint join lots", "carol", "lots isn't a word count"),
        ("!sprint leave", "carol", "You are not in sprint #1."),
        ("!sprint cancel", "bob", "Only whoever started the sprint or an organiser"),
        ("!sprint log", "alice", "You have no count in a finished sprint to add to your log."),
        ("!sprint", "olive", "Sprint #1 already runs here"),
    ],
)
async def test_while_a_sprint_runs(
    salon_bot: SalonHarness, text: str, as_: str, answer: str
) -> None:
    await salon_bot.send("!sprint 20", as_="alice", platform="slack")
    await salon_bot.send("!sprint join 100", as_="bob", platform="telegram")
    await salon_bot.advance(6 * MINUTE)
    before = await snapshot(salon_bot)
    platform = "telegram" if as_ == "bob" else "slack"
    assert answer in last(await salon_bot.send(text, as_=as_, platform=platform))
    assert await snapshot(salon_bot) == before


async def test_counts_that_do_not_fit(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!sprint 10", as_="alice", platform="slack")
    await salon_bot.send("!sprint join 5000", as_="bob", platform="telegram")
    await salon_bot.advance(11 * MINUTE)
    before = await snapshot(salon_bot)
    lower = await salon_bot.send("!sprint wc 4000", as_="bob", platform="telegram")
    assert "You started at 5,000 words, more than 4,000" in last(lower)
    huge = await salon_bot.send("!sprint wc 99999999", as_="bob", platform="telegram")
    assert "more than I can count" in last(huge)
    late = await salon_bot.send("!sprint join", as_="carol", platform="slack")
    assert "Sprint #1 has ended; join the next one." in last(late)
    assert await snapshot(salon_bot) == before


async def test_sprints_start_in_group_spaces_only(salon_bot: SalonHarness) -> None:
    before = await snapshot(salon_bot)
    reply = await salon_bot.send("!sprint 20", as_="alice", platform="slack", dm=True)
    assert "Start sprints in a group space" in last(reply)
    assert await snapshot(salon_bot) == before
