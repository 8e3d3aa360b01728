"""Critique data belongs to the person: linking two accounts merges pieces, claims and the
ledger, with the starting credits counted once and the balance still the ledger's sum."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from plugins.critique.helpers import balance, button, grant, plain, submit
from salon.core.storage import sa
from salon.core.testing import Platform, SalonHarness
from salon.plugins.critique import tables

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture
def salon_platforms() -> list[Platform]:
    return [Platform("memory"), Platform("telegram")]


async def test_linking_accounts_merges_critique_data(salon_bot: SalonHarness) -> None:
    h = salon_bot
    await h.send("!credits", as_="alice")
    await grant(h, "alice", "1")
    replies = await submit(h, "alice")
    await h.press(button(replies, "Submit"), as_="alice", dm=True)
    await h.send("!credits", as_="alice", platform="telegram")  # a second person, for now
    assert await balance(h, "alice", "telegram") == Decimal(2)
    replies = await h.send("link", as_="alice", dm=True)
    found = CODE.search(plain(replies))
    assert found
    replies = await h.send(f"link {found.group(1)}", as_="alice", dm=True, platform="telegram")
    assert "Linked!" in plain(replies), plain(replies)
    # 0 + 2, less the second starting credits: one person, one start
    assert await balance(h, "alice") == Decimal(0)
    assert await balance(h, "alice", "telegram") == Decimal(0)
    replies = await h.send("critique mine", as_="alice", dm=True, platform="telegram")
    assert "The Lighthouse: Place 1 of 1" in plain(replies)
    async with h.bot.storage.engine.connect() as db:
        people = {row[0] for row in await db.execute(sa.select(tables.ledger.c.person_id))}
    assert len(people) == 1
