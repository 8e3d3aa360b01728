"""The message model on Telegram: long DMs, documents in (getFile), documents and photos out
(sendDocument, sendPhoto), edits that keep their buttons, deletes, buttons that expire."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from documents import docx_bytes
from emulators.telegram import TelegramEmulator
from messages_plugin import ICS, PNG, MessagesPlugin

from salon.core import ManualClock
from salon.core.storage import sa, tables

# `salon` is the TelegramSalon fixture from conftest.py.


@pytest.fixture
def messages() -> MessagesPlugin:
    return MessagesPlugin()


def texts(tg: TelegramEmulator) -> list[str]:
    return [c.result.get("text", "") for c in tg.sent_by("sendMessage")]


async def test_a_40000_character_dm_answer_is_accepted(
    tg: TelegramEmulator, salon: Any, messages: MessagesPlugin
) -> None:
    ana = tg.add_user("Ana", "ana")
    dm = tg.private_chat(ana)
    chapter = ("She wrote and wrote. " * 2000)[:40_000]
    async with salon.running(plugins=[("messagestest", messages)]):
        tg.user_sends(ana, dm, "/chapter")
        await tg.wait_for("sendMessage", lambda c: "Paste" in c.result["text"])
        tg.user_sends(ana, dm, chapter)
        await tg.wait_for("sendMessage", lambda c: "got your chapter" in c.result["text"])

    assert messages.answers == [chapter]
    assert "got your chapter: 40,000 characters" in texts(tg)


async def test_a_9000_character_group_message_is_refused_with_the_explanation(
    tg: TelegramEmulator, salon: Any
) -> None:
    ana = tg.add_user("Ana", "ana")
    group = tg.add_group("Writers", supergroup=True)
    async with salon.running():
        tg.user_sends(ana, group, "!echo " + "w" * 8994)
        refusal = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == group.id)

    text = refusal.result["text"]
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
    tg: TelegramEmulator,
    salon: Any,
    messages: MessagesPlugin,
    name: str,
    content: bytes,
    expected: str,
) -> None:
    ana = tg.add_user("Ana", "ana")
    async with salon.running(plugins=[("messagestest", messages)]):
        tg.user_sends_document(ana, tg.private_chat(ana), name, content)
        reply = await tg.wait_for("sendMessage")

    assert reply.result["text"] == expected
    assert [c.method for c in tg.calls if c.method == "getFile"] == ["getFile"]


async def test_an_oversized_file_is_refused_and_not_downloaded(
    tg: TelegramEmulator, salon: Any, messages: MessagesPlugin
) -> None:
    ana = tg.add_user("Ana", "ana")
    async with salon.running(plugins=[("messagestest", messages)]):
        big = b"x" * (3 * 1024 * 1024)
        tg.user_sends_document(ana, tg.private_chat(ana), "novel.txt", big)
        reply = await tg.wait_for("sendMessage")

    assert (
        "“novel.txt” is 3 MB; the limit is 2 MB, so I haven't downloaded it"
        in (reply.result["text"])
    )
    assert not [c for c in tg.calls if c.method == "getFile"]


async def test_an_ics_file_and_a_png_are_uploaded(
    tg: TelegramEmulator, salon: Any, messages: MessagesPlugin
) -> None:
    ana = tg.add_user("Ana", "ana")
    group = tg.add_group("Writers", supergroup=True)
    async with salon.running(plugins=[("messagestest", messages)]):
        tg.user_sends(ana, group, "/invite")
        document = await tg.wait_for("sendDocument")

    [photo] = tg.sent_by("sendPhoto")
    assert photo.result["caption"] == "The write-in is on Saturday."
    assert tg.world.files[photo.result["photo"][0]["file_id"]].data == PNG
    assert document.result["document"]["file_name"] == "write-in.ics"
    assert document.result["document"]["mime_type"] == "text/calendar"
    assert tg.world.files[document.result["document"]["file_id"]].data == ICS


async def test_a_message_edited_twice_keeps_working_buttons_then_is_deleted(
    tg: TelegramEmulator, salon: Any, messages: MessagesPlugin
) -> None:
    ana = tg.add_user("Ana", "ana")
    group = tg.add_group("Writers", supergroup=True)
    async with salon.running(plugins=[("messagestest", messages)]):
        tg.user_sends(ana, group, "/vote")
        offer = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == group.id)
        chat_id, message_id = group.id, offer.result["message_id"]
        for count in (1, 2):
            current = tg.world.message(chat_id, message_id)
            assert current is not None
            [plus, _] = [b for row in current["reply_markup"]["inline_keyboard"] for b in row]
            tg.user_presses(ana, current, plus["callback_data"])
            await tg.wait_for(
                "editMessageText", lambda c, n=count: c.result["text"] == f"Votes: {n}"
            )
        edited = tg.world.message(chat_id, message_id)
        assert edited is not None and edited["text"] == "Votes: 2" and "edit_date" in edited
        [_, remove] = [b for row in edited["reply_markup"]["inline_keyboard"] for b in row]
        assert remove["text"] == "Remove"
        tg.user_presses(ana, edited, remove["callback_data"])
        await tg.wait_for("deleteMessage")

    assert tg.world.message(chat_id, message_id) is None


async def test_a_button_pressed_after_its_expiry_says_so_and_the_table_is_pruned(
    tg: TelegramEmulator, salon: Any, messages: MessagesPlugin
) -> None:
    ana = tg.add_user("Ana", "ana")
    group = tg.add_group("Writers", supergroup=True)
    clock = ManualClock()
    async with salon.running(plugins=[("messagestest", messages)], clock=clock) as bot:
        tg.user_sends(ana, group, "/vote")
        offer = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == group.id)
        clock.advance(timedelta(days=31))
        keyboard = offer.result["reply_markup"]["inline_keyboard"]
        tg.user_presses(ana, offer, keyboard[0][0]["callback_data"])
        expired = await tg.wait_for("sendMessage", lambda c: "expired" in c.result["text"])
        assert await bot.interactions.prune() == 1
        async with bot.storage.engine.connect() as connection:
            rows = (await connection.execute(sa.select(tables.interactions))).all()

    assert expired.result["text"].startswith("This button has expired")
    assert rows == []


async def test_a_picture_with_buttons_is_edited_through_its_caption(
    tg: TelegramEmulator, salon: Any, messages: MessagesPlugin
) -> None:
    ana = tg.add_user("Ana", "ana")
    group = tg.add_group("Writers", supergroup=True)
    async with salon.running(plugins=[("messagestest", messages)]):
        tg.user_sends(ana, group, "/poster")
        poster = await tg.wait_for("sendPhoto")
        [plus, _] = [b for row in poster.result["reply_markup"]["inline_keyboard"] for b in row]
        tg.user_presses(ana, poster, plus["callback_data"])
        edited = await tg.wait_for("editMessageCaption")

    assert edited.result["caption"] == "Votes: 1"
    assert [b["text"] for row in edited.result["reply_markup"]["inline_keyboard"] for b in row] == [
        "+1",
        "Remove",
    ]
