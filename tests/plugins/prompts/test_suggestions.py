"""Member suggestions: organisers are told with buttons, one press decides (once), and an
approved suggestion is the next prompt posted; organisers' own prompts come first too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from plugins.prompts.helpers import plain, prompts_posted, rows, snapshot
from salon.core.clock import ManualClock
from salon.core.testing import SalonHarness, default_config
from salon.plugins.prompts import tables


async def suggest(salon_bot: SalonHarness) -> list:
    await salon_bot.send("!ping", as_="olive")  # the organiser has written to the bot
    replies = await salon_bot.send(
        "!prompt suggest memoir: The first meal you cooked alone, and who ate it.", as_="carol"
    )
    assert "I've sent your prompt to the organisers" in plain(replies)
    notices = [d for d in salon_bot.sent_to("olive") if d.outbound.buttons]
    assert len(notices) == 1
    assert "Prompt suggestion #1 from carol (tags: memoir)" in notices[0].outbound.body.plain()
    return notices


async def test_an_approved_suggestion_is_the_next_prompt(salon_bot: SalonHarness) -> None:
    salon_bot.clock.set(datetime(2026, 5, 1, 6, 0, tzinfo=UTC))
    await salon_bot.send("!prompts schedule daily 09:00", as_="olive")
    notices = await suggest(salon_bot)
    approve = next(b for b in notices[0].outbound.buttons if b.label == "Approve")
    replies = await salon_bot.press(approve, as_="olive", dm=True, message_id=notices[0].message_id)
    assert "Suggestion #1 approved." in plain(replies)
    assert any(
        "Approved by olive" in d.outbound.body.plain() for d in replies if d.outbound.edit_of
    )
    assert "Your prompt suggestion was approved" in plain(salon_bot.sent_to("carol"))
    # a second press (or a redelivered one) changes nothing
    before = await snapshot(salon_bot)
    replies = await salon_bot.press(approve, as_="olive", dm=True)
    assert "Suggestion #1 was already approved by olive." in plain(replies)
    assert await snapshot(salon_bot) == before
    posted = prompts_posted(await salon_bot.advance(to=datetime(2026, 5, 1, 7, 0, tzinfo=UTC)))
    assert len(posted) == 1
    assert "The first meal you cooked alone, and who ate it." in posted[0].outbound.body.plain()
    assert "memoir" in posted[0].outbound.body.plain().splitlines()[0]
    # used once: the next day is another prompt
    posted = prompts_posted(await salon_bot.advance(timedelta(days=1)))
    assert "The first meal you cooked alone" not in posted[0].outbound.body.plain()


async def test_a_rejected_suggestion_is_never_used(salon_bot: SalonHarness) -> None:
    notices = await suggest(salon_bot)
    reject = next(b for b in notices[0].outbound.buttons if b.label == "Reject")
    await salon_bot.press(reject, as_="olive", dm=True, message_id=notices[0].message_id)
    assert "decided not to use this prompt suggestion" in plain(salon_bot.sent_to("carol"))
    (row,) = await rows(salon_bot, tables.suggestions)
    assert row.status == "rejected"
    replies = await salon_bot.send("!prompts suggestions", as_="olive")
    assert "No suggestions are waiting." in plain(replies)
    for _ in range(3):
        replies = await salon_bot.send("!prompts now", as_="olive")
        assert "The first meal you cooked alone" not in plain(replies)


async def test_only_organisers_decide(salon_bot: SalonHarness) -> None:
    notices = await suggest(salon_bot)
    before = await snapshot(salon_bot)
    replies = await salon_bot.press(notices[0].outbound.buttons[0], as_="carol", forged=True)
    assert "Only organisers can approve or reject suggestions." in plain(replies)
    assert await snapshot(salon_bot) == before


async def test_pending_suggestions_list_with_buttons(salon_bot: SalonHarness) -> None:
    await suggest(salon_bot)
    replies = await salon_bot.send("!prompts suggestions", as_="olive")
    assert [b.label for b in replies[0].outbound.buttons] == ["Approve", "Reject"]


async def test_organisers_prompts_come_before_the_built_in_list(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send(
        "!prompts add dialogue,setting: Two strangers stuck in a lift argue about jam.",
        as_="olive",
    )
    assert "Added prompt organiser:1 (tags: dialogue, setting)" in plain(replies)
    replies = await salon_bot.send("!prompts now dialogue", as_="olive")
    assert "Two strangers stuck in a lift argue about jam." in plain(replies)
    replies = await salon_bot.send("!prompt setting", as_="alice")
    assert "Two strangers stuck in a lift argue about jam." in plain(replies)
    replies = await salon_bot.send("!prompts sources", as_="olive")
    assert "organiser (1 prompts, priority 10)" in plain(replies)


async def test_suggestions_can_be_switched_off(salon_bot: SalonHarness) -> None:
    await salon_bot.stop()
    salon_bot.raw_config = {
        **salon_bot.raw_config,
        "plugins": {"prompts": {"allow_suggestions": False}},
    }
    salon_bot.bot, salon_bot.adapters = salon_bot._build()
    await salon_bot.start()
    replies = await salon_bot.send("!prompt suggest A poem about the last tram home.", as_="carol")
    assert "Suggestions are switched off here" in plain(replies)


async def test_without_named_organisers_suggestions_wait_in_the_list(tmp_path: Any) -> None:
    config = default_config(tmp_path / "salon.db")
    config["community"]["organisers"] = []
    harness = SalonHarness(config, ManualClock(), ["prompts"])
    await harness.start()
    try:
        replies = await harness.send("!prompt suggest A poem about the last tram.", as_="carol")
        assert "the organisers see it with prompts suggestions" in plain(replies)
    finally:
        await harness.stop()


async def test_removing_one_of_the_groups_prompts(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!prompts add A poem for the tea urn, in three stanzas.", as_="olive")
    replies = await salon_bot.send("!prompts own", as_="olive")
    assert "organiser:1: A poem for the tea urn, in three stanzas." in plain(replies)
    before = await snapshot(salon_bot)
    for bad in ("builtin:3", "organiser:9", "nonsense"):
        replies = await salon_bot.send(f"!prompts remove {bad}", as_="olive")
        assert "prompts own lists them" in plain(replies)
        assert await snapshot(salon_bot) == before
    replies = await salon_bot.send("!prompts remove organiser:1", as_="olive")
    assert "Removed prompt organiser:1" in plain(replies)
    replies = await salon_bot.send("!prompts now", as_="olive")
    assert "tea urn" not in plain(replies)
