"""The homeserver unreachable when salon starts: retried with backoff, said once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from log_lines import LogLines
from servers.proxy import LateProxy
from signals import run_until_interrupted

from salon.core.config import config_from_mapping
from salon.core.runtime import run


@pytest.mark.parametrize("down", ["refused", "bad gateway"])
async def test_start_waits_for_the_homeserver_and_says_so_once(world: Any, down: str) -> None:
    synapse = httpx.URL(world.synapse.url)
    proxy = LateProxy("127.0.0.1", synapse.port or 80)
    alice = await world.human("alice")
    if down == "bad gateway":
        await proxy.open(bad_gateway=True)  # a reverse proxy in front of a stopped Synapse
    async with LogLines("salon") as lines:
        starting = asyncio.ensure_future(world.start_bot(homeserver=proxy.url))
        await lines.wait_for(lambda line: "not reachable" in line)
        assert not starting.done()
        await proxy.open()  # the homeserver is back
        try:
            bot = await asyncio.wait_for(starting, 30)
            room = await alice.room_with(world.bot_user.user_id)
            reply = await alice.reply_to(room, "!ping", world.bot_user.user_id)
            await world.stop_bot(bot)
        finally:
            await proxy.close()
    assert reply["content"]["body"] == "pong"
    unreachable = [line for line in lines.lines() if "not reachable" in line]
    assert len(unreachable) == 1 and "Matrix homeserver at http://127.0.0.1" in unreachable[0]
    assert not any(r.exc_info for r in lines.records)


async def test_salon_run_keeps_trying_and_stops_cleanly(world: Any, tmp_path: Any) -> None:
    proxy = LateProxy("127.0.0.1", 9)  # never opened: the homeserver stays down
    config = config_from_mapping(
        {
            "database": {"url": f"sqlite:///{tmp_path / 'run.db'}"},
            "adapters": {"matrix": {"homeserver": proxy.url}},
        }
    )
    env = {"SALON_MATRIX_ACCESS_TOKEN": world.bot_user.access_token}
    async with LogLines("salon") as lines:
        running = asyncio.ensure_future(run(config, env))
        await lines.wait_for(lambda line: "not reachable" in line)
        await run_until_interrupted(running, keep_trying=3.5)
    assert len([line for line in lines.lines() if "not reachable" in line]) == 1
    assert not any(r.exc_info for r in lines.records)
