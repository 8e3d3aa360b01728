"""The critique exchange on Slack, through the real SDKs and the emulator: submitting a piece
opens the dialog's form as a modal, the cost comes with Slack buttons, and confirming queues
the piece (no platform code in the plugin: the adapter renders its Form and Buttons)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
from emulators.slack import SlackEmulator

from salon.core import Bot
from salon.core.config import config_from_mapping
from salon.core.plugins import create_plugin_manager
from salon.core.runtime import build_adapters

from .conftest import dm_event, slack_config, slack_env

PIECE = "\n\n".join(" ".join(f"w{p}x{i}" for i in range(80)) for p in range(5))


@pytest_asyncio.fixture
async def critique_bot(slack: SlackEmulator, tmp_path: Path) -> AsyncIterator[Bot]:
    raw: dict[str, Any] = slack_config(tmp_path, slack)
    raw["plugins"] = {"critique": {"piece_cost": 2}}
    config = config_from_mapping(raw, source="test")
    pm = create_plugin_manager(config.disabled_plugins, load_entrypoints=["critique"])
    env = slack_env(slack)
    bot = Bot(config, pm=pm, env=env)
    for adapter in build_adapters(bot, env):
        bot.add_adapter(adapter)
    await bot.start(run_scheduler=False)
    try:
        yield bot
    finally:
        await bot.stop()


def text_of(post: dict[str, Any]) -> str:
    return str(post["args"].get("text", ""))


def button(post: dict[str, Any], label: str) -> dict[str, Any]:
    return next(
        b
        for block in post["args"]["blocks"]
        if block["type"] == "actions"
        for b in block["elements"]
        if b["text"]["text"] == label
    )


async def test_submitting_a_piece_on_slack_is_a_modal(
    slack: SlackEmulator, critique_bot: Bot
) -> None:
    dm = slack.workspace.open_dm("U0ALICE").id
    await slack.send_event(dm_event(slack, "critique submit"))
    offer = await slack.wait_for_post(lambda p: "What is the piece called" in text_of(p))
    envelope = await slack.send_block_action(
        button(offer, "Answer all at once")["action_id"],
        channel_id=dm,
        message=offer["response"]["message"],
    )
    await slack.wait_for_ack(envelope["envelope_id"])
    opened = await slack.wait_for_post(lambda p: p["method"] == "views.open")
    view = opened["response"]["view"]
    assert view["type"] == "modal"
    ids = [b["block_id"] for b in view["blocks"]]
    assert len(ids) == 5  # title, genre, notes, questions and the text
    values = dict.fromkeys(ids, "")
    values[ids[0]] = "The Lighthouse"
    values[ids[4]] = PIECE
    envelope = await slack.send_view_submission(view, values)
    cost = await slack.wait_for_post(lambda p: "Submitting it costs" in text_of(p))
    assert "400 words in 5 paragraphs" in text_of(cost)
    confirm = button(cost, "Submit for 2 credits")
    envelope = await slack.send_block_action(
        confirm["action_id"],
        value=confirm["value"],
        channel_id=dm,
        message=cost["response"]["message"],
    )
    await slack.wait_for_ack(envelope["envelope_id"])
    queued = await slack.wait_for_post(lambda p: "is in the queue" in text_of(p))
    assert "Place 1 of 1 in the newcomers' lane" in text_of(queued)
