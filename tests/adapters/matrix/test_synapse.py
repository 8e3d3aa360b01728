"""The Matrix adapter against a real Synapse: a member's client in, the bot's events out."""

from __future__ import annotations

import logging
from typing import Any

import nio
import pytest

from salon.core import MemberRef, Outbound, md
from salon.core.clock import ManualClock
from salon.core.testing import SalonHarness, default_config


async def test_command_gets_a_formatted_notice(world: Any) -> None:
    bot = await world.start_bot()
    alice = await world.human("alice")
    room = await alice.room_with(world.bot_user.user_id)

    pong = await alice.reply_to(room, "!ping", world.bot_user.user_id)
    assert pong["content"]["msgtype"] == "m.notice"
    assert pong["content"]["body"] == "pong"

    help_reply = (await alice.reply_to(room, "!help", world.bot_user.user_id))["content"]
    assert help_reply["msgtype"] == "m.notice"
    assert help_reply["format"] == "org.matrix.custom.html"
    assert "<code>!</code>" in help_reply["formatted_body"]
    assert "<ul><li><strong>about</strong>" in help_reply["formatted_body"]
    assert help_reply["m.mentions"] == {}
    assert bot.adapters["matrix"].since is not None


async def test_user_text_is_echoed_harmlessly(world: Any) -> None:
    await world.start_bot()
    alice = await world.human("alice")
    victim = await world.user("victim")
    room = await alice.room_with(world.bot_user.user_id)
    hostile = f"@room <b>x</b><script>alert(1)</script> https://matrix.to/#/{victim.user_id}"

    content = (await alice.reply_to(room, f"!echo {hostile}", world.bot_user.user_id))["content"]

    # Only the member the plugin meant to mention; never the room, never the linked victim.
    assert content["m.mentions"] == {"user_ids": [alice.user_id]}
    html = content["formatted_body"]
    assert "<script" not in html and "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "@\u2060room" in html and "@room" not in html
    assert html.count("<a ") == 1
    assert f'<a href="https://matrix.to/#/{alice.user_id}">' in html
    assert "@\u2060room" in content["body"] and "@room" not in content["body"]


async def test_direct_messages_need_no_prefix_and_rooms_are_reused(world: Any) -> None:
    bot = await world.start_bot()
    alice = await world.human("alice")
    dm = await alice.room_with(world.bot_user.user_id, is_direct=True)

    reply = await alice.reply_to(dm, "help", world.bot_user.user_id)
    assert reply["content"]["body"].startswith("Commands (start them with")
    adapter = bot.adapters["matrix"]
    assert adapter.direct.rooms_of(alice.user_id) == [dm]

    # The bot writes to a member first: a new is_direct room, recorded, then reused.
    bob = await world.human("bob")
    bot.send(Outbound(md("Hello Bob"), recipient=MemberRef("matrix", bob.user_id)))
    room = await bob.wait_for_invite()
    assert bob.invites[room]["is_direct"] is True
    joined = await bob.client.join(room)
    assert isinstance(joined, nio.JoinResponse)
    first = await bob.next_message(room, world.bot_user.user_id, after=0)
    assert first["content"]["body"] == "Hello Bob"
    mark = len(bob.timeline)
    bot.send(Outbound(md("Again"), recipient=MemberRef("matrix", bob.user_id)))
    again = await bob.next_message(room, world.bot_user.user_id, after=mark)
    assert again["content"]["body"] == "Again"
    assert adapter.direct.rooms_of(bob.user_id) == [room]
    direct = await bot.adapters["matrix"].client.list_direct_rooms()
    assert direct.rooms[bob.user_id] == [room]


async def test_buttons_answer_by_reaction_and_by_number(world: Any) -> None:
    await world.start_bot()
    alice = await world.human("alice")
    room = await alice.room_with(world.bot_user.user_id)
    bot_id = world.bot_user.user_id

    offer = await alice.reply_to(room, "!choose", bot_id)
    assert "1\ufe0f\u20e3 Red" in offer["content"]["body"]
    assert "<ol><li>Red</li><li>Blue</li></ol>" in offer["content"]["formatted_body"]

    mark = len(alice.timeline)
    await alice.react(room, offer["event_id"], "2\ufe0f\u20e3")
    picked = await alice.next_message(room, bot_id, after=mark)
    assert picked["content"]["body"].endswith("picked blue")

    by_number = await alice.reply_to(room, "1", bot_id)
    assert by_number["content"]["body"].endswith("picked red")


async def test_image_is_uploaded_and_sent_as_m_image(world: Any) -> None:
    await world.start_bot()
    alice = await world.human("alice")
    room = await alice.room_with(world.bot_user.user_id)

    image = (await alice.reply_to(room, "!picture", world.bot_user.user_id))["content"]
    assert image["msgtype"] == "m.image"
    assert image["url"].startswith("mxc://")
    assert image["body"] == "three dots"
    assert image["info"]["w"] == 3 and image["info"]["h"] == 2
    assert image["info"]["mimetype"] == "image/png" and image["info"]["size"] > 0
    downloaded = await alice.client.download(image["url"])
    assert isinstance(downloaded, nio.DownloadResponse)
    assert downloaded.body.startswith(b"\x89PNG")


