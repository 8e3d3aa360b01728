"""Check-ins belong to the person: linked accounts share goals, progress, streaks, buddies and
check-ins; merging two people's rows leaves no duplicates; community-wide check-ins."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from plugins.checkins.helpers import last, person_id, plain, utc
from salon.core import SpaceRef
from salon.core.clock import ManualClock
from salon.core.storage import sa
from salon.core.testing import SalonHarness, default_config
from salon.plugins.checkins import tables

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[SalonHarness]:
    harness = SalonHarness(default_config(tmp_path / "salon.db"), ManualClock(), ["checkins"])
    harness.add_platform("telegram")
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def link(bot: SalonHarness, name: str) -> None:
    """``name``'s memory account asks for a code; their telegram account enters it."""
    replies = await bot.send("link", as_=name, dm=True)
    found = CODE.search(plain(replies))
    assert found
    replies = await bot.send(f"link {found.group(1)}", as_=name, dm=True, platform="telegram")
    assert "Linked!" in plain(replies), plain(replies)


async def rows(bot: SalonHarness, table: sa.Table) -> list[Any]:
    async with bot.bot.storage.engine.connect() as db:
        return list((await db.execute(sa.select(table))).all())


async def test_words_logged_on_one_platform_count_on_the_other(bot: SalonHarness) -> None:
    await bot.send("!wc 500", as_="alice")
    await link(bot, "alice")
    replies = await bot.send("!stats", as_="alice", platform="telegram")
    assert "Last 30 days: 500 words on 1 day." in last(replies)
    await bot.send("!wc +100", as_="alice", platform="telegram")
    replies = await bot.send("!stats", as_="alice")
    assert "Last 30 days: 600 words on 1 day." in last(replies)


async def test_linking_two_people_with_data_merges_their_rows(bot: SalonHarness) -> None:
    await bot.send("!goal 500 words daily", as_="alice")
    await bot.send("!wc 300 morning", as_="alice")
    bot.clock.advance(timedelta(minutes=5))
    await bot.send("!goal 1000 words daily", as_="alice", platform="telegram")
    await bot.send("!wc 200 evening", as_="alice", platform="telegram")
    bot.clock.advance(timedelta(days=1))
    await bot.send("!wc 50", as_="alice", platform="telegram")
    await bot.send("!buddy join", as_="alice")
    await bot.send("!buddy join", as_="alice", platform="telegram")
    await bot.send("!away until 2026-02-01", as_="alice", platform="telegram")
    await link(bot, "alice")
    alice = await person_id(bot, "alice")
    progress = sorted(
        (r.person_id, r.day.isoformat(), r.amount, r.note) for r in await rows(bot, tables.progress)
    )
    assert progress == [
        (alice, "2026-01-05", 500, "morning; evening"),
        (alice, "2026-01-06", 50, ""),
    ]
    goals = await rows(bot, tables.goals)
    assert {g.person_id for g in goals} == {alice}
    [current] = [g for g in goals if g.ended_at is None]
    assert current.target == 1000  # the newer goal stays
    [streak] = await rows(bot, tables.streaks)
    assert (streak.person_id, streak.length) == (alice, 2)  # recomputed from the merged days
    assert [b.person_id for b in await rows(bot, tables.buddies)] == [alice]
    assert [a.person_id for a in await rows(bot, tables.away)] == [alice]
    replies = await bot.send("!goal", as_="alice")
    assert "1,000 words a day: 50 today" in last(replies)


async def test_a_buddy_round_never_pairs_a_person_with_their_own_account(
    bot: SalonHarness,
) -> None:
    for name, platform in (("alice", None), ("alice", "telegram"), ("bob", None)):
        await bot.send("!buddy join", as_=name, platform=platform)
    replies = await bot.send("!buddy pair", as_="olive")
    assert "Paired 3 members: 1 trio" in plain(replies)  # alice's accounts: not yet one person
    await link(bot, "alice")
    alice, bob = await person_id(bot, "alice"), await person_id(bot, "bob")
    members = [(r.pair_id, r.person_id) for r in await rows(bot, tables.pair_members)]
    assert len(members) == len(set(members))  # the trio kept alice once
    for _ in range(3):
        replies = await bot.send("!buddy pair", as_="olive")
        assert "Paired 2 members: 1 pair" in plain(replies)
        async with bot.bot.storage.engine.connect() as db:
            current = (
                await db.execute(
                    sa.select(tables.pair_members.c.person_id)
                    .join(tables.pairs, tables.pairs.c.id == tables.pair_members.c.pair_id)
                    .where(tables.pairs.c.ended_at.is_(None))
                )
            ).scalars()
            assert sorted(current) == sorted([alice, bob])


