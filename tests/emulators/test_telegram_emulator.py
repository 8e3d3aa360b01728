"""The Telegram emulator, proven against the real python-telegram-bot over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulators.telegram import TelegramEmulator
from emulators.telegram.fixtures import telegram_emulator  # noqa: F401
from emulators.telegram.server import serve

OTHER_TOKEN = "7000000002:AAAnotherWellFormedTokenForTests_0123"


@pytest.fixture
def tg(telegram_emulator: TelegramEmulator) -> TelegramEmulator:  # noqa: F811
    """Shorter name for the emulator fixture."""
    return telegram_emulator


@pytest.fixture
async def bot(tg: TelegramEmulator) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the emulator."""
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as bot:
        yield bot


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG whose bytes include CR/LF, to prove the multipart path is binary-safe."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x0d\x0a\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@contextlib.asynccontextmanager
async def polling_app(
    tg: TelegramEmulator, *handlers: Any
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """A PTB Application polling the emulator; waits until its long poll is connected."""
    app = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await tg.wait_until_polling()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def pong(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("<b>pong</b>", parse_mode=ParseMode.HTML)


# -- identity and tokens ------------------------------------------------------------------------


async def test_get_me_returns_the_bot(tg: TelegramEmulator, bot: Bot) -> None:
    me = await bot.get_me()

    assert me.id == tg.bot.id
    assert me.is_bot
    assert me.username == "salon_test_bot"
    assert me.can_join_groups is True


async def test_a_wrong_token_is_rejected_like_telegram(tg: TelegramEmulator) -> None:
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{tg.base_url}{OTHER_TOKEN}/getMe")
        malformed = await client.post(f"{tg.base_url}not-a-token/getMe")
        unknown = await client.post(f"{tg.base_url}{tg.token}/noSuchMethod")

    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert malformed.status_code == 404
    assert unknown.json()["description"] == "Not Found"
    with pytest.raises(InvalidToken):
        async with Bot(OTHER_TOKEN, base_url=tg.base_url) as bad:
            await bad.get_me()


async def test_methods_accept_json_bodies_and_any_case(tg: TelegramEmulator) -> None:
    user = tg.add_user("Ana", "ana", started=True)
    async with httpx.AsyncClient() as client:
        me = await client.get(f"{tg.base_url}{tg.token}/getMe")
        response = await client.post(
            f"{tg.base_url}{tg.token}/SENDMESSAGE",
            json={"chat_id": user.id, "text": "hi", "reply_markup": '{"inline_keyboard": []}'},
        )

    assert me.json()["result"]["username"] == "salon_test_bot"
    assert response.json()["ok"] is True
    assert response.json()["result"]["text"] == "hi"


# -- sendMessage --------------------------------------------------------------------------------


async def test_send_message_with_html_returns_entities(tg: TelegramEmulator, bot: Bot) -> None:
    ana = tg.add_user("Ana", "ana", started=True)

    message = await bot.send_message(
        ana.id,
        '<b>Hi</b> <i>Ana</i> &amp; <a href="https://example.org/">friends</a> 🎉',
        parse_mode=ParseMode.HTML,
    )

    assert message.text == "Hi Ana & friends 🎉"
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, 2),
        ("italic", 3, 3),
        ("text_link", 9, 7),
    ]
    sent = await tg.wait_for("sendMessage")
    assert sent.params["chat_id"] == ana.id
    assert sent.params["parse_mode"] == "HTML"
    assert sent.result["message_id"] == message.message_id


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("<b>unclosed", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<div>x</div>", 'unsupported start tag "div" at byte offset 0'),
        ("1 < 2", 'unsupported start tag "" at byte offset 2'),
        ("<span>x</span>", 'tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("x</b>", "unexpected end tag at byte offset 1"),
    ],
)
async def test_broken_html_is_a_bad_request(
    tg: TelegramEmulator, bot: Bot, markup: str, reason: str
) -> None:
    ana = tg.add_user("Ana", started=True)

    with pytest.raises(BadRequest) as caught:
        await bot.send_message(ana.id, markup, parse_mode=ParseMode.HTML)

    # PTB strips "Bad Request: " and .capitalize()s the rest, lower-casing everything after.
    assert caught.value.message.lower() == f"can't parse entities: {reason}".lower()
    assert tg.calls[-1].status == 400
    assert tg.sent_by("sendMessage") == []


