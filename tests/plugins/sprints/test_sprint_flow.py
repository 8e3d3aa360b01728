"""A sprint from start to results, with members on two platforms in one space group."""

from __future__ import annotations

from datetime import timedelta

from salon.core import MemberRef
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.checkins import tables as checkin_tables

from .helpers import containing, in_space, last, mentioned, plain

MINUTE = timedelta(minutes=1)


async def test_members_on_two_platforms_share_one_sprint(salon_bot: SalonHarness) -> None:
    started = await salon_bot.send("!sprint 20", as_="alice", platform="slack")
    assert "Sprint #1: 20 minutes, starting in 1 minute." in last(started)
    # The Telegram space of the group hears about it too.
    assert containing(in_space(started, "telegram"), "Sprint #1")
    joined = await salon_bot.send("!sprint join 1000", as_="bob", platform="telegram")
    assert "You're in sprint #1 from 1,000 words; it starts in 1 minute." in last(joined)
    await salon_bot.send("!sprint time", as_="carol", platform="slack")  # not joining

    start = await salon_bot.advance(MINUTE)
    assert len(start) == 2  # one status message per space
    slack_status = in_space(start, "slack")[0]
    telegram_status = in_space(start, "telegram")[0]
    assert "Sprint #1: write!" in slack_status.outbound.body.plain()
    # Pings only joiners: alice has a Slack account, bob only a Telegram one.
    assert mentioned(slack_status) == {MemberRef("slack", "alice")}
    assert mentioned(telegram_status) == {MemberRef("telegram", "bob")}
    assert (
        "bob" in slack_status.outbound.body.plain()
        and "carol" not in slack_status.outbound.body.plain()
    )

    quarter = await salon_bot.advance(5 * MINUTE)
    assert [d.outbound.edit_of for d in quarter] == [
        slack_status.message_id,
        telegram_status.message_id,
    ]
    assert "▓░░░ 15 minutes left" in quarter[0].outbound.body.plain()

    await salon_bot.advance(5 * MINUTE)
    await salon_bot.advance(5 * MINUTE)
    end = await salon_bot.advance(5 * MINUTE)
    edits = [d for d in end if d.outbound.edit_of]
    assert len(edits) == 2 and "Sprint #1 is over." in edits[0].outbound.body.plain()
    pings = containing(end, "Time's up!")
    assert len(pings) == 2
    assert mentioned(in_space(pings, "slack")[0]) == {MemberRef("slack", "alice")}

    got = await salon_bot.send("!sprint wc 400", as_="alice", platform="slack")
    assert "Got it: 400 words in sprint #1 (20 wpm)" in last(got)
    results = await salon_bot.send("!sprint wc 1,500", as_="bob", platform="telegram")
    assert len(results) == 2  # everyone reported: the results come at once, in both spaces
    text = plain(in_space(results, "slack")[0])
    assert "Results of sprint #1:" in text
    assert "1. bob: 500 words (25 wpm)" in text
    assert "2. alice: 400 words (20 wpm)" in text

    button = in_space(results, "telegram")[0].outbound.buttons[0]
    logged = await salon_bot.press(button, as_="bob", platform="telegram")
    assert "Added 500 words from sprint #1 to your log: 500 words today." in last(logged)
    again = await salon_bot.press(button, as_="bob", platform="telegram", event_id="again")
    assert "already in your log" in last(again)
    async with salon_bot.bot.read() as db:
        rows = (await db.execute(sa.select(checkin_tables.progress))).all()
    assert [row.amount for row in rows] == [500]
