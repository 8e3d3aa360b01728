"""A writing prompt on real Slack SDKs: a member's reply in the prompt's thread counts as
their response, and a response sent in a DM is posted in that thread."""

from __future__ import annotations

from emulators.slack import SlackEmulator

from salon.core import SpaceRef
from salon.core.storage import sa
from salon.plugins.prompts import tables
from salon.plugins.prompts.posting import post_prompt

from .conftest import StartBot, channel_event, dm_event

PIECE = "The tide went out further than anyone in the village had ever seen it go. " * 2


async def responses(bot: object) -> list[tuple[int, str]]:
    async with bot.read() as db:  # type: ignore[attr-defined]
        query = sa.select(tables.responses.c.posting_id, tables.responses.c.via)
        return [tuple(row) for row in await db.execute(query)]  # type: ignore[misc]


async def test_a_thread_reply_and_a_dm_response(slack: SlackEmulator, start_bot: StartBot) -> None:
    bot = await start_bot()
    async with bot.transaction() as tx:
        await post_prompt(bot, tx.db, tx, [SpaceRef("slack", "C0GENERAL")])
    prompt = await slack.wait_for_post(lambda p: "Writing prompt #1" in p["args"]["text"])
    ts = prompt["response"]["ts"]
    assert await bot.tasks.settle(5.0)  # the message id is stored once Slack has answered
    async with bot.read() as db:
        assert (await db.execute(sa.select(tables.postings.c.message_id))).scalar() == ts

    await slack.send_event({**channel_event(PIECE), "thread_ts": ts})
    await slack.send_event(dm_event(slack, f"respond #1 {PIECE}", user="U0BOB"))
    under = await slack.wait_for_post(lambda p: "responded to prompt #1" in p["args"]["text"])
    assert under["args"]["channel"] == "C0GENERAL" and under["args"]["thread_ts"] == ts
    await slack.send_event(dm_event(slack, "ping", user="U0BOB"))
    await slack.wait_for_post(lambda p: p["args"]["text"] == "pong")
    assert await bot.tasks.settle(5.0)
    assert sorted(await responses(bot)) == [(1, "respond"), (1, "thread")]