async def test_length_is_counted_after_entity_parsing(tg: TelegramEmulator, bot: Bot) -> None:
    ana = tg.add_user("Ana", started=True)

    fits = await bot.send_message(ana.id, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ana.id, "x" * 4097)

    assert fits.text == "&" * 4096


async def test_unknown_chat_and_empty_text_are_bad_requests(tg: TelegramEmulator, bot: Bot) -> None:
    ana = tg.add_user("Ana", started=True)

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(123456, "hello")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(ana.id, "   ")


async def test_private_chat_needs_the_user_to_have_started_the_bot(
    tg: TelegramEmulator, bot: Bot
) -> None:
    ana = tg.add_user("Ana", "ana")

    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(ana.id, "hello")
    tg.user_sends(ana, tg.private_chat(ana), "hi bot")
    await bot.send_message(ana.id, "hello")
    tg.block(ana)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ana.id, "still there?")


async def test_rate_limit_raises_retry_after(
    tg: TelegramEmulator, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # opt in to PTB's timedelta retry_after
    ana = tg.add_user("Ana", started=True)
    tg.rate_limit(method="sendMessage", times=2, retry_after=3)

    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ana.id, "flood")
        assert caught.value.retry_after == dtm.timedelta(seconds=3)
    await bot.get_me()  # other methods are not limited
    await bot.send_message(ana.id, "after the wait")

    assert [call.status for call in tg.calls if call.method == "sendMessage"] == [429, 429, 200]


async def test_reply_parameters_and_forum_topics(tg: TelegramEmulator, bot: Bot) -> None:
    ana = tg.add_user("Ana", "ana")
    forum = tg.add_group("Writers", forum=True)
    topic = tg.add_topic(forum, "Drafts")
    asked = tg.user_sends(ana, forum, "anyone?", message_thread_id=topic.message_thread_id)

    reply = await bot.send_message(
        forum.id,
        "here",
        message_thread_id=topic.message_thread_id,
        reply_to_message_id=asked["message"]["message_id"],
    )

    assert reply.message_thread_id == topic.message_thread_id
    assert reply.is_topic_message
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "anyone?"
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(forum.id, "x", message_thread_id=999)
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(forum.id, "x", reply_to_message_id=999)


# -- polling through a real Application ---------------------------------------------------------


async def test_application_polling_answers_ping(tg: TelegramEmulator) -> None:
    ana = tg.add_user("Ana", "ana")

    async with polling_app(tg, CommandHandler("ping", pong)):
        update = tg.user_sends(ana, tg.private_chat(ana), "/ping")
        sent = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == ana.id)

    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 5}]
    assert sent.params["text"] == "<b>pong</b>"
    assert sent.result["text"] == "pong"
    assert sent.result["entities"] == [{"type": "bold", "offset": 0, "length": 4}]


async def test_command_addressed_to_the_bot_in_a_forum_topic(tg: TelegramEmulator) -> None:
    ana = tg.add_user("Ana", "ana")
    forum = tg.add_group("Writers", forum=True)
    topic = tg.add_topic(forum, "Sprints")

    async with polling_app(tg, CommandHandler("ping", pong)):
        tg.user_sends(ana, forum, "/ping@salon_test_bot", message_thread_id=topic.message_thread_id)
        sent = await tg.wait_for("sendMessage")

    # PTB's reply_text keeps the reply in the topic the command came from.
    assert sent.params["chat_id"] == forum.id
    assert sent.params["message_thread_id"] == topic.message_thread_id
    assert sent.result["is_topic_message"] is True


async def test_a_restarted_poller_does_not_see_confirmed_updates(tg: TelegramEmulator) -> None:
    ana = tg.add_user("Ana", "ana")
    seen: list[str] = []
    second_seen = asyncio.Event()

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(update.effective_message.text or "")
        if update.effective_message.text == "second":
            second_seen.set()

    async with polling_app(tg, CommandHandler("ping", pong)):
        tg.user_sends(ana, tg.private_chat(ana), "/ping")
        await tg.wait_for("sendMessage")
        mark = len(tg.sent)
        tg.user_sends(ana, tg.private_chat(ana), "/ping again")
        await tg.wait_for("sendMessage", since=mark)
    # Stopping the updater confirmed "/ping" with a final getUpdates(offset=last + 1).
    assert tg.updates.pending == []

    async with polling_app(tg, MessageHandler(filters.TEXT, record)):
        tg.user_sends(ana, tg.private_chat(ana), "second")
        await asyncio.wait_for(second_seen.wait(), 5)

    assert seen == ["second"]


