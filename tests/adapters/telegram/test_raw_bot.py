"""``TelegramBot``'s raw calls go through PTB's public ``do_api_request``, quietly."""

from __future__ import annotations

import warnings

from emulators.telegram import TelegramEmulator
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from salon.adapters.telegram import raw_bot
from salon.adapters.telegram.raw_bot import TelegramBot


def make_bot(tg: TelegramEmulator) -> TelegramBot:
    return TelegramBot(
        tg.token,
        base_url=tg.base_url,
        base_file_url=tg.base_file_url,
        request=HTTPXRequest(),
        get_updates_request=HTTPXRequest(),
    )


async def test_raw_calls_return_json_without_warnings(tg: TelegramEmulator) -> None:
    ana = tg.add_user("Ana", "ana")
    tg.user_sends(ana, tg.private_chat(ana), "hello")
    bot = make_bot(tg)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        raw_bot.silence_advice()  # as at import, before pytest's own filters
        await bot.initialize()
        try:
            updates = await bot.get_raw_updates(None, 0, ("message",), read_timeout=None)
            message_id = await bot.send_html({"chat_id": ana.id, "text": "<b>hi</b>"})
        finally:
            await bot.shutdown()
    assert isinstance(updates, list) and updates[0]["message"]["text"] == "hello"
    assert isinstance(message_id, int)
    assert tg.sent_by("sendMessage")[-1].params["text"] == "<b>hi</b>"
    assert [w for w in caught if issubclass(w.category, PTBUserWarning)] == []


async def test_repr_names_the_bot_not_the_token(tg: TelegramEmulator) -> None:
    bot = make_bot(tg)
    assert tg.token not in repr(bot) and "username=None" in repr(bot)
    await bot.initialize()
    try:
        assert tg.token not in repr(bot) and f"username={bot.username}" in repr(bot)
    finally:
        await bot.shutdown()
