from __future__ import annotations

from plugins.challenges.helpers import last, plain
from salon.core.testing import SalonHarness


async def test_smoke(salon_bot: SalonHarness) -> None:
    r = await salon_bot.send('!challenge create "NaNo" 3000 words 2026-01-05..2026-02-03', as_="olive")
    print(plain(r))
    r = await salon_bot.send("!challenge join NaNo", as_="alice")
    print(plain(r))
    r = await salon_bot.send("!wc 1200", as_="alice")
    print(plain(r), [d.outbound.body.plain() for d in salon_bot.sent_to("alice")])
    r = await salon_bot.send("!challenge", as_="alice")
    print(plain(r))
    r = await salon_bot.send("!leaderboard", as_="alice")
    print(plain(r))
    r = await salon_bot.send("!leaderboard NaNo", as_="alice")
    print(plain(r))
    r = await salon_bot.send("!badges", as_="alice")
    print(plain(r))
    r = await salon_bot.send("!wc 2000", as_="alice")
    print(plain(r), [d.outbound.body.plain() for d in salon_bot.sent_to("alice")])
    r = await salon_bot.send("!challenge end NaNo", as_="olive")
    print(plain(r), r)
    r = await salon_bot.send("!help challenge", as_="alice")
    print(plain(r))
    assert last(r)
