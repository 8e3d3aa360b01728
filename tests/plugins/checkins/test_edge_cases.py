"""Edge cases found by playing member and organiser: limits, units, deadlines, help phrasing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugins.checkins.helpers import last, plain, snapshot
from salon.core import Capabilities
from salon.core.testing import SalonHarness

PNG = b"\x89PNG\r\n\x1a\n"


async def test_help_names_my_data_and_forget_me_as_members_type_them(
    salon_bot: SalonHarness,
) -> None:
    listing = last(await salon_bot.send("!help"))
    assert "my data — Everything salon keeps about you" in listing
    assert "forget me — Delete everything salon keeps about you" in listing
    assert "\nmy — " not in listing and "\nforget — " not in listing
    details = last(await salon_bot.send("!help my data"))
    assert details.startswith("!my data\nEverything salon keeps")
    assert "what —" not in details  # the fixed word is not an argument to explain
    assert last(await salon_bot.send("!help !forget")).startswith("!forget me\n")
    assert last(await salon_bot.send("!help tz")).startswith("!tz [zone]\n")


async def test_my_and_forget_alone_do_what_they_say(salon_bot: SalonHarness) -> None:
    """A command menu (Telegram's) sends /my and /forget without the second word."""
    await salon_bot.send("!wc 321")
    assert "321 words" in last(await salon_bot.send("!my", dm=True))
    replies = await salon_bot.send("!forget", dm=True)
    yes, _no = replies[-1].outbound.buttons
    assert yes.label == "Yes, forget me"
    assert "Please give" not in plain(replies)


async def test_adding_cannot_push_a_day_past_the_limit(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!goal 500 words daily")
    replies = await salon_bot.send("!wc +9999999")
    assert "9,999,999 today (over 999%) — reached!" in last(replies)
    before = await snapshot(salon_bot)
    replies = await salon_bot.send("!wc +9999999")
    assert "more than I can count (at most 10,000,000)" in last(replies)
    assert await snapshot(salon_bot) == before
    replies = await salon_bot.send("!wc 99999999999")
    assert "more than I can count" in last(replies)
    replies = await salon_bot.send("!wc 9999999999999999999999")  # past what INT reads
    assert "more than I can count" in last(replies)
    replies = await salon_bot.send("!wc")
    assert "Please give entry (a number, +number or total number)." in replies[0].text
    replies = await salon_bot.send("!wc 100 " + "x" * 501, dm=True)
    assert "a note can be at most 500 (a few words about the day). Nothing was logged." in last(
        replies
    )
    assert await snapshot(salon_bot) == before
    replies = await salon_bot.send("!wc -99999999999")
    assert "I can take away at most 10,000,000 at once" in last(replies)
    assert await snapshot(salon_bot) == before


async def test_a_goal_in_another_unit_does_not_mix_units(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!wc 300", as_="bob")  # bob logs words all along
    await salon_bot.send("!wc 300")
    await salon_bot.send("!goal 10 pages daily")
    before = await snapshot(salon_bot)
    for text in ("!wc +2", "!wc total 5"):
        replies = await salon_bot.send(text)
        assert "Today's count is 300 words, but your goal counts pages" in last(replies)
    assert await snapshot(salon_bot) == before
    replies = await salon_bot.send("!wc 2")
    assert "Logged 2 pages for today, Mon 05 Jan (was 300 words)." in last(replies)
    salon_bot.adapter.capabilities = Capabilities(images=False)  # type: ignore[misc]
    text = last(await salon_bot.send("!stats"))
    assert "Last 30 days: 2 pages on 1 day." in text
    assert "The group this week: 2 pages from 1 writer (all time: 2)." in text
    await salon_bot.send("!goal end")
    text = last(await salon_bot.send("!stats"))  # no goal: the unit logged last
    assert "Last 30 days: 2 pages on 1 day." in text
    text = last(await salon_bot.send("!stats", as_="bob"))
    assert "Last 30 days: 300 words on 1 day." in text
    assert "The group this week: 300 words from 1 writer" in text


async def test_a_note_may_start_on_the_next_line(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!wc 300\nfinished chapter 3 ✍️ *really*")
    assert "Logged 300 words" in last(replies)
    data = last(await salon_bot.send("!my data", dm=True))
    assert "300 words — finished chapter 3 ✍️ *really*" in data


async def test_total_goal_due_today_and_after_its_deadline(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!goal 500 words by 2026-01-05")  # today: included
    assert "Goal set: 500 words by Mon 05 Jan 2026." in last(replies)
    assert "500 to go today." in last(replies)
    await salon_bot.send("!goal 1000 words by 2026-01-07")
    await salon_bot.send("!wc 100")
    salon_bot.clock.advance(timedelta(days=5))
    replies = await salon_bot.send("!goal")
    assert "100 so far (10%); the deadline has passed." in last(replies)
    assert "a day" not in last(replies)
    replies = await salon_bot.send("!wc 1000")
    assert "1,100 so far (110%) — reached! 🎉" in last(replies)
    assert "🎉." not in last(replies)


async def test_stats_chart_with_markup_in_the_members_name(salon_bot: SalonHarness) -> None:
    """Matplotlib reads "$…$" in a title as mathtext; a name must not break the chart."""
    name = "$\\frac{$"
    await salon_bot.send("!wc 500", as_=name)
    replies = await salon_bot.send("!stats", as_=name)
    image = replies[-1].outbound.image
    assert image is not None and image.data.startswith(PNG)
    assert "Something went wrong" not in plain(replies)


async def test_my_data_is_grammatical_and_lists_past_pairings(salon_bot: SalonHarness) -> None:
    text = last(await salon_bot.send("!my data", dm=True))
    assert "Goals:\nnone\nProgress:\nnone" in text and "Check-ins:\nnone" in text
    await salon_bot.send("!wc 100")
    for name in ("alice", "bob"):
        await salon_bot.send("!buddy join", as_=name)
    await salon_bot.send("!buddy pair", as_="olive")
    await salon_bot.send("!buddy leave", as_="bob")
    text = last(await salon_bot.send("!my data", dm=True))
    assert "Streak: 1 day, best 1 day" in text
    assert "signed up 2026-01-05" in text
    assert "- with a buddy who has since left (paired 2026-01-05, ended 2026-01-05)" in text
    await salon_bot.send("!buddy join", as_="bob")
    await salon_bot.send("!buddy pair", as_="olive")
    text = last(await salon_bot.send("!my data", dm=True))
    assert "- with bob (paired 2026-01-05, current)" in text


@pytest.mark.parametrize(
    "text", ["!wc\t500", "!wc\u00a0500", "!\u200bwc 500", "\ufeff!wc 500", "!ｗｃ 500"]
)
async def test_a_phone_keyboards_whitespace_still_logs_the_words(
    salon_bot: SalonHarness, text: str
) -> None:
    assert "Logged 500 words" in last(await salon_bot.send(text))
