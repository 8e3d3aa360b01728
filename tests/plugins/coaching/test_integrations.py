"""Through other families' hooks: a 1:1 as a private event (events plugin), feedback on a
critique-queue piece (``piece_submitted``), and merging two people's coaching rows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.coaching.helpers import button, dms, link, make_plan, plain, snapshot, utc
from salon.core import Piece
from salon.core.hookspecs import critique
from salon.core.testing import PluginSpec, SalonHarness


async def coached(harness: SalonHarness) -> None:
    await harness.send("!ping", as_="bob")
    await harness.send("!coach add bob", as_="olive")
    await harness.send("!coach request bob", as_="alice")
    await harness.press(button(harness.sent_to("bob"), "Accept"), as_="bob", dm=True)


@pytest.mark.parametrize("salon_plugins", [["checkins", "coaching", "events"]])
async def test_a_session_is_a_private_event_when_the_events_plugin_is_installed(
    salon_bot: SalonHarness, salon_plugins: list[PluginSpec]
) -> None:
    await coached(salon_bot)
    replies = await salon_bot.send("!coach session alice 2026-01-08 18:00", as_="bob")
    assert "Scheduled: a 1:1 with alice on Thu 08 Jan at 18:00 (event 1)" in plain(replies)
    assert any("Coaching: bob and alice" in t for t in dms(salon_bot, "alice"))


async def test_feedback_on_a_coachees_critique_piece(salon_bot: SalonHarness) -> None:
    await coached(salon_bot)
    bot = salon_bot.bot
    alice = await bot.people.of(salon_bot.member("alice").ref)
    assert alice is not None
    piece = Piece(7, alice.id, "The Lighthouse", 2400, submitted_at=utc(2026, 1, 5, 12))
    await bot.notify(
        critique.piece_submitted, piece=piece, author=alice, community=bot.community, bot=bot
    )
    replies = await salon_bot.send("!coach piece 7 The ending lands.", as_="bob")
    assert "Sent to alice." in plain(replies)
    assert any(
        "on your piece The Lighthouse (7): The ending lands." in t for t in dms(salon_bot, "alice")
    )
    before = await snapshot(salon_bot)
    replies = await salon_bot.send("!coach piece 8 Hello", as_="bob")
    assert "I know no piece 8" in plain(replies)
    assert await snapshot(salon_bot) == before


async def test_linking_two_accounts_with_plans_keeps_one_plan_and_its_jobs(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.stop()
    salon_bot.add_platform("telegram")
    await salon_bot.start()
    await make_plan(salon_bot)
    await make_plan(salon_bot, platform="telegram")
    await link(salon_bot, "alice")
    after = await snapshot(salon_bot)
    assert len(after["coaching_plans"]) == 1
    keys = sorted(key for key, _ in after["jobs"])
    person = after["coaching_plans"][0][0]
    assert keys == [f"coaching:nudge:{person}", f"coaching:review:{person}"]
    await salon_bot.advance(to=utc(2026, 1, 7, 7))
    nudged = [t for t in salon_bot.texts() if "session — what are you working on" in t]
    assert len(nudged) == 1
    await salon_bot.advance(timedelta(minutes=1))


@pytest.mark.parametrize("salon_plugins", [["checkins", "coaching", "critique"]])
async def test_feedback_on_a_piece_submitted_to_the_real_critique_queue(
    salon_bot: SalonHarness, salon_plugins: list[PluginSpec]
) -> None:
    await coached(salon_bot)
    await salon_bot.send("!credits grant alice 5 welcome", as_="olive")
    await salon_bot.send("critique submit", as_="alice", dm=True)
    for answer in ("The Lighthouse", "literary fiction", "grief", "Does the ending land?"):
        await salon_bot.send(answer, as_="alice", dm=True)
    story = "\n\n".join(" ".join(f"w{p}x{n}" for n in range(120)) for p in range(5))
    replies = await salon_bot.send(story, as_="alice", dm=True)
    assert "Submitting it costs" in plain(replies), plain(replies)
    await salon_bot.send("critique confirm 1", as_="alice", dm=True)
    replies = await salon_bot.send("!coach piece 1 The ending lands.", as_="bob")
    assert "Sent to alice." in plain(replies)