async def test_get_updates_offset_limit_and_long_poll(tg: TelegramEmulator, bot: Bot) -> None:
    ana = tg.add_user("Ana", "ana")
    ids = [tg.user_sends(ana, tg.private_chat(ana), f"m{n}")["update_id"] for n in range(3)]

    assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates()] == ids[1:]  # ids[0] was confirmed
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[2:]
    assert await bot.get_updates(offset=ids[2] + 1) == ()

    waiting = asyncio.create_task(bot.get_updates(offset=ids[2] + 1, timeout=10))
    await tg.wait_until_polling()
    late = tg.user_sends(ana, tg.private_chat(ana), "late")
    updates = await asyncio.wait_for(waiting, 5)

    assert [u.update_id for u in updates] == [late["update_id"]]
    assert updates[0].message is not None and updates[0].message.text == "late"


async def test_a_newer_get_updates_terminates_the_waiting_one(
    tg: TelegramEmulator, bot: Bot
) -> None:
    # A second Bot: PTB's getUpdates pool holds one connection, so one Bot cannot overlap polls.
    async with Bot(tg.token, base_url=tg.base_url) as second_instance:
        first = asyncio.create_task(bot.get_updates(timeout=10))
        await tg.wait_until_polling()

        assert await second_instance.get_updates() == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 5)


async def test_allowed_updates_filters_new_updates(tg: TelegramEmulator, bot: Bot) -> None:
    ana = tg.add_user("Ana", "ana", started=True)
    sent = await bot.send_message(
        ana.id,
        "pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
    )
    await bot.get_updates(allowed_updates=["message"])

    tg.user_presses(ana, sent.to_dict(), "a")
    tg.user_sends(ana, tg.private_chat(ana), "text")

    assert [u.message.text for u in await bot.get_updates() if u.message] == ["text"]
    assert len(await bot.get_updates()) == 1


# -- buttons, edits, commands, chats, photos ----------------------------------------------------


async def test_button_press_is_answered_and_the_message_edited(tg: TelegramEmulator) -> None:
    ana = tg.add_user("Ana", "ana")

    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Yes", callback_data="yes")],
                [InlineKeyboardButton("No", callback_data="no")],
            ]
        )
        await update.effective_message.reply_text("Join the sprint?", reply_markup=keyboard)

    async def choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"You chose {query.data}")
        await query.edit_message_text(f"<i>{query.data}</i>", parse_mode=ParseMode.HTML)

    async with polling_app(tg, CommandHandler("menu", menu), CallbackQueryHandler(choice)):
        tg.user_sends(ana, tg.private_chat(ana), "/menu")
        asked = await tg.wait_for("sendMessage")
        assert asked.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
        update = tg.user_presses(ana, asked, "yes")
        edited = await tg.wait_for("editMessageText")

    assert tg.answered_callbacks == [
        {"callback_query_id": update["callback_query"]["id"], "text": "You chose yes"}
    ]
    assert edited.result["text"] == "yes"
    assert "reply_markup" not in edited.result  # editing without reply_markup drops buttons
    assert tg.world.message(ana.id, asked.result["message_id"])["text"] == "yes"
    with pytest.raises(ValueError, match="no button"):
        tg.user_presses(ana, asked, "no")  # the keyboard is gone


async def test_edit_errors_match_telegram(tg: TelegramEmulator, bot: Bot) -> None:
    ana = tg.add_user("Ana", started=True)
    message = await bot.send_message(ana.id, "same")

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("same", chat_id=ana.id, message_id=message.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=ana.id, message_id=999)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("42")


async def test_set_and_get_my_commands(tg: TelegramEmulator, bot: Bot) -> None:
    await bot.set_my_commands([("ping", "Check the bot"), ("checkin", "Log your words")])

    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("ping", "Check the bot"),
        ("checkin", "Log your words"),
    ]
    assert tg.commands() == [
        {"command": "ping", "description": "Check the bot"},
        {"command": "checkin", "description": "Log your words"},
    ]
    assert await bot.get_my_commands(language_code="de") == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([("Bad-Name", "nope")])


async def test_get_chat_returns_full_info(tg: TelegramEmulator, bot: Bot) -> None:
    group = tg.add_group("Writers", supergroup=True, username="salonwriters")

    chat = await bot.get_chat(group.id)
    by_name = await bot.get_chat("@salonwriters")

    assert (chat.id, chat.type, chat.title) == (group.id, "supergroup", "Writers")
    assert by_name.id == group.id
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(-1)


