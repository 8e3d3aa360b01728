"""Commands in, replies out: over Socket Mode and over the HTTP Events API."""

from __future__ import annotations

import html
import logging
import re

import pytest
from emulators.slack import SlackEmulator

from salon.core import Bot

from .conftest import SlackTestPlugin, StartBot, channel_event, dm_event, posts


async def test_slash_command_over_socket_mode(slack: SlackEmulator, start_bot: StartBot) -> None:
    await start_bot()

    envelope = await slack.send_slash_command("/salon", "ping")

    ack = await slack.wait_for_ack(envelope["envelope_id"])
    post = await slack.wait_for_post(lambda p: p["method"] == "chat.postMessage")
    assert "payload" not in ack or not ack["payload"]
    assert (post["args"]["channel"], post["args"]["text"]) == ("C0GENERAL", "pong")
    assert post["args"]["blocks"][0] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "pong"},
    }


async def test_dm_mention_and_prefixed_channel_message(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    await start_bot()

    await slack.send_event(dm_event(slack, "echo from a dm"))
    await slack.send_event(
        {
            "type": "app_mention",
            "channel": "C0GENERAL",
            "user": "U0ALICE",
            "text": "<@U0BOT> echo hi",
        }
    )
    await slack.send_event(channel_event("!echo bang"))

    for text in ("from a dm", "hi", "bang"):
        await slack.wait_for_post(lambda p, t=text: p["args"].get("text") == t)
    dm = slack.workspace.open_dm("U0ALICE").id
    channels = {p["args"]["text"]: p["args"]["channel"] for p in posts(slack)}
    assert channels == {"from a dm": dm, "hi": "C0GENERAL", "bang": "C0GENERAL"}


async def test_chatter_bots_and_edits_are_ignored(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    await start_bot()

    ignored = [
        channel_event("echo no prefix in a channel"),
        {**channel_event("!echo edited"), "subtype": "message_changed"},
        {**channel_event("!echo from a bot"), "bot_id": "B0OTHER"},
        channel_event("!echo myself", user="U0BOT"),
        # Slack sends a mention twice (message + app_mention); only the app_mention counts.
        channel_event("<@U0BOT> echo twice"),
    ]
    envelopes = [await slack.send_event(event) for event in ignored]
    await slack.send_event(
        {
            "type": "app_mention",
            "channel": "C0GENERAL",
            "user": "U0ALICE",
            "text": "<@U0BOT> echo twice",
        }
    )
    await slack.send_event(channel_event("!echo last"))

    for envelope in envelopes:  # acked: the listener has decided, nothing left to happen
        await slack.wait_for_ack(envelope["envelope_id"])
    for text in ("twice", "last"):
        await slack.wait_for_post(lambda p, t=text: p["args"].get("text") == t)
    assert sorted(p["args"]["text"] for p in posts(slack)) == ["last", "twice"]


async def test_replies_stay_in_the_thread(slack: SlackEmulator, start_bot: StartBot) -> None:
    await start_bot()

    await slack.send_event({**channel_event("!ping"), "thread_ts": "1700000000.000100"})

    post = await slack.wait_for_post()
    assert post["args"]["thread_ts"] == "1700000000.000100"


async def test_ack_does_not_wait_for_the_work(
    slack: SlackEmulator, start_bot: StartBot, plugin: SlackTestPlugin
) -> None:
    await start_bot()

    envelope = await slack.send_slash_command("/salon", "slow")
    await slack.wait_for_ack(envelope["envelope_id"])
    await plugin.slow_started.wait()
    assert posts(slack) == []  # acked while the command is still running
    plugin.release.set()

    post = await slack.wait_for_post()
    assert post["args"]["text"] == "finally"


async def test_commands_over_http(slack: SlackEmulator, http_bot: tuple[Bot, str]) -> None:
    _, url = http_bot

    command = await slack.post_slash_command_http(url, "/salon", "ping")
    event = await slack.post_event_http(url, dm_event(slack, "echo over http"))

    assert (command.status_code, command.text) == (200, "")
    assert event.status_code == 200
    await slack.wait_for_post(lambda p: p["args"].get("text") == "pong")
    await slack.wait_for_post(lambda p: p["args"].get("text") == "over http")


async def test_url_verification_over_http(slack: SlackEmulator, http_bot: tuple[Bot, str]) -> None:
    _, url = http_bot

    response = await slack.post_url_verification_http(url)

    assert response.status_code == 200
    assert response.json()["challenge"]


async def test_user_text_cannot_ping_or_link(slack: SlackEmulator, start_bot: StartBot) -> None:
    await start_bot()
    # As Slack sends them: real tokens (the member used @channel, a mention, a formatted link)
    # and the escaped form of the same characters typed literally.
    tokens = "<!channel> <!here> <@U123> <http://x|y> &lt;!channel&gt; &lt;@U123&gt; &amp;"

    await slack.send_event(dm_event(slack, f"echo {tokens} *bold* @everyone"))

    post = await slack.wait_for_post()
    text = post["args"]["text"]
    section = post["args"]["blocks"][0]["text"]["text"]
    for rendered in (text, section):
        assert "<" not in rendered and ">" not in rendered
        assert not re.search(r"&(?!amp;|lt;|gt;)", rendered)  # every & is an entity
        assert "@everyone" not in rendered  # defused with a word joiner
    assert (
        html.unescape(section)
        .replace("\u2060", "")
        .startswith("@channel @here <@U123> y <!channel> <@U123> &")
    )


async def test_bare_slash_command_shows_help(slack: SlackEmulator, start_bot: StartBot) -> None:
    await start_bot(slash_command="/writers")

    await slack.send_slash_command("/writers", "")

    post = await slack.wait_for_post()
    assert post["args"]["text"].startswith("Commands")


async def test_http_ack_does_not_wait_for_the_work(
    slack: SlackEmulator, http_bot: tuple[Bot, str], plugin: SlackTestPlugin
) -> None:
    _, url = http_bot

    attempts = await slack.deliver_event_http(url, dm_event(slack, "slow"), ack_timeout=3.0)

    assert len(attempts) == 1 and attempts[0].is_acked  # no Slack retry needed
    await plugin.slow_started.wait()
    assert posts(slack) == []
    plugin.release.set()
    post = await slack.wait_for_post()
    assert post["args"]["text"] == "finally"


async def test_odd_payloads_are_ignored_without_errors(
    slack: SlackEmulator, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    await start_bot()
    caplog.set_level(logging.WARNING)

    odd = [
        {"type": "message", "channel": "C0GENERAL", "user": "U0ALICE", "text": 42},
        {"type": "message", "channel": "C0GENERAL", "user": "U0ALICE", "text": {"a": 1}},
        {"type": "message", "user": "U0ALICE", "text": "!echo no channel"},
        {"type": "message", "channel": ["C0GENERAL"], "user": "U0ALICE", "text": "!echo x"},
        {"type": "message", "channel": "C0GENERAL", "user": {"id": "U0ALICE"}, "text": "!echo"},
        {"type": "app_mention", "channel": "C0GENERAL", "user": "U0ALICE", "text": None},
        {"type": "app_mention", "user": "U0ALICE", "text": "<@U0BOT> echo"},
        {"type": "member_joined_channel", "user": "U0ALICE", "channel": None},
    ]
    envelopes = [await slack.send_event(event) for event in odd]
    await slack.send_event(channel_event("!echo last"))

    for envelope in envelopes:
        await slack.wait_for_ack(envelope["envelope_id"])
    await slack.wait_for_post(lambda p: p["args"].get("text") == "last")
    assert [p["args"]["text"] for p in posts(slack)] == ["last"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
