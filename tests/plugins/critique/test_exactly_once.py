"""Exactly once, on SQLite and on a real PostgreSQL server: two members racing for the last
critique slot, one member pressing twice at once, and redelivered events (the same event id
again) never apply twice — to claims or to the credit ledger."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from plugins.critique.helpers import balance, button, grant, plain, submit
from salon.core.storage import sa
from salon.core.testing import SalonHarness, default_config
from salon.plugins.critique import tables


@pytest.fixture(params=["sqlite", "postgresql"])
def salon_config(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    config = default_config(tmp_path / "salon.db")
    if request.param == "postgresql":
        config["database"] = {"url": request.getfixturevalue("postgres_db_url")}
    config["community"]["spaces"] = ["memory:general"]
    config["plugins"] = {"critique": {"critiquers_per_piece": 1}}
    return config


async def released(h: SalonHarness) -> Any:
    for name in ("alice", "bob", "carol"):
        await h.send("!credits", as_=name)
    await grant(h, "alice", "1")
    replies = await submit(h, "alice")
    await h.press(button(replies, "Submit"), as_="alice", dm=True)
    replies = await h.send("!critique round open", as_="olive")
    return button(replies, "Critique this")


async def count(h: SalonHarness, table: sa.Table) -> int:
    async with h.bot.storage.engine.connect() as db:
        return int((await db.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


async def claimed(h: SalonHarness) -> int:
    async with h.bot.storage.engine.connect() as db:
        return int((await db.execute(sa.select(tables.pieces.c.claimed))).scalar_one())


async def test_two_members_racing_for_the_last_slot(salon_bot: SalonHarness) -> None:
    claim = await released(salon_bot)
    before = len(salon_bot.replies)
    await asyncio.gather(salon_bot.press(claim, as_="bob"), salon_bot.press(claim, as_="carol"))
    texts = plain(salon_bot.replies[before:])
    assert texts.count("is yours to critique") == 1
    assert "All 1 critique slots of piece 1 are taken" in texts
    assert await count(salon_bot, tables.claims) == 1
    assert await claimed(salon_bot) == 1


async def test_one_member_pressing_twice_at_once(salon_bot: SalonHarness) -> None:
    claim = await released(salon_bot)
    before = len(salon_bot.replies)
    await asyncio.gather(
        salon_bot.press(claim, as_="bob", event_id="tap-1"),
        salon_bot.press(claim, as_="bob", event_id="tap-2"),
    )
    texts = plain(salon_bot.replies[before:])
    assert texts.count("is yours to critique") == 1
    assert await count(salon_bot, tables.claims) == 1
    assert await claimed(salon_bot) == 1


async def test_redelivered_events_apply_once(salon_bot: SalonHarness) -> None:
    for name in ("alice", "bob"):
        await salon_bot.send("!credits", as_=name)
    await salon_bot.send("!credits grant alice 2 gift", as_="olive", event_id="grant-1")
    await salon_bot.send("!credits grant alice 2 gift", as_="olive", event_id="grant-1")
    assert await balance(salon_bot, "alice") == Decimal(4)
    replies = await submit(salon_bot, "alice")
    confirm = button(replies, "Submit")
    await salon_bot.press(confirm, as_="alice", dm=True, event_id="confirm-1")
    again = await salon_bot.press(confirm, as_="alice", dm=True, event_id="confirm-1")
    assert again == []  # dropped quietly: the platform sent it twice
    assert await balance(salon_bot, "alice") == Decimal(1)
    replies = await salon_bot.send("!critique round open", as_="olive")
    claim = button(replies, "Critique this")
    await salon_bot.press(claim, as_="bob", event_id="claim-1")
    await salon_bot.press(claim, as_="bob", event_id="claim-1")
    assert await claimed(salon_bot) == 1
    await salon_bot.send("critique write 1", as_="bob", dm=True)
    for answer in ("word " * 200, "more " * 100, "less " * 10, "skip"):
        await salon_bot.send(answer, as_="bob", dm=True)
    await salon_bot.send("¶1: lovely", as_="bob", dm=True, event_id="last-answer")
    await salon_bot.send("¶1: lovely", as_="bob", dm=True, event_id="last-answer")
    assert await count(salon_bot, tables.critiques) == 1
    assert await balance(salon_bot, "bob") == Decimal(3)
