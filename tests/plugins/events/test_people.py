"""Answers belong to the person: linking two accounts that both answered merges them."""

from __future__ import annotations

import re

import pytest

from plugins.events.helpers import create_event, posts_in, press, snapshot
from salon.core.testing import WITH_FORMS, Platform, SalonHarness

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture
def salon_platforms() -> list[Platform]:
    return [Platform("memory", WITH_FORMS), Platform("telegram", WITH_FORMS)]


async def test_linking_merges_answers_keeping_the_stronger(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot, title="Reading night")
    await create_event(salon_bot, title="Open mic", when="2026-03-05 19:00")
    first, second = [p for p in posts_in(salon_bot) if p.outbound.edit_of is None]
    await press(salon_bot, first, "Maybe", "alice")
    await press(salon_bot, second, "Going", "alice")
    # The Telegram account answers the first event "going" and asks for the feed.
    await salon_bot.send("!event rsvp 1 going", as_="alice", platform="telegram")
    await salon_bot.send("!event rsvp 2 no", as_="alice", platform="telegram")
    await salon_bot.send("!events feed", as_="alice", platform="telegram")

    replies = await salon_bot.send("link", as_="alice", dm=True)
    found = CODE.search(replies[-1].outbound.body.plain())
    assert found
    await salon_bot.send(f"link {found.group(1)}", as_="alice", dm=True, platform="telegram")

    rows = await snapshot(salon_bot)
    answers = sorted((event_id, answer) for event_id, _p, answer, *_ in rows["events_rsvps"])
    assert answers == [(1, "going"), (2, "going")]
    assert len({person for _e, person, *_ in rows["events_rsvps"]}) == 1
    assert len(rows["events_feeds"]) == 1
