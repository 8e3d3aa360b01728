"""Responses: a reply in the prompt's thread or respond (in a DM: posted under the prompt,
optionally anonymously); counted once, even when the platform delivers the message twice."""

from __future__ import annotations

from typing import Any

import pytest
from hostile_markup import BROADCAST

from plugins.prompts.helpers import Recorder, plain, prompts_posted, rows, snapshot
from salon.core import SpaceRef
from salon.core.testing import PluginSpec, SalonHarness
from salon.plugins.prompts import tables

RECORDER = Recorder()
GENERAL = SpaceRef("memory", "general")
PIECE = "The keeper climbed the stairs at dusk and found the lamp already lit, " * 2


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    RECORDER.posted.clear()
    RECORDER.responded.clear()
    return ["prompts", ("recorder", RECORDER)]


async def post(salon_bot: SalonHarness) -> Any:
    (posted,) = prompts_posted(await salon_bot.send("!prompts now", as_="olive"))
    return posted


async def test_a_thread_reply_counts_once_even_when_redelivered(salon_bot: SalonHarness) -> None:
    posted = await post(salon_bot)
    assert [p[1] for p in RECORDER.posted] == [1]
    for _ in range(2):  # the platform delivers the same event twice
        await salon_bot.send(
            PIECE, as_="alice", thread_id=posted.message_id, event_id="evt-alice-1"
        )
    (response,) = await rows(salon_bot, tables.responses)
    assert (response.via, response.words, response.is_anonymous) == ("thread", 26, False)
    assert len(RECORDER.responded) == 1
    hooked, prompt, person = RECORDER.responded[0]
    assert (
        hooked.posting_id == 1
        and hooked.words == 26
        and prompt.text in posted.outbound.body.plain()
    )
    assert person.display_name == "alice"
    # more replies by alice are conversation; a short reply by bob is not a response
    await salon_bot.send(PIECE, as_="alice", thread_id=posted.message_id)
    await salon_bot.send("Love this one!", as_="bob", thread_id=posted.message_id)
    assert len(await rows(salon_bot, tables.responses)) == 1
    # a reply to the prompt (Telegram, Matrix) counts as well
    await salon_bot.send(PIECE, as_="bob", reply_to=posted.message_id)
    assert len(await rows(salon_bot, tables.responses)) == 2
    assert len(RECORDER.responded) == 2


async def test_respond_in_a_dm_posts_under_the_prompt_anonymously(salon_bot: SalonHarness) -> None:
    posted = await post(salon_bot)
    replies = await salon_bot.send(f"respond anonymously {PIECE}", as_="alice", dm=True)
    under = [d for d in replies if d.space == GENERAL]
    assert len(under) == 1 and under[0].outbound.reply_to == posted.message_id
    assert (
        under[0].outbound.body.plain().startswith("Someone (anonymously) responded to prompt #1:")
    )
    assert "alice" not in under[0].outbound.body.plain()
    assert "Posted under prompt #1 in #general on Memory (without your name); 26 words." in plain(
        replies
    )
    response, _, person = RECORDER.responded[0]
    assert response.anonymous and person.display_name == "alice"
    before = await snapshot(salon_bot)
    replies = await salon_bot.send(f"respond #1 {PIECE}", as_="alice", dm=True)
    assert "You already responded to prompt #1" in plain(replies)
    assert await snapshot(salon_bot) == before


async def test_respond_in_the_space_with_a_name(salon_bot: SalonHarness) -> None:
    await post(salon_bot)
    replies = await salon_bot.send("!respond A short piece of three lines", as_="bob")
    assert "Counted: your response to prompt #1, 6 words." in plain(replies)
    replies = await salon_bot.send("respond #1 Another piece entirely", as_="carol", dm=True)
    assert replies[0].outbound.body.plain().startswith("carol responded to prompt #1:")
    assert len(RECORDER.responded) == 2


async def test_a_posted_response_escapes_what_the_member_wrote(salon_bot: SalonHarness) -> None:
    await post(salon_bot)
    replies = await salon_bot.send("respond @everyone *bold* <b>hi</b>", as_="alice", dm=True)
    under = next(d for d in replies if d.space == GENERAL)
    assert BROADCAST.search(under.text) is None  # rendered: the member's text cannot ping
    assert "*bold* <b>hi</b>" in under.outbound.body.plain()  # kept as text, not markup
