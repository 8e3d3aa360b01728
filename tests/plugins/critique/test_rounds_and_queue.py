"""The queue and review rounds: the newcomers' lane, place and expected round, the weekly job
in the community's zone (durable, never twice), withdraw, and the organisers' commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from plugins.critique.helpers import balance, button, grant, last, plain, snapshot, submit
from salon.core.storage import sa
from salon.core.testing import SalonHarness, default_config
from salon.plugins.critique import tables


@pytest.fixture
def salon_config(tmp_path: Path) -> dict[str, Any]:
    config = default_config(tmp_path / "salon.db")
    config["community"]["spaces"] = ["memory:general", "memory:lounge"]
    config["community"]["timezone"] = "Europe/Berlin"
    config["plugins"] = {"critique": {"pieces_per_round": 2, "newcomer_pieces_per_round": 1}}
    return config


async def queue_piece(h: SalonHarness, name: str, title: str, credits: str | None = "8") -> int:
    await h.send("!credits", as_=name)
    if credits is not None:
        await grant(h, name, credits)
    replies = await submit(h, name, title=title)
    replies = await h.press(button(replies, "Submit"), as_=name, dm=True)
    assert "is in the queue" in plain(replies), plain(replies)
    async with h.bot.storage.engine.connect() as db:
        return int((await db.execute(sa.select(sa.func.max(tables.pieces.c.id)))).scalar_one())


async def statuses(h: SalonHarness) -> dict[str, str]:
    async with h.bot.storage.engine.connect() as db:
        rows = await db.execute(sa.select(tables.pieces.c.title, tables.pieces.c.status))
        return dict(rows.all())


async def test_rounds_release_newcomers_first_in_the_community_zone(
    salon_bot: SalonHarness,
) -> None:
    await queue_piece(salon_bot, "alice", "A1")
    await queue_piece(salon_bot, "alice", "A2", None)  # her second: the main lane, costs 7
    assert await balance(salon_bot, "alice") == Decimal(0)  # 2 + 8 - 3 - 7
    await queue_piece(salon_bot, "bob", "B1")  # bob's first: newcomers' lane
    replies = await salon_bot.send("critique mine", as_="alice", dm=True)
    assert (
        "A1: Place 1 of 2 in the newcomers' lane; expected in the round of Wed 07 Jan, "
        "00:00 Europe/Berlin" in plain(replies)
    )
    assert "A2: Place 1 of 1 in the queue; expected in the round of Wed 07 Jan" in plain(replies)
    replies = await salon_bot.send("!critique queue", as_="olive")
    assert "3 pieces waiting" in plain(replies)
    # Wednesday 00:00 in Berlin is Tuesday 23:00 UTC
    replies = await salon_bot.advance(to=datetime(2026, 1, 6, 22, 59, tzinfo=UTC))
    assert not [d for d in replies if "Out for critique" in d.outbound.body.plain()]
    replies = await salon_bot.advance(to=datetime(2026, 1, 6, 23, 0, tzinfo=UTC))
    posted = [d for d in replies if "Out for critique" in d.outbound.body.plain()]
    assert len(posted) == 4  # two pieces, in both community spaces
    assert await statuses(salon_bot) == {"A1": "released", "A2": "released", "B1": "queued"}
    # a restart, and the same due time again: the round is not opened twice
    await salon_bot.restart()
    replies = await salon_bot.advance(timedelta(minutes=5))
    assert not [d for d in replies if "Out for critique" in d.outbound.body.plain()]
    async with salon_bot.bot.storage.engine.connect() as db:
        rounds = (await db.execute(sa.select(sa.func.count()).select_from(tables.rounds))).scalar()
    assert rounds == 1
    replies = await salon_bot.advance(to=datetime(2026, 1, 13, 23, 0, tzinfo=UTC))
    assert await statuses(salon_bot) == {"A1": "released", "A2": "released", "B1": "released"}


async def test_withdraw_gives_the_credits_back(salon_bot: SalonHarness) -> None:
    piece = await queue_piece(salon_bot, "alice", "A1", credits="1")
    assert await balance(salon_bot, "alice") == Decimal(0)
    replies = await salon_bot.send(f"critique withdraw {piece}", as_="alice", dm=True)
    assert "its 3 credits came back (you have 3 credits)" in plain(replies)
    assert await balance(salon_bot, "alice") == Decimal(3)
    before = await snapshot(salon_bot)
    replies = await salon_bot.send(f"critique withdraw {piece}", as_="alice", dm=True)
    assert "is withdrawn, not waiting" in last(replies)
    assert await snapshot(salon_bot) == before


async def test_organisers_move_and_remove(salon_bot: SalonHarness) -> None:
    first = await queue_piece(salon_bot, "alice", "A1")
    await queue_piece(salon_bot, "alice", "A2")
    third = await queue_piece(salon_bot, "alice", "A3", credits="7")
    replies = await salon_bot.send(f"!critique move {third} 1", as_="olive")
    assert "to place 1 in the queue" in last(replies)
    replies = await salon_bot.send("critique mine", as_="alice", dm=True)
    assert "A3: Place 1 of 2 in the queue" in plain(replies)
    replies = await salon_bot.send(f"!critique remove {first} plagiarised", as_="olive")
    assert "its author was told why and refunded 3 credits" in last(replies)
    told = salon_bot.sent_to("alice")[-1].outbound.body.plain()
    assert "removed your piece A1" in told and "plagiarised" in told
    assert (await statuses(salon_bot))["A1"] == "removed"


async def test_round_settings(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!critique round", as_="olive")
    assert "every Wednesday at 00:00, releasing up to 2 pieces" in plain(replies)
    assert "Next round: Wed 07 Jan, 00:00" in plain(replies)
    replies = await salon_bot.send("!critique round every fri 18:00", as_="olive")
    assert "every Friday at 18:00" in plain(replies)
    assert "Next round: Fri 09 Jan, 18:00" in plain(replies)
    replies = await salon_bot.send("!critique round pieces 6 3", as_="olive")
    assert "releasing up to 6 pieces (3 of them from the newcomers' lane first)" in plain(replies)
    await salon_bot.restart()
    replies = await salon_bot.send("!critique round", as_="olive")
    assert "every Friday at 18:00, releasing up to 6 pieces" in plain(replies)


async def test_a_claim_reminder_and_expiry_survive_a_restart(salon_bot: SalonHarness) -> None:
    await queue_piece(salon_bot, "alice", "A1")
    replies = await salon_bot.send("!critique round open", as_="olive")
    await salon_bot.send("!credits", as_="bob")
    await salon_bot.press(button(replies, "Critique this"), as_="bob")
    await salon_bot.restart()
    replies = await salon_bot.advance(timedelta(days=6, minutes=1))
    assert "A reminder: your claim on A1" in plain(salon_bot.sent_to("bob")[-1:])
    await salon_bot.advance(timedelta(days=1))
    assert "ran out" in plain(salon_bot.sent_to("bob")[-1:])
    async with salon_bot.bot.storage.engine.connect() as db:
        assert (await db.execute(sa.select(tables.pieces.c.claimed))).scalar() == 0
    replies = await salon_bot.send("critique list", as_="carol", dm=True)
    assert "A1 by alice, literary fiction, 600 words (4 slots free)" in plain(replies)
