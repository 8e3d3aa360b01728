"""Delivery guarantees: retried events applied once, 429s waited out, nothing dropped."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from emulators.slack import SlackEmulator

from salon.core import Bot, Image, MemberRef, Outbound, SpaceRef, md
from salon.core.web import WebServer

from .conftest import (
    SlackTestPlugin,
    StartBot,
    channel_event,
    crash,
    dm_event,
    posts,
    read_count,
)


@contextlib.asynccontextmanager
async def serving(bot: Bot) -> AsyncIterator[str]:
    """Mount the bot's Slack route on a web server; yields the events URL."""
    web = WebServer(bot, "127.0.0.1", 0)
    web.add_routes(bot.adapters["slack"].routes())
    await web.start()
    try:
        yield f"http://127.0.0.1:{web.port}/slack/events"
    finally:
        await web.stop()


async def test_socket_mode_retry_is_applied_once_even_after_a_restart(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    bot = await start_bot()
    first = await slack.send_event(dm_event(slack, "count"))
    await slack.wait_for_post(lambda p: p["args"].get("text") == "count is 1")

    retry = await slack.redeliver(first["envelope_id"])
    await slack.wait_for_ack(retry["envelope_id"])
    await bot.stop()  # the in-memory dedupe is gone; the ledger in the database remains
    bot = await start_bot()
    late_retry = await slack.redeliver(retry["envelope_id"])
    await slack.wait_for_ack(late_retry["envelope_id"])
    await slack.send_event(dm_event(slack, "count"))  # a new event still counts

    await slack.wait_for_post(lambda p: p["args"].get("text") == "count is 2")
    await bot.outbound.drain()
    assert late_retry["retry_attempt"] == 2
    assert [p["args"]["text"] for p in posts(slack)] == ["count is 1", "count is 2"]
    assert await read_count(bot) == 2


async def test_http_retry_is_applied_once(slack: SlackEmulator, http_bot: tuple[Bot, str]) -> None:
    bot, url = http_bot
    event = dm_event(slack, "count")

    first = await slack.post_event_http(url, event, event_id="EvRETRY1")
    again = await slack.post_event_http(url, event, event_id="EvRETRY1", retry_num=1)
    await slack.post_event_http(url, dm_event(slack, "echo done"))

    for text in ("count is 1", "done"):
        await slack.wait_for_post(lambda p, t=text: p["args"].get("text") == t)
    await bot.outbound.drain()
    assert (first.status_code, again.status_code) == (200, 200)
    assert [p["args"]["text"] for p in posts(slack)].count("count is 1") == 1
    assert await read_count(bot) == 1


async def test_burst_under_rate_limits_delivers_each_reply_once(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    bot = await start_bot()
    channels = ["C0GENERAL", slack.add_channel("drafts").id, slack.add_channel("poetry").id]
    slack.rate_limit("chat.postMessage", times=2, retry_after=1)
    expected = [f"reply {n}" for n in range(6)]

    started = time.monotonic()
    for n, text in enumerate(expected):
        await slack.send_event(channel_event(f"!echo {text}", channel=channels[n % 3]))
    for text in expected:
        await slack.wait_for_post(lambda p, t=text: p["args"].get("text") == t, timeout=15)
    await bot.outbound.drain()

    delivered = Counter(p["args"]["text"] for p in posts(slack))
    assert delivered == Counter(expected)
    statuses = Counter(c["status"] for c in slack.calls if c["method"] == "chat.postMessage")
    assert statuses == {200: 6, 429: 2}
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert bot.outbound.queues["slack"].retries >= 2


async def test_button_press_updates_the_message(slack: SlackEmulator, start_bot: StartBot) -> None:
    await start_bot()
    await slack.send_event(channel_event("!choose"))
    offer = await slack.wait_for_post()
    buttons = offer["args"]["blocks"][-1]["elements"]
    blue = next(b for b in buttons if b["text"]["text"] == "Blue")

    envelope = await slack.send_block_action(
        blue["action_id"], value=blue["value"], message=offer["response"]["message"]
    )

    await slack.wait_for_ack(envelope["envelope_id"])
    update = await slack.wait_for_post(lambda p: p["method"] == "chat.update")
    assert update["args"]["ts"] == offer["response"]["ts"]
    assert update["args"]["text"] == "alice picked *blue*"
    stored = slack.workspace.find_message("C0GENERAL", offer["response"]["ts"])
    assert stored is not None and "edited" in stored
    assert [b["type"] for b in stored["blocks"]] == ["section"]  # the buttons are gone


async def test_button_press_over_http(slack: SlackEmulator, http_bot: tuple[Bot, str]) -> None:
    _, url = http_bot
    await slack.post_event_http(url, channel_event("!choose"))
    offer = await slack.wait_for_post()
    red = offer["args"]["blocks"][-1]["elements"][0]
    payload = slack.block_action_payload(
        red["action_id"], value=red["value"], message=offer["response"]["message"]
    )

    response = await slack.post_interactivity_http(url, payload)

    assert response.status_code == 200
    update = await slack.wait_for_post(lambda p: p["method"] == "chat.update")
    assert update["args"]["text"] == "alice picked *red*"


@pytest.mark.parametrize(
    "signing",
    [{"forge": True}, {"timestamp": int(time.time()) - 600}, {"signing_secret": "other"}],
    ids=["forged", "stale", "wrong-secret"],
)
async def test_bad_signatures_are_rejected_and_nothing_happens(
    slack: SlackEmulator, http_bot: tuple[Bot, str], signing: dict[str, Any]
) -> None:
    bot, url = http_bot

    event = await slack.post_event_http(url, dm_event(slack, "count"), **signing)
    command = await slack.post_slash_command_http(url, "/salon", "count", **signing)
    await slack.post_event_http(url, dm_event(slack, "echo after"))  # a genuine one

    assert (event.status_code, command.status_code) == (401, 401)
    await slack.wait_for_post(lambda p: p["args"].get("text") == "after")
    await bot.outbound.drain()
    assert [p["args"]["text"] for p in posts(slack)] == ["after"]
    assert await read_count(bot) == 0


async def test_direct_message_to_a_member_opens_the_dm(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    bot = await start_bot()
    bob = slack.add_user("bob")

    bot.send(Outbound(md("Your goal is due"), recipient=MemberRef("slack", bob.id)))
    bot.send(Outbound(md("again"), recipient=MemberRef("slack", bob.id)))
    await bot.outbound.drain()

    dm = slack.workspace.open_dm(bob.id).id
    assert [(p["args"]["channel"], p["args"]["text"]) for p in posts(slack)] == [
        (dm, "Your goal is due"),
        (dm, "again"),
    ]
    opens = [c for c in slack.calls if c["method"] == "conversations.open"]
    assert len(opens) == 1  # cached


async def test_image_uses_the_external_upload_flow(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    bot = await start_bot()
    image = Image(b"\x89PNG chart", filename="chart.png", alt_text="Words per day")

    bot.send(Outbound(md("This week"), space=SpaceRef("slack", "C0GENERAL"), image=image))
    await bot.outbound.drain()

    (file,) = slack.files.values()
    assert (file.content, file.title, file.channels) == (
        b"\x89PNG chart",
        "Words per day",
        ["C0GENERAL"],
    )
    methods = [c["method"] for c in slack.calls]
    assert methods[-2:] == ["files.getUploadURLExternal", "files.completeUploadExternal"] or (
        "files.completeUploadExternal" in methods
    )
    assert slack.workspace.history("C0GENERAL")[-1]["text"] == "This week"


async def test_unreachable_channel_is_reported_not_retried(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    bot = await start_bot()

    bot.send(Outbound(md("hello?"), space=SpaceRef("slack", "C404")))
    await bot.outbound.drain()

    calls = [c for c in slack.calls if c["method"] == "chat.postMessage"]
    assert [c["response"]["error"] for c in calls] == ["channel_not_found"]


@pytest.mark.parametrize("mode", ["socket", "http"])
async def test_a_command_acked_before_a_crash_is_finished_once_after_the_restart(
    slack: SlackEmulator, start_bot: StartBot, plugin: SlackTestPlugin, mode: str
) -> None:
    bot = await start_bot(mode=mode)
    if mode == "socket":
        envelope = await slack.send_slash_command("/salon", "slowcount")
        await slack.wait_for_ack(envelope["envelope_id"])
    else:
        async with serving(bot) as url:
            attempts = await slack.deliver_event_http(url, dm_event(slack, "slowcount"))
        assert len(attempts) == 1 and attempts[0].is_acked  # Slack will not send it again
    assert plugin.slow_started.is_set()
    await crash(bot)  # acked, not yet done

    plugin.release.set()
    bot = await start_bot(mode=mode)
    await slack.wait_for_post(lambda p: p["args"].get("text") == "count is 1")
    await bot.stop()
    bot = await start_bot(mode=mode)  # a second restart does not run it again
    await bot.stop()

    assert [p["args"]["text"] for p in posts(slack)] == ["count is 1"]
    bot = await start_bot(mode=mode)
    assert await read_count(bot) == 1


async def test_a_quick_command_is_done_before_the_ack(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    bot = await start_bot()
    envelope = await slack.send_event(dm_event(slack, "count"))
    await slack.wait_for_ack(envelope["envelope_id"])
    assert await read_count(bot) == 1  # applied before Slack heard back
    await crash(bot)
    bot = await start_bot()
    await bot.outbound.drain()
    assert await read_count(bot) == 1


async def test_requests_left_in_the_old_inbox_state_row_are_finished_after_the_upgrade(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    bot = await start_bot(mode="http")
    await bot.stop()
    # What salon before core_0007 kept of an acked, unfinished request: one state row per bot.
    legacy = {"a1": slack.event_payload(dm_event(slack, "count"))}
    bot = await start_bot(mode="http")
    await bot.set_state("slack:U0BOT:inbox", legacy)
    await bot.stop()

    bot = await start_bot(mode="http")
    await slack.wait_for_post(lambda p: p["args"].get("text") == "count is 1")
    assert await bot.get_state("slack:U0BOT:inbox") is None
    await bot.stop()
    bot = await start_bot(mode="http")  # moved over once, handled once
    await bot.outbound.drain()
    assert [p["args"]["text"] for p in posts(slack)] == ["count is 1"]
    assert await read_count(bot) == 1
