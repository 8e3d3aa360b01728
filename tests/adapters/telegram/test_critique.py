"""The critique exchange on Telegram, through python-telegram-bot and the emulator: a .docx
sent in the private chat with the command as its caption, the dialog's questions one by one
(Telegram shows no forms), and the cost's inline buttons."""

from __future__ import annotations

from typing import Any

from documents import docx_bytes
from emulators.telegram import TelegramEmulator

PARAGRAPHS = [" ".join(f"w{p}x{i}" for i in range(80)) for p in range(5)]


def buttons(call: Any) -> dict[str, str]:
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in keyboard for b in row}


async def test_submitting_a_docx_on_telegram(tg: TelegramEmulator, salon: Any) -> None:
    ana = tg.add_user("Ana", "ana")
    chat = tg.private_chat(ana)
    async with salon.running():
        tg.user_sends_document(
            ana, chat, "lighthouse.docx", docx_bytes(*PARAGRAPHS), caption="/critique submit"
        )
        await tg.wait_for("sendMessage", lambda c: "What is the piece called" in c.result["text"])
        for answer in ("The Lighthouse", "skip", "skip", "Does it land?"):
            mark = len(tg.sent)
            tg.user_sends(ana, chat, answer)
            await tg.wait_for("sendMessage", since=mark)
        cost = await tg.wait_for("sendMessage", lambda c: "Submitting it costs" in c.result["text"])
        assert "400 words in 5 paragraphs" in cost.result["text"]
        choices = buttons(cost)
        assert list(choices) == ["Submit for 3 credits", "Cancel"]
        mark = len(tg.sent)
        tg.user_presses(ana, cost, choices["Submit for 3 credits"])
        refused = await tg.wait_for("sendMessage", since=mark)
        assert "costs 3 credits and you have 2 credits" in refused.result["text"]
        mark = len(tg.sent)
        tg.user_presses(ana, cost, choices["Cancel"])
        cancelled = await tg.wait_for("sendMessage", since=mark)
        assert "Cancelled: The Lighthouse was not submitted" in cancelled.result["text"]
