"""Telegram unreachable when salon starts: retried with backoff, said once, no traceback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import pytest
from emulators.telegram import TelegramEmulator
from log_lines import LogLines
from servers.proxy import LateProxy
from signals import run_until_interrupted

from salon.core.config import config_from_mapping
from salon.core.runtime import run


def unreachable_lines(lines: LogLines) -> list[str]:
    return [line for line in lines.lines() if "not reachable" in line]


@pytest.mark.parametrize("down", ["refused", "bad gateway"])
async def test_start_waits_for_telegram_and_says_so_once(
    tg: TelegramEmulator, salon: Any, down: str
) -> None:
    proxy = LateProxy("127.0.0.1", tg.port)
    closed = {
        "base_url": f"{proxy.url}/bot",
        "base_file_url": f"{proxy.url}/file/bot",
    }
    ana = tg.add_user("Ana", "ana")
    if down == "bad gateway":
        await proxy.open(bad_gateway=True)  # a proxy in front of the Bot API answering 502
    async with LogLines("salon") as lines, contextlib.AsyncExitStack() as stack:
        starting = asyncio.ensure_future(stack.enter_async_context(salon.running(telegram=closed)))
        await lines.wait_for(lambda line: "not reachable" in line)
        await proxy.open()  # Telegram is back
        try:
            await asyncio.wait_for(starting, 30)
            tg.user_sends(ana, tg.private_chat(ana), "/ping")
            reply = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == ana.id)
        finally:
            await proxy.close()
    assert reply.result["text"] == "pong"
    assert len(unreachable_lines(lines)) == 1
    assert "Telegram at http://127.0.0.1" in unreachable_lines(lines)[0]
    assert not any(r.exc_info for r in lines.records)
    assert tg.token not in "\n".join(lines.lines(logging.DEBUG))


async def test_salon_run_keeps_trying_and_stops_cleanly(
    tg: TelegramEmulator, tmp_path: Any
) -> None:
    proxy = LateProxy("127.0.0.1", tg.port)  # never opened: Telegram stays down
    config = config_from_mapping(
        {
            "database": {"url": f"sqlite:///{tmp_path / 'salon.db'}"},
            "adapters": {"telegram": {"base_url": f"{proxy.url}/bot"}},
        }
    )
    async with LogLines("salon") as lines:
        running = asyncio.ensure_future(run(config, {"SALON_TELEGRAM_TOKEN": tg.token}))
        await lines.wait_for(lambda line: "not reachable" in line)
        # Past the first retries (1 s, then 2 s): still one line; then SIGTERM.
        await run_until_interrupted(running, keep_trying=3.5)
    assert len(unreachable_lines(lines)) == 1
    assert not any(r.exc_info for r in lines.records)
