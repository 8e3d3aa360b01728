"""Updates salon cannot use (malformed, odd types, from bots, edits, huge) are skipped or
answered kindly; the stream goes on, and nothing is applied twice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulators.telegram import TelegramEmulator


def text_to(chat_id: int) -> Any:
    return lambda call: call.params["chat_id"] == chat_id


def replies(tg: TelegramEmulator, chat_id: int) -> list[str]:
    return [c.result["text"] for c in tg.sent_by("sendMessage") if c.params["chat_id"] == chat_id]


@pytest.mark.parametrize(
    "payload",
    [
        {"message": {"message_id": 1}},  # no date, no chat
        {"message": {"message_id": 1, "date": 1, "chat": "private", "text": "/ping"}},
        {"message": {"message_id": "x", "date": "y", "chat": {"id": 5}, "text": ["/ping"]}},
        {"callback_query": {"id": "1"}},  # no from, no chat_instance
        {"message": None},
        {"surprise": {"new": "update type"}},
    ],
)
async def test_a_malformed_update_does_not_stop_polling(
    tg: TelegramEmulator, salon: Any, payload: dict[str, Any]
) -> None:
    ana = tg.add_user("Ana", "ana")
    chat = tg.private_chat(ana)
    async with salon.running():
        await tg.wait_until_polling()
        tg.inject(payload)
        tg.user_sends(ana, chat, "/ping")
        await tg.wait_for("sendMessage", text_to(chat.id), timeout=10)
    assert replies(tg, chat.id) == ["pong"]


async def test_bots_edits_and_huge_text_are_not_commands(tg: TelegramEmulator, salon: Any) -> None:
    ana = tg.add_user("Ana", "ana")
    other_bot = tg.add_user("Echo", "echo_bot", is_bot=True)
    group = tg.add_group("Writers")
    async with salon.running():
        await tg.wait_until_polling()
        sent = tg.user_sends(other_bot, group, "/ping")
        edited = dict(tg.user_sends(ana, group, "/echo first")["message"], text="/ping")
        tg.inject({"edited_message": edited})
        del sent
        tg.user_sends(ana, group, "/echo " + "x" * 100_000)
        tg.user_sends(ana, group, "/ping")
        await tg.wait_for("sendMessage", lambda c: c.result["text"] == "pong", timeout=10)
    texts = replies(tg, group.id)
    assert texts[0] == "echo: first"
    assert texts[-1] == "pong" and texts.count("pong") == 1  # not for the bot, not the edit
    assert len(texts) == 3 and "x" * 5000 not in texts[1]  # the huge one: a short refusal


async def test_a_malformed_webhook_update_is_acknowledged_and_skipped(
    tg: TelegramEmulator, salon: Any
) -> None:
    ana = tg.add_user("Ana", "ana")
    async with salon.webhook_running() as (bot, url):
        headers = {"X-Telegram-Bot-Api-Secret-Token": salon.secret}
        async with httpx.AsyncClient() as client:
            statuses = [
                (await client.post(url, content=body, headers=headers)).status_code
                for body in (b'{"update_id": 1, "message": {"message_id": 1}}', b"[1]", b"{")
            ]
        await salon.adapter(bot).set_webhook(url)
        tg.user_sends(ana, tg.private_chat(ana), "/ping")
        await tg.wait_for("sendMessage", text_to(ana.id))

    # Refusing would make Telegram send it again and again, holding back what comes after.
    assert statuses == [200, 200, 200]
