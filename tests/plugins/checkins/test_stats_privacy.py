"""stats (chart or sparkline), my data, forget me with its confirmation button."""

from __future__ import annotations

import sys
import warnings
from datetime import timedelta

import pytest

from plugins.checkins.helpers import join, last, person_id, setup_checkin, snapshot
from salon.core import Capabilities
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.checkins import tables
from salon.plugins.checkins.charts import can_draw_charts

PNG = b"\x89PNG\r\n\x1a\n"


async def test_stats_sends_a_chart(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!goal 500 words daily")
    for amount in (300, 700, 450):
        await salon_bot.send(f"!wc {amount}")
        salon_bot.clock.advance(timedelta(days=1))
    await salon_bot.send("!wc 100", as_="bob")
    replies = await salon_bot.send("!stats")
    image = replies[-1].outbound.image
    assert image is not None and image.data.startswith(PNG)
    assert "words per day" in image.alt_text
    text = last(replies)
    assert "Last 30 days: 1,450 words on 3 days." in text
    assert "Best day: 700" in text
    assert "Streak: 3 days" in text
    assert "The group this week: 1,550 words from 2 writers" in text


async def test_a_name_with_invisible_characters_draws_cleanly(salon_bot: SalonHarness) -> None:
    await salon_bot.send("!wc 800", as_="Ann\x00\u202e\u200b")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        replies = await salon_bot.send("!stats", as_="Ann\x00\u202e\u200b")
    assert replies[-1].outbound.image is not None
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []


async def test_stats_without_images_is_a_sparkline(salon_bot: SalonHarness) -> None:
    salon_bot.adapter.capabilities = Capabilities(images=False)  # type: ignore[misc]
    await salon_bot.send("!wc 800")
    replies = await salon_bot.send("!stats")
    assert replies[-1].outbound.image is None
    assert "▁" * 29 + "█" in last(replies)


async def test_stats_without_matplotlib_is_a_sparkline(
    salon_bot: SalonHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if salon[charts] were not installed
    can_draw_charts.cache_clear()
    try:
        await salon_bot.send("!wc 800")
        replies = await salon_bot.send("!stats")
    finally:
        can_draw_charts.cache_clear()
    assert replies[-1].outbound.image is None
    assert "▁" * 29 + "█" in last(replies)
    assert "Something went wrong" not in last(replies)


async def test_my_data_and_forget_me(salon_bot: SalonHarness) -> None:
    await setup_checkin(salon_bot)
    await salon_bot.send("!goal 500 words daily", as_="bob")
    await salon_bot.send("!wc 321 a secret note", as_="bob")
    await join(salon_bot, "bob", "Europe/Berlin")
    await join(salon_bot, "alice")
    await salon_bot.send("!buddy join", as_="bob")
    replies = await salon_bot.send("!my data", as_="bob")  # in the group: sent by DM
    assert replies[-1].outbound.space is not None
    assert "direct message" in last(replies)
    data = replies[0].outbound.body.plain()
    assert replies[0].outbound.recipient is not None
    assert "321 words — a secret note" in data and "Europe/Berlin" in data
    replies = await salon_bot.send("!forget me", as_="bob", dm=True)
    yes, no = replies[-1].outbound.buttons
    await salon_bot.press(no, as_="bob", dm=True)
    assert "321 words" in last(await salon_bot.send("!my data", as_="bob", dm=True))
    replies = await salon_bot.press(yes, as_="alice", dm=True, forged=True)  # not alice's
    assert "someone else" in last(replies)
    bob = await person_id(salon_bot, "bob")
    replies = await salon_bot.press(yes, as_="bob", dm=True)
    assert "deleted" in last(replies)
    async with salon_bot.bot.storage.engine.connect() as db:
        for table in tables.metadata.sorted_tables:
            if "person_id" in table.c:
                query = sa.select(sa.func.count()).where(table.c.person_id == bob)
                assert (await db.execute(query)).scalar() == 0, table.name
        for core in ("salon_members", "salon_persons"):
            column = "person_id" if core == "salon_members" else "id"
            query = sa.text(f"SELECT count(*) FROM {core} WHERE {column} = :id")
            assert (await db.execute(query, {"id": bob})).scalar() == 0
    snap = await snapshot(salon_bot)
    assert any(row for row in snap["checkins_participants"])  # alice is still in
    replies = await salon_bot.send("!my data", as_="bob", dm=True)
    assert "321" not in last(replies) and "Europe/Berlin" not in last(replies)
