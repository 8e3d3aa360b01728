"""Two workers in Slack's HTTP mode on one PostgreSQL database, behind one Request URL.

Slack spreads the Events API requests over whichever worker the load balancer picks, and a
retry may reach the other one. Each event must be applied once and answered once, and a slow
command one worker acknowledged must be finished, once, by the other when that worker dies.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path

import pytest_asyncio
from emulators.slack import SlackEmulator

from salon.core import Bot
from salon.core.config import config_from_mapping
from salon.core.plugins import create_plugin_manager
from salon.core.runtime import build_adapters
from salon.core.storage import sa, tables
from salon.core.web import WebServer

from .conftest import SlackTestPlugin, crash, dm_event, posts, read_count, slack_config, slack_env

#: Short, so the surviving worker takes a dead one's requests over within the test.
LEASE = 1.0

Worker = tuple[Bot, str]


@pytest_asyncio.fixture
async def start_worker(
    slack: SlackEmulator, plugin: SlackTestPlugin, tmp_path: Path, postgres_db_url: str
) -> AsyncIterator[Callable[[], Awaitable[Worker]]]:
    """``await start_worker()``: a bot in "http" mode on the shared database, with its own
    web server; yields it and its events URL. Everything is stopped after the test."""
    async with AsyncExitStack() as stack:

        async def start() -> Worker:
            settings = slack_config(tmp_path, slack, mode="http")
            settings["database"] = {"url": postgres_db_url, "outbox_lease": LEASE}
            config = config_from_mapping(settings, source="test")
            pm = create_plugin_manager(config.disabled_plugins, extra=[("slacktest", plugin)])
            env = slack_env(slack)
            bot = Bot(config, pm=pm, env=env)
            for adapter in build_adapters(bot, env):
                bot.add_adapter(adapter)
            await bot.start(run_scheduler=False)
            stack.push_async_callback(lambda: bot.stop() if bot.started else asyncio.sleep(0))
            web = WebServer(bot, "127.0.0.1", 0)
            web.add_routes(bot.adapters["slack"].routes())
            await web.start()
            stack.push_async_callback(web.stop)
            return bot, f"http://127.0.0.1:{web.port}/slack/events"

        try:
            yield start
        finally:
            plugin.release.set()


async def acked_rows(bot: Bot) -> int:
    async with bot.read() as db:
        query = sa.select(sa.func.count()).select_from(tables.acked_requests)
        return int(await db.scalar(query) or 0)


async def test_events_spread_over_two_workers_are_applied_and_answered_once(
    slack: SlackEmulator, start_worker: Callable[[], Awaitable[Worker]]
) -> None:
    workers = [await start_worker(), await start_worker()]
    for n in range(10):
        event = dm_event(slack, "count")
        (bot, url), (_, other) = workers[n % 2], workers[(n + 1) % 2]
        payload = slack.event_payload(event)
        (attempt,) = await slack.sender.deliver_json(url, payload)
        assert attempt.is_acked
        # Slack sent it again (a lost ack, say), and the balancer picked the other worker.
        retried = await slack.sender.post_json(other, payload, retry_num=1, retry_reason="x")
        assert retried.is_success
        await slack.wait_for_post(lambda p, n=n: p["args"].get("text") == f"count is {n + 1}")
    for text in ("echo one", "echo two"):  # changes nothing, answered once all the same
        payload = slack.event_payload(dm_event(slack, text))
        for _, url in workers:
            assert (await slack.sender.post_json(url, payload)).is_success
        await slack.wait_for_post(lambda p, text=text: p["args"].get("text") == text[5:])
    for bot, _ in workers:
        await bot.outbound.drain()

    texts = [p["args"]["text"] for p in posts(slack)]
    assert texts == [f"count is {n}" for n in range(1, 11)] + ["one", "two"]
    assert await read_count(workers[0][0]) == 10


async def test_a_slow_command_acked_by_a_dead_worker_is_finished_once_by_the_other(
    slack: SlackEmulator, start_worker: Callable[[], Awaitable[Worker]], plugin: SlackTestPlugin
) -> None:
    (first, first_url), (second, second_url) = await start_worker(), await start_worker()
    bob = slack.add_user("bob")
    # Both acknowledged before their work is done, so each is recorded: two rows, neither
    # worker overwriting the other's.
    attempts = await asyncio.gather(
        slack.deliver_event_http(first_url, dm_event(slack, "slowcount")),
        slack.deliver_event_http(second_url, dm_event(slack, "slowcount", user=bob.id)),
    )
    assert [len(a) == 1 and a[0].is_acked for a in attempts] == [True, True]
    assert await acked_rows(second) == 2

    await crash(first)  # acked, not yet done
    plugin.release.set()
    await slack.wait_for_post(lambda p: p["args"].get("text") == "count is 2", timeout=10)
    await second.outbound.drain()

    assert sorted(p["args"]["text"] for p in posts(slack)) == ["count is 1", "count is 2"]
    assert await read_count(second) == 2
    assert await acked_rows(second) == 0