async def test_restart_resumes_without_answering_old_messages(world: Any) -> None:
    bot_id = world.bot_user.user_id
    alice = await world.human("alice")
    # Before the bot ever runs: it is in a room where someone already asked something.
    joiner = nio.AsyncClient(world.synapse.url, bot_id, device_id=world.bot_user.device_id)
    joiner.access_token = world.bot_user.access_token
    created = await alice.client.room_create(invite=[bot_id])
    room = created.room_id
    assert isinstance(await joiner.join(room), nio.JoinResponse)
    await joiner.close()
    await alice.say(room, "!about")

    bot = await world.start_bot()
    first = await alice.reply_to(room, "!ping", bot_id)
    assert first["content"]["body"] == "pong"
    await world.stop_bot(bot)

    await alice.say(room, "!echo while you were away")
    bot = await world.start_bot()
    mark = len(alice.timeline)
    await alice.say(room, "!echo after the restart")
    await alice.wait_for(
        lambda r, e: e["sender"] == bot_id and "after the restart" in e["content"].get("body", ""),
        after=mark,
    )
    answers = [
        e["content"]["body"]
        for r, e in alice.timeline
        if r == room and e["sender"] == bot_id and e["type"] == "m.room.message"
    ]
    assert sum(a == "pong" for a in answers) == 1
    assert sum("while you were away" in a for a in answers) == 1
    assert not any("run by salon" in a for a in answers)  # asked before the first start


async def test_invite_from_a_stranger_is_refused(
    world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    alice = await world.human("alice")
    stranger = await world.human("stranger")
    await world.start_bot(allowed_inviters=[alice.user_id])
    bot_id = world.bot_user.user_id
    caplog.set_level(logging.WARNING, logger="salon.adapters.matrix")

    created = await stranger.client.room_create(invite=[bot_id])
    _, left = await stranger.wait_for(
        lambda r, e: (
            r == created.room_id
            and e["type"] == "m.room.member"
            and e.get("state_key") == bot_id
            and e["content"].get("membership") == "leave"
        )
    )
    assert left["sender"] == bot_id
    assert any(
        "refused the invite" in r.getMessage() and stranger.user_id in r.getMessage()
        for r in caplog.records
    )
    # The allowed member's invite is still accepted.
    await alice.room_with(bot_id)


async def test_encrypted_room_is_announced_once(world: Any) -> None:
    bot = await world.start_bot()
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    encryption = {
        "type": "m.room.encryption",
        "state_key": "",
        "content": {"algorithm": "m.megolm.v1.aes-sha2"},
    }
    room = await alice.room_with(bot_id, initial_state=[encryption])
    notice = await alice.next_message(room, bot_id, after=0)
    assert "end-to-end encrypted" in notice["content"]["body"]
    assert notice["content"]["msgtype"] == "m.notice"
    # An undecryptable message does not make it say so again.
    mark = len(alice.timeline)
    await alice.client.room_send(
        room,
        "m.room.encrypted",
        {
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": "AAAA",
            "sender_key": "k",
            "device_id": "D",
            "session_id": "s",
        },
    )
    await alice.reply_to(await alice.room_with(bot_id), "!ping", bot_id)
    assert not any(r == room and e["sender"] == bot_id for r, e in alice.timeline[mark:])
    assert room in bot.adapters["matrix"].rooms.encrypted_noted


async def test_help_reads_the_same_on_the_console_and_on_matrix(
    world: Any, tmp_path: Any, test_plugins: Any
) -> None:
    await world.start_bot()
    alice = await world.human("alice")
    room = await alice.room_with(world.bot_user.user_id)
    on_matrix = (await alice.reply_to(room, "!help", world.bot_user.user_id))["content"]["body"]

    harness = SalonHarness(
        default_config(tmp_path / "console.db"), ManualClock(), test_plugins, load_entrypoints=True
    )
    await harness.start()
    try:
        on_console = (await harness.send("!help"))[-1].text
    finally:
        await harness.stop()
    assert on_matrix == on_console


async def test_odd_content_is_read_without_errors(
    world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    await world.start_bot()
    alice = await world.human("alice")
    room = await alice.room_with(world.bot_user.user_id)
    caplog.set_level(logging.WARNING)

    odd = [
        {"m.mentions": {"user_ids": 7}},
        {"m.mentions": "everyone"},
        {"m.relates_to": "not an object"},  # Synapse refuses some; other servers may not
        {"m.relates_to": {"rel_type": "m.thread", "event_id": 5}},
    ]
    accepted = 0
    for extra in odd:
        content = {"msgtype": "m.text", "body": "!echo odd", **extra}
        sent = await alice.client.room_send(room, "m.room.message", content)
        accepted += isinstance(sent, nio.RoomSendResponse)
    mark = len(alice.timeline)
    await alice.say(room, "!ping")
    await alice.wait_for(lambda r, e: r == room and e["content"].get("body") == "pong", after=mark)

    assert accepted >= 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
