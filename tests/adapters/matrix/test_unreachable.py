"""The homeserver unreachable when salon starts: retried with backoff, said once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from log_lines import LogLines
from servers.proxy import LateProxy


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
