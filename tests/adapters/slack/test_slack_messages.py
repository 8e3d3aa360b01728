"""The message model on Slack: long DMs, files in and out, edits with buttons, deletes, and
buttons that expire (the emulator stands in for Slack; the real SDKs talk to it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from documents import docx_bytes
from emulators.slack import SlackEmulator
from messages_plugin import ICS, PNG, MessagesPlugin

from salon.core import ManualClock
from salon.core.storage import sa, tables

from .conftest import StartBot, channel_event, dm_event, posts


@pytest.fixture
def messages() -> MessagesPlugin:
    return MessagesPlugin()


@pytest.fixture
def extra_plugins(messages: MessagesPlugin) -> list[tuple[str, object]]:
    return [("messagestest", messages)]


@pytest.fixture
def bot_clock() -> ManualClock:
    return ManualClock()


def reply_texts(slack: SlackEmulator) -> list[str]:
    return [p["args"].get("text", "") for p in posts(slack)]


async def test_a_40000_character_dm_answer_is_accepted(
    slack: SlackEmulator, start_bot: StartBot, messages: MessagesPlugin
) -> None:
    await start_bot()
    await slack.send_event(dm_event(slack, "chapter"))
    await slack.wait_for_post(lambda p: "Paste" in p["args"].get("text", ""))
    chapter = ("She wrote and wrote. " * 2000)[:40_000]

    await slack.send_event(dm_event(slack, chapter))

    await slack.wait_for_post(lambda p: "got your chapter" in p["args"].get("text", ""))
    assert messages.answers == [chapter]
    assert "got your chapter: 40,000 characters" in reply_texts(slack)


async def test_a_9000_character_group_message_is_refused_with_the_explanation(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    await start_bot()

    await slack.send_event(channel_event("!echo " + "w" * 8994))

    refusal = await slack.wait_for_post()
    text = refusal["args"]["text"]
    assert "too long for me in a group (9,000 characters; the limit is 4,000)" in text
    assert "direct message" in text and ".docx" in text


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "chapter.docx",
            docx_bytes("It begins.", "It ends."),
            "read 2 paragraphs, starting It begins.",
        ),
        ("notes.md", b"# Notes\n\nA line.", "read 2 paragraphs, starting Notes"),
    ],
)
async def test_documents_sent_to_the_bot_are_read(
    slack: SlackEmulator, start_bot: StartBot, name: str, content: bytes, expected: str
) -> None:
    await start_bot()
    dm = slack.workspace.open_dm("U0ALICE").id

    await slack.send_event(slack.share_file_event(dm, name, content))

    reply = await slack.wait_for_post()
    assert reply["args"]["text"] == expected
    [download] = [c for c in slack.calls if c["method"] == "files-pri"]
    assert download["authorized"]  # url_private with the bot token


async def test_an_oversized_file_is_refused_and_not_downloaded(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    await start_bot()
    dm = slack.workspace.open_dm("U0ALICE").id

    await slack.send_event(slack.share_file_event(dm, "novel.txt", b"x" * (3 * 1024 * 1024)))

    reply = await slack.wait_for_post()
    assert (
        "“novel.txt” is 3 MB; the limit is 2 MB, so I haven't downloaded it"
        in (reply["args"]["text"])
    )
    assert not [c for c in slack.calls if c["method"] == "files-pri"]


async def test_an_ics_file_and_a_png_are_uploaded(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    await start_bot()

    await slack.send_event(channel_event("!invite"))

    shared = await slack.wait_for_post(lambda p: p["method"] == "files.completeUploadExternal")
    assert shared["args"]["channel_id"] == "C0GENERAL"
    assert "write-in is on Saturday" in shared["args"]["initial_comment"]
    contents = {f.filename: f.content for f in slack.files.values() if f.is_shared}
    assert contents == {"chart.png": PNG, "write-in.ics": ICS}
    [message] = [m for m in slack.workspace.history("C0GENERAL") if m.get("files")]
    assert sorted(f["name"] for f in message["files"]) == ["chart.png", "write-in.ics"]


async def vote(slack: SlackEmulator, message: dict[str, Any], label: str = "+1") -> None:
    button = next(
        b
        for block in message["blocks"]
        if block["type"] == "actions"
        for b in block["elements"]
        if b["text"]["text"] == label
    )
    envelope = await slack.send_block_action(
        button["action_id"], value=button["value"], channel_id="C0GENERAL", message=message
    )
    await slack.wait_for_ack(envelope["envelope_id"])


async def test_a_message_edited_twice_keeps_working_buttons_then_is_deleted(
    slack: SlackEmulator, start_bot: StartBot
) -> None:
    await start_bot()
    await slack.send_event(channel_event("!vote"))
    offer = await slack.wait_for_post()
    ts = offer["response"]["ts"]

    for count in (1, 2):
        await vote(slack, slack.workspace.find_message("C0GENERAL", ts) or {})
        await slack.wait_for_post(
            lambda p, n=count: p["method"] == "chat.update" and p["args"]["text"] == f"Votes: {n}"
        )
    edited = slack.workspace.find_message("C0GENERAL", ts)
    assert edited is not None and edited["text"] == "Votes: 2" and "edited" in edited
    assert [b["text"]["text"] for b in edited["blocks"][-1]["elements"]] == ["+1", "Remove"]

    await vote(slack, edited, "Remove")
    await slack.wait_for_post(lambda p: p["method"] == "chat.delete")
    assert slack.workspace.find_message("C0GENERAL", ts) is None


async def test_a_button_pressed_after_its_expiry_says_so_and_the_table_is_pruned(
    slack: SlackEmulator, start_bot: StartBot, bot_clock: ManualClock
) -> None:
    bot = await start_bot()
    await slack.send_event(channel_event("!vote"))
    offer = await slack.wait_for_post()
    bot_clock.advance(timedelta(days=31))

    await vote(slack, offer["response"]["message"])

    expired = await slack.wait_for_post(lambda p: "expired" in p["args"].get("text", ""))
    assert expired["args"]["text"].startswith("This button has expired")
    assert await bot.interactions.prune() == 1
    async with bot.storage.engine.connect() as connection:
        rows = (await connection.execute(sa.select(tables.interactions))).all()
    assert rows == []


async def test_a_form_opened_after_its_expiry_says_so(
    slack: SlackEmulator, start_bot: StartBot, bot_clock: ManualClock
) -> None:
    await start_bot()
    await slack.send_event(dm_event(slack, "survey"))
    offer = await slack.wait_for_post()
    bot_clock.advance(timedelta(days=31))
    button = offer["args"]["blocks"][-1]["elements"][-1]

    envelope = await slack.send_block_action(
        button["action_id"],
        channel_id=offer["args"]["channel"],
        message=offer["response"]["message"],
    )

    await slack.wait_for_ack(envelope["envelope_id"])
    expired = await slack.wait_for_post(lambda p: "expired" in p["args"].get("text", ""))
    assert expired["args"]["text"].startswith("This button has expired")
    assert not [p for p in slack.posted if p["method"] == "views.open"]
