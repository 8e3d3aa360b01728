"""Writing buddies: pairing (trio when odd, no recent repeats, near time zones), weekly
nudges, rotation, leaving."""

from __future__ import annotations

import random
import re
from datetime import timedelta

from plugins.checkins.helpers import dm_texts, last, utc
from salon.core import MemberRef
from salon.core.testing import SalonHarness
from salon.plugins.checkins.buddies import match


async def _sign_up(harness: SalonHarness, *names: str) -> None:
    for name in names:
        replies = await harness.send("!buddy join", as_=name)
        assert "signed up" in last(replies)


def _intros(harness: SalonHarness, name: str) -> list[str]:
    return [t for t in dm_texts(harness, name) if t.startswith("Meet your writing")]


async def test_pairing_introduces_everyone_and_odd_numbers_make_a_trio(
    salon_bot: SalonHarness,
) -> None:
    names = ("alice", "bob", "carol", "dan", "erin")
    await _sign_up(salon_bot, *names)
    replies = await salon_bot.send("!buddy pair", as_="olive")
    assert "Paired 5 members: 1 pair and 1 trio; everyone got an introduction." in last(replies)
    for name in names:
        assert len(_intros(salon_bot, name)) == 1
    trio = [n for n in names if _intros(salon_bot, n)[0].startswith("Meet your writing buddies")]
    assert len(trio) == 3
    replies = await salon_bot.send("!buddy", as_=trio[0])
    assert "Your writing buddies: " in last(replies) and " and " in last(replies)
    [single] = [n for n in names if n not in trio][:1]
    replies = await salon_bot.send("!buddy", as_=single)
    assert "Your writing buddy: " in last(replies)


async def test_repairing_avoids_recent_partners(salon_bot: SalonHarness) -> None:
    await _sign_up(salon_bot, "alice", "bob", "carol", "dan")
    seen: set[frozenset[str]] = set()
    for _ in range(3):
        await salon_bot.send("!buddy pair", as_="olive")
        replies = await salon_bot.send("!buddy", as_="alice")
        partner = last(replies).split("Your writing buddy: ")[1].split(".")[0]
        pair = frozenset({"alice", partner})
        assert pair not in seen
        seen.add(pair)
    assert len(seen) == 3  # alice met each of the other three once


def test_match_prefers_overlapping_time_zones() -> None:
    refs = [MemberRef("memory", n) for n in ("berlin", "paris", "tokyo", "seoul")]
    offsets = dict(zip(refs, (1.0, 1.0, 9.0, 9.0), strict=True))
    for seed in range(20):
        groups = match(refs, offsets, {}, random.Random(seed))
        assert {frozenset(g) for g in groups} == {
            frozenset(refs[:2]),
            frozenset(refs[2:]),
        }


async def test_weekly_nudge_and_rotation(salon_bot: SalonHarness) -> None:
    await _sign_up(salon_bot, "alice", "bob")
    # the first weekly round (Monday 10:00 in the community's zone) pairs them
    await salon_bot.advance(to=utc(2026, 1, 12, 10, 0))
    assert len(_intros(salon_bot, "alice")) == 1
    await salon_bot.advance(to=utc(2026, 1, 19, 10, 0))
    nudges = [t for t in dm_texts(salon_bot, "alice") if t.startswith("Weekly buddy check-in")]
    assert len(nudges) == 1 and "@bob" in nudges[0]
    for day in (26, 33):  # Monday 26 January, Monday 2 February
        await salon_bot.advance(to=utc(2026, 1, 1, 10, 0) + timedelta(days=day - 1))
    nudges = [t for t in dm_texts(salon_bot, "alice") if t.startswith("Weekly buddy check-in")]
    assert len(nudges) == 3 and len(_intros(salon_bot, "alice")) == 1
    # rotation every 4 weeks: a fresh pairing (and introduction) instead of a nudge
    await salon_bot.advance(to=utc(2026, 2, 9, 10, 0))
    assert len(_intros(salon_bot, "alice")) == 2


async def test_leaving_and_pausing(salon_bot: SalonHarness) -> None:
    await _sign_up(salon_bot, "alice", "bob")
    await salon_bot.send("!buddy pair", as_="olive")
    replies = await salon_bot.send("!buddy leave", as_="bob")
    assert "left writing buddies" in last(replies)
    assert "stepped back" in dm_texts(salon_bot, "alice")[-1]
    replies = await salon_bot.send("!buddy", as_="alice")
    assert "waiting to be paired" in last(replies)
    await _sign_up(salon_bot, "bob", "carol")
    await salon_bot.send("!away until 2026-03-01", as_="carol")
    replies = await salon_bot.send("!buddy pair", as_="olive")
    assert "Paired 2 members: 1 pair;" in last(replies)  # carol is away
    assert _intros(salon_bot, "carol") == []


async def test_signing_up_says_when_the_next_round_is_in_the_members_time(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send("!tz Asia/Tokyo", as_="alice")
    replies = await salon_bot.send("!buddy join", as_="alice")
    assert re.search(r"next weekly round \(Mon \d\d \w{3}, 19:00 Asia/Tokyo\) and", last(replies))
    replies = await salon_bot.send("!buddy", as_="alice")
    assert re.search(
        r"waiting to be paired at the next weekly round \(Mon .*Tokyo\)\.$", last(replies)
    )
