"""The daily-prompt plugin, tested with salon's harness beside the check-ins and prompts plugins."""

from datetime import UTC, datetime

import pytest
import salon_daily_prompt

from salon.core.testing import SalonHarness


@pytest.fixture
def salon_plugins() -> list:
    # Installed, "daily_prompt" (its entry point) would do; salon's CI runs it from the tree.
    # Beside the built-in prompts plugin too: a command name both claim would stop startup.
    return ["checkins", "prompts", ("daily_prompt", salon_daily_prompt)]


async def test_the_prompt_of_the_day(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!today")
    assert salon_bot.texts(replies) == ["Today's prompt: A letter never sent."]


async def test_an_organiser_schedules_a_daily_prompt_in_the_space(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!tz Europe/Berlin", as_="olive")
    replies = await salon_bot.send("!today schedule 09:00", as_="olive")
    assert salon_bot.texts(replies) == [
        "A prompt will appear here every day at 09:00 (Europe/Berlin)."
    ]
    await salon_bot.restart()
    posted = await salon_bot.advance(to=datetime(2026, 1, 6, 8, 0, tzinfo=UTC))  # 09:00 Berlin
    assert salon_bot.texts(posted) == ["Today's prompt: Rain, at night."]
    assert posted[0].space == salon_bot.space("general").ref


async def test_members_cannot_schedule_and_bad_times_are_explained(
    salon_bot: SalonHarness,
) -> None:
    replies = salon_bot.texts(await salon_bot.send("!today schedule 09:00"))
    assert replies == ["Only organisers can use `!today schedule`."]
    replies = salon_bot.texts(await salon_bot.send("!today schedule noon", as_="olive"))
    assert replies[0] == "at: 'noon' is not a time of day; write it like 09:00 or 17:30."
    assert replies[1] == "Usage: `!today schedule <at>`"


async def test_a_badge_in_a_dm_when_a_goal_is_reached(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!goal 500 words daily", as_="bob")
    await salon_bot.send("!wc 650", as_="bob")
    assert salon_bot.texts(salon_bot.sent_to("bob")) == ["Badge earned: you reached 500 words!"]