async def test_send_photo_upload_is_recorded_and_downloadable(
    tg: TelegramEmulator, bot: Bot
) -> None:
    ana = tg.add_user("Ana", started=True)
    png = tiny_png(3, 2)

    message = await bot.send_photo(
        ana.id, png, caption="<i>chart</i>", parse_mode=ParseMode.HTML, filename="chart.png"
    )

    sent = await tg.wait_for("sendPhoto")
    assert sent.files["photo"].data == png
    assert sent.files["photo"].filename == "chart.png"
    assert message.caption == "chart"
    assert [(e.type, e.offset, e.length) for e in message.caption_entities] == [("italic", 0, 5)]
    assert (message.photo[-1].width, message.photo[-1].height) == (3, 2)
    file = await bot.get_file(message.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == png
    again = await bot.send_photo(ana.id, message.photo[-1].file_id)  # re-send by file_id
    assert again.photo[-1].file_unique_id == message.photo[-1].file_unique_id


# -- webhooks -----------------------------------------------------------------------------------


async def test_webhook_delivers_updates_with_the_secret_header(
    tg: TelegramEmulator, bot: Bot
) -> None:
    received: asyncio.Queue[tuple[dict[str, str], bytes]] = asyncio.Queue()

    async def hook(request: Request) -> Response:
        await received.put((dict(request.headers), await request.body()))
        return Response(status_code=200)

    receiver = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    ana = tg.add_user("Ana", "ana")
    async with serve(receiver) as port:
        url = f"http://127.0.0.1:{port}/hook"
        assert await bot.set_webhook(url, secret_token="s3cret-token")
        with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
            await bot.get_updates()

        injected = tg.user_sends(ana, tg.private_chat(ana), "/ping")
        headers, body = await asyncio.wait_for(received.get(), 5)
        info = await bot.get_webhook_info()
        assert await bot.delete_webhook()

    assert headers["x-telegram-bot-api-secret-token"] == "s3cret-token"
    assert headers["content-type"] == "application/json"
    update = Update.de_json(json.loads(body), bot)
    assert update.update_id == injected["update_id"]
    assert update.message is not None and update.message.text == "/ping"
    assert update.message.from_user is not None and update.message.from_user.id == ana.id
    assert info.url == url
    assert tg.webhook_deliveries[0].status_code == 200
    assert await bot.get_updates() == ()  # delivered updates are gone


async def test_failed_webhook_delivery_is_retried(tg: TelegramEmulator, bot: Bot) -> None:
    attempts: list[int] = []
    accepted = asyncio.Event()

    async def flaky(request: Request) -> Response:
        attempts.append(1)
        if len(attempts) == 1:
            return Response(status_code=500)
        accepted.set()
        return Response(status_code=200)

    ana = tg.add_user("Ana", "ana")
    async with serve(Starlette(routes=[Route("/hook", flaky, methods=["POST"])])) as port:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
        tg.user_sends(ana, tg.private_chat(ana), "hello")
        await asyncio.wait_for(accepted.wait(), 5)
        await bot.delete_webhook()

    assert [d.status_code for d in tg.webhook_deliveries] == [500, 200]
    assert (
        tg.webhook_deliveries[0].error
        == "Wrong response from the webhook: 500 Internal Server Error"
    )


async def test_documents_go_both_ways_and_messages_can_be_deleted(
    tg: TelegramEmulator, bot: Bot
) -> None:
    ana = tg.add_user("Ana", "ana", started=True)
    sent = await bot.send_document(ana.id, b"BEGIN:VCALENDAR\r\n", filename="write-in.ics")
    assert sent.document is not None and sent.document.file_name == "write-in.ics"
    assert sent.document.mime_type == "text/calendar"

    update = tg.user_sends_document(ana, tg.private_chat(ana), "ch1.md", b"# One", caption="mine")
    document = update["message"]["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "ch1.md",
        "text/markdown",
        5,
    )
    file = await bot.get_file(document["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"# One"

    assert await bot.delete_message(ana.id, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(ana.id, sent.message_id)


async def test_get_file_refuses_files_over_20_mb(tg: TelegramEmulator, bot: Bot) -> None:
    ana = tg.add_user("Ana", "ana")
    update = tg.user_sends_document(ana, tg.private_chat(ana), "huge.bin", b"\0" * (20 * 2**20 + 1))
    with pytest.raises(BadRequest, match="(?i)file is too big"):
        await bot.get_file(update["message"]["document"]["file_id"])
