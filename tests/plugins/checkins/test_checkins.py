"""Scheduled check-ins: each member asked at their own 9:00 (DST included), answers collected
in DMs across restarts, exactly once, skip/away/late, one reminder, the digest."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.checkins.helpers import (
    dm_texts,
    join,
    last,
    plain,
    questions_to,
    setup_checkin,
    snapshot,
    utc,
)
from salon.core import SpaceRef
from salon.core.rendering import render_plain
from salon.core.testing import SalonHarness

MONDAY = utc(2026, 1, 5, 0, 0)  # the harness clock starts on Monday 5 January 2026, 12:00 UTC


async def test_each_member_is_asked_at_nine_in_their_own_time_zone(
    salon_bot: SalonHarness,
) -> None:
    await setup_checkin(salon_bot)
    await join(salon_bot, "bob", "America/Los_Angeles")  # UTC-8
    await join(salon_bot, "carol", "Asia/Tokyo")  # UTC+9
    await salon_bot.advance(to=utc(2026, 1, 5, 16, 59))
    assert dm_texts(salon_bot, "bob") == []
    await salon_bot.advance(to=utc(2026, 1, 5, 17, 0))  # 09:00 Monday in Los Angeles
    assert len(questions_to(salon_bot, "bob")) == 1
    assert "Check-in time for #general on Memory (Mon 05 Jan)" in dm_texts(salon_bot, "bob")[0]
    assert "(1/3) What did you write since the last check-in?" in dm_texts(salon_bot, "bob")[0]
    assert dm_texts(salon_bot, "carol") == []  # Tokyo's Monday 9:00 had passed when she joined
    await salon_bot.advance(to=utc(2026, 1, 7, 23, 59))
    assert dm_texts(salon_bot, "carol") == []
    await salon_bot.advance(to=utc(2026, 1, 8, 0, 0))  # 09:00 Thursday in Tokyo
    assert len(questions_to(salon_bot, "carol")) == 1
    assert "(Thu 08 Jan)" in dm_texts(salon_bot, "carol")[0]
    assert len(questions_to(salon_bot, "bob")) == 1  # bob's Thursday is still ahead


async def test_nine_stays_nine_across_the_end_of_summer_time_in_berlin(
    salon_bot: SalonHarness,
) -> None:
    salon_bot.clock.set(utc(2026, 10, 18, 12, 0))
    await setup_checkin(salon_bot, "mon 09:00")
    await join(salon_bot, "dora", "Europe/Berlin")
    await salon_bot.advance(to=utc(2026, 10, 19, 7, 0))  # 09:00 CEST
    assert len(questions_to(salon_bot, "dora")) == 1
    await salon_bot.advance(to=utc(2026, 10, 26, 7, 0))  # 08:00 CET: not yet
    assert len(questions_to(salon_bot, "dora")) == 1
    await salon_bot.advance(to=utc(2026, 10, 26, 8, 0))  # 09:00 CET
    assert len(questions_to(salon_bot, "dora")) == 2
    assert "(Mon 26 Oct)" in questions_to(salon_bot, "dora")[1]


async def test_moving_time_zone_moves_the_question(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot)
    await join(salon_bot, "bob")  # UTC, the community's zone
    await salon_bot.send("!tz Asia/Tokyo", as_="bob")
    await salon_bot.advance(to=utc(2026, 1, 8, 0, 0))  # Thursday 09:00 in Tokyo
    assert len(questions_to(salon_bot, "bob")) == 1
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))  # 09:00 UTC: nothing more
    assert len(questions_to(salon_bot, "bob")) == 1


async def test_answers_survive_restarts_and_the_checkin_fires_once(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send("!goal 500 words daily", as_="bob")
    await setup_checkin(salon_bot)
    await join(salon_bot, "bob", "America/Los_Angeles")
    await salon_bot.advance(to=utc(2026, 1, 5, 17, 0))
    await salon_bot.advance(timedelta(minutes=1))  # the same run is not repeated
    await salon_bot.restart()
    await salon_bot.advance(timedelta(minutes=1))
    assert len(questions_to(salon_bot, "bob")) == 1
    replies = await salon_bot.send("Two scenes of chapter 4", as_="bob", dm=True)
    assert "(2/3) What's next?" in last(replies)
    await salon_bot.restart()
    replies = await salon_bot.send("The confrontation", as_="bob", dm=True)
    assert "(3/3) Anything blocking you?" in last(replies)
    await salon_bot.restart()
    await salon_bot.send("!wc 600", as_="bob", dm=True)
    replies = await salon_bot.send("Nothing, for once", as_="bob", dm=True)
    assert "Thanks — you're checked in for #general on Memory" in last(replies)
    assert "Goal 500 words a day: 600 today (120%) — reached!" in last(replies)
    replies = await salon_bot.send("And another thing", as_="bob", dm=True)
    assert "I don't know the command" in last(replies)  # the conversation is over
    await salon_bot.restart()
    await salon_bot.advance(to=utc(2026, 1, 5, 18, 0))
    assert len([t for t in dm_texts(salon_bot, "bob") if "Check-in time" in t]) == 1


async def test_redelivered_answer_is_applied_once(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot)
    await join(salon_bot, "bob")
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    await salon_bot.send("Chapter 2", as_="bob", dm=True, event_id="evt-1")
    await salon_bot.restart()  # forgets the in-memory duplicate check; the ledger remembers
    replies = await salon_bot.send("Chapter 2", as_="bob", dm=True, event_id="evt-1")
    assert replies == []
    replies = await salon_bot.send("Chapter 3", as_="bob", dm=True)
    assert "3/3" in last(replies)


async def test_digest_posts_answers_skips_and_who_is_still_to_answer(
    salon_bot: SalonHarness,
) -> None:
    await setup_checkin(salon_bot)
    for name in ("alice", "bob", "carol"):
        await join(salon_bot, name)
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    for answer in ("Wrote the opening", "Outline act two", "Nope"):
        await salon_bot.send(answer, as_="alice", dm=True)
    replies = await salon_bot.send("!skip", as_="bob", dm=True)
    assert "Skipped this check-in" in last(replies)
    delivered = await salon_bot.advance(to=utc(2026, 1, 8, 17, 0))
    posted = [d for d in delivered if d.space == SpaceRef("memory", "general")]
    assert len(posted) == 1
    digest = plain(posted)
    assert "Check-in digest for #general on Memory — 1 checked in." in digest
    assert "@alice" in digest and "Wrote the opening" in digest and "Outline act two" in digest
    rendered = render_plain(posted[0].outbound.body)
    assert "\n> Wrote the opening\n" in rendered  # each answer quoted on a line of its own
    assert "Skipping this time: bob." in digest
    assert "Not yet answered: carol." in digest
    # carol answers late; her answers appear in the next digest
    for answer in ("A poem", "Another", "Time"):
        await salon_bot.send(answer, as_="carol", dm=True)
    delivered = await salon_bot.advance(to=utc(2026, 1, 12, 17, 0))
    digest = plain([d for d in delivered if d.space == SpaceRef("memory", "general")])
    assert "@carol" in digest and "A poem" in digest
    assert "Wrote the opening" not in digest


async def test_one_gentle_reminder_for_a_missed_checkin(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot, "thu 09:00")
    await join(salon_bot, "bob")
    await join(salon_bot, "carol")
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    await salon_bot.send("Did some", as_="carol", dm=True)  # started: still reminded
    await salon_bot.send("!skip", as_="alice", dm=True)  # not in it: no effect on others
    await salon_bot.advance(to=utc(2026, 1, 8, 13, 0))  # reminder_hours = 4
    assert "A gentle nudge" in dm_texts(salon_bot, "bob")[-1]
    assert "1/3" in dm_texts(salon_bot, "bob")[-1]
    assert "2/3" in dm_texts(salon_bot, "carol")[-1]
    await salon_bot.advance(to=utc(2026, 1, 8, 20, 0))
    await salon_bot.restart()
    await salon_bot.advance(to=utc(2026, 1, 9, 9, 0))
    assert sum("gentle nudge" in t for t in dm_texts(salon_bot, "bob")) == 1


async def test_skip_next_and_away(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot, "thu 09:00")
    await join(salon_bot, "bob")
    await join(salon_bot, "carol")
    replies = await salon_bot.send("!skip", as_="bob")
    assert "skip your next check-in" in last(replies)
    replies = await salon_bot.send("!away until 2026-01-20", as_="carol")
    assert "until Tue 20 Jan 2026" in last(replies)
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    assert dm_texts(salon_bot, "bob") == [] and dm_texts(salon_bot, "carol") == []
    await salon_bot.advance(to=utc(2026, 1, 15, 9, 0))
    assert len(questions_to(salon_bot, "bob")) == 1  # skipped only one
    assert dm_texts(salon_bot, "carol") == []  # still away
    await salon_bot.send("!back", as_="carol")
    await salon_bot.advance(to=utc(2026, 1, 22, 9, 0))
    assert len(questions_to(salon_bot, "carol")) == 1


async def test_unanswered_round_closes_when_the_next_starts(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot, "mon,thu 09:00")
    await join(salon_bot, "bob")
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    await salon_bot.send("Half an answer", as_="bob", dm=True)
    await salon_bot.advance(to=utc(2026, 1, 12, 9, 0))
    replies = await salon_bot.send("New round answer", as_="bob", dm=True)
    assert "2/3" in last(replies)
    replies = await salon_bot.send("!my data", as_="bob", dm=True)
    assert "2026-01-08: missed" in last(replies)
    assert "2026-01-12: asking" in last(replies)


async def test_custom_questions_leave_and_delete(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot, "thu 09:00")
    replies = await salon_bot.send("!checkin questions Words today? | Mood?", as_="olive")
    assert "1. Words today?" in last(replies) and "2. Mood?" in last(replies)
    await join(salon_bot, "bob")
    await join(salon_bot, "carol")
    replies = await salon_bot.send("!checkin leave", as_="carol", dm=True)
    assert "left the check-in" in last(replies)
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    assert "(1/2) Words today?" in dm_texts(salon_bot, "bob")[0]
    assert dm_texts(salon_bot, "carol") == []
    replies = await salon_bot.send("!checkin", as_="bob")
    assert "next question Mon 12 Jan" not in last(replies)
    assert "next question Thu 15 Jan 09:00 (UTC)" in last(replies)
    replies = await salon_bot.send("!checkin delete", as_="olive")
    assert "deleted" in last(replies)
    snap = await snapshot(salon_bot)
    assert not [key for key, _ in snap["jobs"] if key.startswith("checkins:ask")]
    await salon_bot.advance(to=utc(2026, 1, 15, 9, 0))
    assert len(questions_to(salon_bot, "bob")) == 1


@pytest.mark.parametrize("as_", ["bob"])
async def test_join_twice_is_refused(salon_bot: SalonHarness, as_: str) -> None:
    await setup_checkin(salon_bot)
    await join(salon_bot, as_)
    before = await snapshot(salon_bot)
    replies = await salon_bot.send("!checkin join", as_=as_)
    assert "already in" in last(replies)
    assert await snapshot(salon_bot) == before


async def test_while_a_question_is_open_plain_text_is_the_answer(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot)
    await join(salon_bot, "bob")
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    # "stats" and "goal" are commands, but here they start answers
    replies = await salon_bot.send("Stats homework, then chapter 5", as_="bob", dm=True)
    assert "(2/3) What's next?" in last(replies)
    await salon_bot.restart()  # the open dialog is in the database
    replies = await salon_bot.send("goal: finish the draft", as_="bob", dm=True)
    assert "(3/3) Anything blocking you?" in last(replies)
    replies = await salon_bot.send("!wc 300", as_="bob", dm=True)  # with the prefix: a command
    assert "Logged 300 words" in last(replies)
    replies = await salon_bot.send("help", as_="bob", dm=True)  # control words stay commands
    assert "Commands (start them with" in last(replies)
    replies = await salon_bot.send("Nothing", as_="bob", dm=True)
    assert "Thanks — you're checked in" in last(replies)
    bob = await salon_bot.bot.people.of(salon_bot.member("bob").ref)
    assert bob is not None and bob.id not in salon_bot.bot.dialogs.open


async def test_skip_mid_way_closes_the_round_and_a_reminder_repeats_the_open_question(
    salon_bot: SalonHarness,
) -> None:
    await setup_checkin(salon_bot)
    for name in ("bob", "carol"):
        await join(salon_bot, name)
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    await salon_bot.send("Chapter 2", as_="bob", dm=True)
    replies = await salon_bot.send("skip", as_="bob", dm=True)  # plain: no prefix needed
    assert last(replies) == "Skipped this check-in. See you next time!"
    replies = await salon_bot.send("Chapter 3", as_="bob", dm=True)
    assert "I don't know the command" in last(replies)  # no longer asked

    await salon_bot.send("A sonnet", as_="carol", dm=True)
    delivered = await salon_bot.advance(timedelta(hours=12))  # the reminder
    nudges = [d.text for d in delivered if "gentle nudge" in d.text]
    assert len(nudges) == 1 and "(2/3) What's next?" in nudges[0]  # carol's open question
