"""The message model on Matrix, against a real Synapse: long DMs, m.file in (media repo) and
out, edits that keep their choices and keycaps, redactions, choices that expire."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import nio
from documents import docx_bytes
from messages_plugin import ICS, MessagesPlugin

from salon.core import ManualClock, Message, hookimpl
from salon.core.files import DOCX
from salon.core.storage import sa, tables

KEYCAPS = ("1\ufe0f\u20e3", "2\ufe0f\u20e3")


def plugins() -> tuple[tuple[str, object], ...]:
    return (("messagestest", MessagesPlugin()),)


async def test_a_40000_character_dm_answer_is_accepted(world: Any) -> None:
    await world.start_bot(plugins=plugins())
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    dm = await alice.room_with(bot_id, is_direct=True)
    await alice.reply_to(dm, "chapter", bot_id)
    chapter = ("She wrote and wrote. " * 2000)[:40_000]

    reply = await alice.reply_to(dm, chapter, bot_id)

    assert reply["content"]["body"] == "got your chapter: 40,000 characters"


async def test_a_9000_character_group_message_is_refused_with_the_explanation(world: Any) -> None:
    await world.start_bot()
    alice = await world.human("alice")
    room = await alice.room_with(world.bot_user.user_id)

    reply = await alice.reply_to(room, "!echo " + "w" * 8994, world.bot_user.user_id)

    body = reply["content"]["body"]
    assert "too long for me in a group (9,000 characters; the limit is 4,000)" in body
    assert "direct message" in body and ".docx" in body


async def test_documents_and_an_oversized_file_sent_to_the_bot(world: Any) -> None:
    await world.start_bot(plugins=plugins())
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    dm = await alice.room_with(bot_id, is_direct=True)
    files = [
        ("chapter.docx", docx_bytes("It begins.", "It ends."), DOCX),
        ("notes.md", b"# Notes\n\nA line.", "text/markdown"),
        ("novel.txt", b"x" * (3 * 1024 * 1024), "text/plain"),
    ]
    replies = []
    for name, data, mime_type in files:
        mark = len(alice.timeline)
        await alice.send_file(dm, name, data, mime_type)
        replies.append((await alice.next_message(dm, bot_id, after=mark))["content"]["body"])

    assert replies[0] == "read 2 paragraphs, starting It begins."
    assert replies[1] == "read 2 paragraphs, starting Notes"
    assert "“novel.txt” is 3 MB; the limit is 2 MB, so I haven't downloaded it" in replies[2]


async def test_an_ics_file_and_a_png_are_sent(world: Any) -> None:
    await world.start_bot(plugins=plugins())
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    room = await alice.room_with(bot_id)
    mark = len(alice.timeline)
    await alice.say(room, "!invite")

    _, file_event = await alice.wait_for(
        lambda r, e: r == room and e["content"].get("msgtype") == "m.file", after=mark
    )
    _, image_event = await alice.wait_for(
        lambda r, e: r == room and e["content"].get("msgtype") == "m.image", after=mark
    )
    content = file_event["content"]
    assert content["filename"] == "write-in.ics"
    assert content["info"] == {"mimetype": "text/calendar", "size": len(ICS)}
    downloaded = await alice.client.download(content["url"])
    assert isinstance(downloaded, nio.DownloadResponse) and downloaded.body == ICS
    assert image_event["content"]["info"]["mimetype"] == "image/png"


async def test_a_message_edited_twice_keeps_its_choices_then_is_redacted(world: Any) -> None:
    await world.start_bot(plugins=plugins())
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    room = await alice.room_with(bot_id)
    offer = await alice.reply_to(room, "!vote", bot_id)
    original = offer["event_id"]

    for count in (1, 2):
        mark = len(alice.timeline)
        await alice.react(room, original, KEYCAPS[0]) if count == 1 else await alice.say(room, "1")
        edit = await alice.next_message(room, bot_id, after=mark)
        assert edit["content"]["m.relates_to"] == {"rel_type": "m.replace", "event_id": original}
        assert edit["content"]["m.new_content"]["body"].startswith(f"Votes: {count}")
        assert "1\ufe0f\u20e3 +1" in edit["content"]["m.new_content"]["body"]
    keycaps = [
        e["content"]["m.relates_to"]["key"]
        for r, e in alice.timeline
        if r == room and e["type"] == "m.reaction" and e["sender"] == bot_id
    ]
    assert sorted(keycaps) == sorted(KEYCAPS)  # once each: the edits found them in place

    mark = len(alice.timeline)
    await alice.react(room, original, KEYCAPS[1])
    _, redaction = await alice.wait_for(
        lambda r, e: r == room and e["type"] == "m.room.redaction", after=mark
    )
    assert redaction["redacts"] == original or redaction["content"].get("redacts") == original


async def test_an_edit_that_adds_choices_adds_their_keycaps(world: Any) -> None:
    from salon.core import Button, Outbound, SpaceRef, md

    bot = await world.start_bot()
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    room = await alice.room_with(bot_id)
    sent = await bot.adapters["matrix"].send(
        Outbound(md("No choices yet"), space=SpaceRef("matrix", room))
    )
    mark = len(alice.timeline)
    buttons = (Button("Red", "test.pick", "red"), Button("Blue", "test.pick", "blue"))
    edit = Outbound(
        md("Now pick"), space=SpaceRef("matrix", room), buttons=buttons, edit_of=sent.message_id
    )
    await bot.adapters["matrix"].send(edit)

    for key in KEYCAPS:
        await alice.wait_for(
            lambda r, e, k=key: (
                e["type"] == "m.reaction"
                and e["content"]["m.relates_to"]
                == {"rel_type": "m.annotation", "event_id": sent.message_id, "key": k}
            ),
            after=mark,
        )
    mark = len(alice.timeline)
    await alice.react(room, sent.message_id, KEYCAPS[1])
    picked = await alice.next_message(room, bot_id, after=mark)
    assert picked["content"]["body"].endswith("picked blue")


async def test_a_choice_after_its_expiry_says_so_and_the_table_is_pruned(world: Any) -> None:
    clock = ManualClock()
    bot = await world.start_bot(plugins=plugins(), clock=clock)
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    room = await alice.room_with(bot_id)
    offer = await alice.reply_to(room, "!vote", bot_id)
    clock.advance(timedelta(days=31))

    mark = len(alice.timeline)
    await alice.react(room, offer["event_id"], KEYCAPS[0])
    expired = await alice.next_message(room, bot_id, after=mark)

    assert expired["content"]["body"].startswith("This button has expired")
    assert await bot.interactions.prune() == 1
    async with bot.storage.engine.connect() as connection:
        assert (await connection.execute(sa.select(tables.interactions))).all() == []


class Replies:
    """Records what plain messages reply to (``Message.reply_to``)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        self.changed = asyncio.Event()

    @hookimpl
    async def message_received(self, message: Message) -> None:
        self.seen.append((message.text, message.reply_to))
        self.changed.set()

    async def count(self, wanted: int) -> None:
        while len(self.seen) < wanted:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 15)


async def test_a_reply_names_the_event_it_answers_and_a_thread_does_not(world: Any) -> None:
    replies = Replies()
    await world.start_bot(plugins=(("replies", replies),))
    alice = await world.human("alice")
    bot_id = world.bot_user.user_id
    room = await alice.room_with(bot_id)
    answered = await alice.reply_to(room, "!echo the prompt", bot_id)
    prompt = answered["event_id"]
    reply = {"m.relates_to": {"m.in_reply_to": {"event_id": prompt}}}
    await alice.say(room, "my piece", **reply)
    in_thread = {
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": prompt,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": prompt},
        }
    }
    await alice.say(room, "in the thread", **in_thread)
    await replies.count(2)

    assert replies.seen == [("my piece", prompt), ("in the thread", None)]