async def test_a_community_wide_check_in_joined_from_another_platform(
    bot: SalonHarness,
) -> None:
    await bot.send("!checkin create mon,thu 09:00 digest 17:00", as_="olive")
    await bot.send("!space join", as_="olive")
    await link(bot, "olive")  # an organiser on every platform once linked
    replies = await bot.send("!space join", as_="olive", space="writers", platform="telegram")
    assert "#writers on Telegram is now part of the community" in last(replies)
    await link(bot, "alice")
    replies = await bot.send("checkin join", as_="alice", dm=True, platform="telegram")
    assert "You're in the check-in of #general on Memory" in last(replies)
    await bot.advance(to=utc(2026, 1, 8, 9, 0))
    # asked where alice last wrote from: Telegram
    [question] = [d for d in bot.sent_to("alice", "telegram") if "Check-in time" in d.text]
    for answer in ("A chapter", "The next one", "Nothing"):
        await bot.send(answer, as_="alice", dm=True, platform="telegram")
    digests = await bot.advance(to=utc(2026, 1, 8, 17, 0))
    spaces = {d.outbound.space for d in digests if "Check-in digest" in d.text}
    assert spaces == {SpaceRef("memory", "general"), SpaceRef("telegram", "writers")}
    for delivered in digests:
        body = delivered.outbound.body.plain()
        assert "Check-in digest for #general on Memory — 1 checked in." in body
        assert "A chapter" in body
        # a real mention on both platforms: alice has an account on each
        [mention] = [n for n in delivered.outbound.body.nodes if type(n).__name__ == "Mention"]
        assert mention.member.platform == delivered.outbound.platform
    assert question.outbound.recipient is not None


async def test_several_check_ins_are_chosen_with_buttons_in_a_dm(bot: SalonHarness) -> None:
    await bot.send("!checkin create mon 09:00", as_="olive")
    await link(bot, "olive")
    await bot.send("!checkin create thu 09:00", as_="olive", space="writers", platform="telegram")
    replies = await bot.send("checkin join", as_="bob", dm=True)
    assert "Which check-in do you want to join?" in last(replies)
    labels = [b.label for b in replies[-1].outbound.buttons]
    assert labels == ["#general on Memory", "#writers on Telegram"]
    replies = await bot.press(replies[-1].outbound.buttons[1], as_="bob", dm=True)
    assert "You're in the check-in of #writers on Telegram" in last(replies)
    [participant] = await rows(bot, tables.participants)
    assert participant.person_id == await person_id(bot, "bob")


async def test_forget_me_on_one_platform_removes_both_accounts_data(bot: SalonHarness) -> None:
    await bot.send("!wc 400", as_="alice")
    await link(bot, "alice")
    await bot.send("!wc +50", as_="alice", platform="telegram")
    replies = await bot.send("forget me", as_="alice", dm=True, platform="telegram")
    yes, _ = replies[-1].outbound.buttons
    await bot.press(yes, as_="alice", dm=True, platform="telegram")
    assert await rows(bot, tables.progress) == []
    assert await rows(bot, tables.streaks) == []


async def test_linking_works_while_a_check_in_question_is_open(bot: SalonHarness) -> None:
    await bot.send("!checkin create thu 09:00", as_="olive")
    await bot.send("checkin join", as_="alice", dm=True, platform="telegram")
    await bot.send("!checkin join", as_="alice")  # the memory account: another person yet
    await bot.advance(to=utc(2026, 1, 8, 9, 0))
    assert any("Check-in time" in d.text for d in bot.sent_to("alice", "telegram"))
    await link(bot, "alice")  # "link CODE" typed on Telegram is not taken as an answer
    [participant] = await rows(bot, tables.participants)
    assert participant.person_id == await person_id(bot, "alice")
