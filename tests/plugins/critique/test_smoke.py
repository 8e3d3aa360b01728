from __future__ import annotations

from datetime import timedelta

from plugins.critique.helpers import button, grant, last, plain, submit, critique_text
from salon.core.testing import SalonHarness


async def test_smoke(salon_bot: SalonHarness) -> None:
    await salon_bot.send("hello", as_="bob")
    await salon_bot.send("hello", as_="alice")
    r = await salon_bot.send("!credits", as_="alice")
    print(plain(r))
    await grant(salon_bot, "alice", "5")
    r = await submit(salon_bot, "alice")
    print(plain(r))
    r = await salon_bot.press(button(r, "Submit"), as_="alice", dm=True)
    print(plain(r))
    r = await salon_bot.send("!critique round open", as_="olive")
    print(plain(r))
    r = await salon_bot.press(button(r, "Critique this"), as_="bob")
    print(plain(r))
    r = await salon_bot.press(button(r, "Write critique"), as_="bob", dm=True)
    print(plain(r))
    for text in (
        critique_text(200),
        critique_text(100),
        critique_text(50),
        "1. yes",
        "¶2: lovely line\n¶3: slow",
    ):
        r = await salon_bot.send(text, as_="bob", dm=True)
        print(plain(r))
    r = await salon_bot.press(button(r, "4"), as_="alice", dm=True)
    print(plain(r))
    r = await salon_bot.send("!critique stats", as_="bob")
    print(plain(r))
    r = await salon_bot.send("!critique round open", as_="olive")
    print(plain(r))
    r = await salon_bot.send("critique compile 1 docx", as_="alice", dm=True)
    print(plain(r), r[-1].outbound.files)
    r = await salon_bot.send("!critique mine", as_="alice")
    print(plain(r))
    r = await salon_bot.send("!credits", as_="bob")
    print(plain(r))
