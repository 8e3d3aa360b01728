"""Slack unreachable when salon starts: retried with backoff, said once, no traceback."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from emulators.slack import SlackEmulator
from log_lines import LogLines
from servers.proxy import LateProxy
from signals import run_until_interrupted

from salon.core.config import config_from_mapping
from salon.core.runtime import run

from .conftest import StartBot, dm_event, slack_config, slack_env


@pytest.mark.parametrize(
    ("mode", "down"), [("socket", "refused"), ("http", "refused"), ("socket", "bad gateway")]
)
async def test_start_waits_for_slack_and_says_so_once(
    slack: SlackEmulator, start_bot: StartBot, mode: str, down: str
) -> None:
    emulator = httpx.URL(slack.api_url)
    proxy = LateProxy("127.0.0.1", emulator.port or 80)
    if down == "bad gateway":
        await proxy.open(bad_gateway=True)  # Slack's edge answering 502
    async with LogLines("salon") as lines:
        starting = asyncio.ensure_future(start_bot(mode=mode, api_url=f"{proxy.url}/api/"))
        await lines.wait_for(lambda line: "not reachable" in line)
        assert not starting.done()
        await proxy.open()  # Slack is back
        try:
            bot = await asyncio.wait_for(starting, 30)
            assert bot.adapters["slack"].bot_user_id == "U0BOT"
            if mode == "socket":
                await slack.send_event(dm_event(slack, "ping"))
                post = await slack.wait_for_post(lambda p: p["args"].get("text") == "pong")
                assert post["args"]["text"] == "pong"
        finally:
            await proxy.close()
    unreachable = [line for line in lines.lines() if "not reachable" in line]
    assert len(unreachable) == 1 and "Slack at http://127.0.0.1" in unreachable[0]
    assert not any(r.exc_info for r in lines.records)


async def test_salon_run_keeps_trying_and_stops_cleanly(
    slack: SlackEmulator, tmp_path: Any
) -> None:
    proxy = LateProxy("127.0.0.1", 9)  # never opened: Slack stays down
    settings = slack_config(tmp_path, slack, api_url=f"{proxy.url}/api/")
    config = config_from_mapping(settings)
    async with LogLines("salon") as lines:
        running = asyncio.ensure_future(run(config, slack_env(slack)))
        await lines.wait_for(lambda line: "not reachable" in line)
        await run_until_interrupted(running, keep_trying=3.5)
    assert len([line for line in lines.lines() if "not reachable" in line]) == 1
    assert not any(r.exc_info for r in lines.records)
