"""Buttons, long replies, images and members the bot cannot reach yet."""

from __future__ import annotations

from typing import Any

from emulators.telegram import TelegramEmulator
from emulators.telegram.html_check import parse_html

from salon.adapters.telegram.render import HTML
from salon.core import Image, Outbound, SpaceRef, bold, md

# `salon` is the TelegramSalon fixture from conftest.py.


async def test_a_button_press_is_answered_and_the_message_edited(
    tg: TelegramEmulator, salon: Any
) -> None:
    ana = tg.add_user("Ana", "ana")
    group = tg.add_group("Writers", supergroup=True)
    async with salon.running():
        tg.user_sends(ana, group, "/choose")
        asked = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == group.id)
        keyboard = asked.params["reply_markup"]["inline_keyboard"]
        data = [button["callback_data"] for row in keyboard for button in row]
        assert [b["text"] for row in keyboard for b in row] == ["Join", "Skip", "Later"]
        assert [d.rpartition(":")[2] for d in data] == ["0", "1", "2"]
        assert len({d.rpartition(":")[0] for d in data}) == 1  # one key for the message
        assert all(len(d.encode()) <= 64 for d in data)  # the long value stays in the table

        pressed = tg.user_presses(ana, asked, data[0])
        edited = await tg.wait_for("editMessageText")
        mark = len(tg.sent)
        tg.user_sends(ana, group, "/choose")
        again = await tg.wait_for("sendMessage", since=mark)
        tg.user_presses(ana, again, data[2])
        later = await tg.wait_for("editMessageText", since=mark)

    assert {"callback_query_id": pressed["callback_query"]["id"]} in tg.answered_callbacks
    assert len(tg.answered_callbacks) == 2
    assert edited.params["message_id"] == asked.result["message_id"]
    assert edited.result["text"] == "You chose yes."
    assert edited.result["entities"] == [{"type": "bold", "offset": 10, "length": 3}]
    assert "reply_markup" not in edited.result  # the choice was made: no more buttons
    assert later.result["text"] == "You chose later."


async def test_a_long_reply_is_split_into_valid_messages(tg: TelegramEmulator, salon: Any) -> None:
    ana = tg.add_user("Ana", "ana")
    async with salon.running():
        tg.user_sends(ana, tg.private_chat(ana), "/essay")
        await tg.wait_for("sendMessage", lambda c: "Section 59" in c.result["text"], timeout=10)

    calls = [c for c in tg.calls if c.method == "sendMessage"]
    parts = tg.sent_by("sendMessage")
    assert len(parts) >= 3
    assert all(call.status == 200 for call in calls)  # the emulator's TDLib parser took each
    for part in parts:
        parse_html(part.params["text"])
        assert len(part.result["text"]) <= 4096
    whole = parse_html(HTML.render(salon.essay())).text
    assert _squeeze("".join(part.result["text"] for part in parts)) == _squeeze(whole)
    assert sum(1 for part in parts for e in part.result.get("entities", []) if e["type"] == "bold")


async def test_an_image_is_uploaded_with_its_caption(tg: TelegramEmulator, salon: Any) -> None:
    ana = tg.add_user("Ana", "ana", started=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (4).to_bytes(4, "big") * 2 + b"\x08\x02"
    async with salon.running() as bot:
        bot.send(
            Outbound(
                md("Words this week: ", bold("12,000")),
                space=SpaceRef("telegram", str(ana.id)),
                image=Image(png, filename="chart.png", alt_text="a chart"),
            )
        )
        sent = await tg.wait_for("sendPhoto")

    assert sent.files["photo"].data == png
    assert sent.files["photo"].filename == "chart.png"
    assert sent.result["caption"] == "Words this week: 12,000"


async def test_an_unreachable_member_is_reported_to_the_organiser(
    tg: TelegramEmulator, salon: Any
) -> None:
    olive = tg.add_user("Olive", "olive", started=True)
    ana = tg.add_user("Ana", "ana")
    bob = tg.add_user("Bob", "bob")  # never pressed Start
    group = tg.add_group("Writers", supergroup=True)
    async with salon.running(organisers=[f"telegram:{olive.id}"]):
        tg.user_sends(bob, group, "hi all")
        tg.user_sends(ana, group, f"/nudge {bob.id}")
        notice = await tg.wait_for("sendMessage", lambda c: c.params["chat_id"] == olive.id)
        refused = [c for c in tg.calls if c.method == "sendMessage" and c.status == 403]

        mark = len(tg.sent)
        tg.user_sends(bob, group, "what did I miss?")
        reminder = await tg.wait_for(
            "sendMessage", lambda c: "press Start" in c.result["text"], since=mark
        )

        mark = len(tg.sent)
        tg.user_sends(bob, tg.private_chat(bob), "/start hello")
        missed = await tg.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == bob.id and "sprint" in c.result["text"]
        )
        greeting = await tg.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == bob.id and "Hello" in c.result["text"]
        )

    assert refused and "initiate conversation" in (refused[0].description or "")
    text = notice.result["text"]
    assert "Bob" in text and "https://t.me/salon_test_bot?start=hello" in text
    mentions = [e for e in notice.result["entities"] if e["type"] == "text_mention"]
    assert [(m["offset"], m["length"], m["user"]["id"]) for m in mentions] == [
        (text.index("Bob"), 3, bob.id)
    ]
    assert reminder.params["chat_id"] == group.id
    assert "https://t.me/salon_test_bot?start=hello" in reminder.result["text"]
    assert missed.result["text"] == "Your sprint starts in 5 minutes."
    assert "Night Owls" in greeting.result["text"]


def _squeeze(text: str) -> str:
    return "".join(text.split())
