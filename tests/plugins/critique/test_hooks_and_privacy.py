"""The critique hook family fires after commit (and can act), and the person's data: export,
forget (an anonymised ledger row keeps the totals right), and linked accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from plugins.critique.helpers import balance, button, grant, plain, submit
from salon.core import Bot, hookimpl
from salon.core.storage import sa
from salon.core.testing import PluginSpec, SalonHarness
from salon.plugins.critique import tables


class Spy:
    """Records every critique hook, with the piece row's status as committed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.bot: Bot | None = None

    @hookimpl
    def startup(self, bot: Bot) -> None:
        self.bot = bot

    async def _committed_status(self, piece_id: int) -> str | None:
        assert self.bot is not None
        async with self.bot.storage.engine.connect() as db:
            return (
                await db.execute(
                    sa.select(tables.pieces.c.status).where(tables.pieces.c.id == piece_id)
                )
            ).scalar()

    @hookimpl
    async def piece_submitted(self, piece: Any, author: Any) -> None:
        self.calls.append(("piece_submitted", await self._committed_status(piece.id)))

    @hookimpl
    async def piece_released(self, piece: Any, bot: Bot) -> None:
        self.calls.append(("piece_released", await self._committed_status(piece.id)))
        async with bot.transaction() as tx:  # a hook can act: a badge plugin would
            tx.send_direct(self.author_ref, "Your piece is out!")

    @hookimpl
    def critique_claimed(self, piece: Any, critic: Any) -> None:
        self.calls.append(("critique_claimed", critic.display_name))

    @hookimpl
    def critique_submitted(self, critique: Any, critic: Any, author: Any) -> None:
        self.calls.append(("critique_submitted", (critique.words, critic.display_name)))

    @hookimpl
    def critique_rated(self, critique: Any) -> None:
        self.calls.append(("critique_rated", critique.rating))

    @hookimpl
    def credits_changed(self, entry: Any, person: Any) -> None:
        self.calls.append(("credits_changed", (person.display_name, entry.amount, entry.balance)))


SPY = Spy()


@pytest.fixture
def salon_plugins() -> list[PluginSpec]:
    return ["critique", ("spy", SPY)]


async def exchange(h: SalonHarness) -> None:
    for name in ("alice", "bob"):
        await h.send("!credits", as_=name)
    await grant(h, "alice", "1")
    replies = await submit(h, "alice")
    await h.press(button(replies, "Submit"), as_="alice", dm=True)
    replies = await h.send("!critique round open", as_="olive")
    await h.press(button(replies, "Critique this"), as_="bob")
    await h.send("critique write 1", as_="bob", dm=True)
    for answer in ("word " * 200, "more " * 100, "less " * 10, "skip", "¶1: lovely start"):
        await h.send(answer, as_="bob", dm=True)
    await h.send("critique rate 1 5", as_="alice", dm=True)


async def test_hooks_fire_after_commit_and_can_act(salon_bot: SalonHarness) -> None:
    SPY.calls.clear()
    SPY.author_ref = salon_bot.member("alice").ref  # type: ignore[attr-defined]
    await exchange(salon_bot)
    names = [name for name, _ in SPY.calls]
    assert ("piece_submitted", "queued") in SPY.calls
    assert ("piece_released", "released") in SPY.calls
    assert ("critique_claimed", "bob") in SPY.calls
    assert ("critique_submitted", (312, "bob")) in SPY.calls
    assert ("critique_rated", 5) in SPY.calls
    assert ("credits_changed", ("alice", Decimal(-3), Decimal(0))) in SPY.calls
    assert ("credits_changed", ("bob", Decimal(1), Decimal(3))) in SPY.calls
    assert names.index("piece_submitted") < names.index("piece_released")
    assert "Your piece is out!" in plain(salon_bot.sent_to("alice"))


async def test_my_data_and_forget_me(salon_bot: SalonHarness) -> None:
    await exchange(salon_bot)
    replies = await salon_bot.send("!my data", as_="bob")
    text = plain(replies)
    assert (
        "Critique exchange" in text and "of piece 1 “The Lighthouse”, 312 words, rated 5/5" in text
    )
    assert "¶1: lovely start" in text and "critique of piece 1" in text
    replies = await salon_bot.send("!my data", as_="alice")
    assert "1 “The Lighthouse”: released" in plain(replies)
    assert "critique 1 of piece 1: 5/5" in plain(replies)
    # alice forgets herself: her piece and its critique go; bob keeps what he earned
    replies = await salon_bot.send("!forget me", as_="alice")
    confirm = button(replies, "")
    await salon_bot.press(confirm, as_="alice")
    async with salon_bot.bot.storage.engine.connect() as db:
        assert (
            await db.execute(sa.select(sa.func.count()).select_from(tables.pieces))
        ).scalar() == 0
        assert (
            await db.execute(sa.select(sa.func.count()).select_from(tables.critiques))
        ).scalar() == 0
        anonymous = (
            await db.execute(sa.select(tables.ledger).where(tables.ledger.c.person_id.is_(None)))
        ).all()
        total = (await db.execute(sa.select(sa.func.sum(tables.ledger.c.amount_halves)))).scalar()
    assert len(anonymous) == 1 and anonymous[0].amount_halves == 0  # 2 + 1 - 3
    assert "alice" not in anonymous[0].reason
    assert await balance(salon_bot, "bob") == Decimal(3)
    assert total == 6  # bob's 3 credits, in half credits; alice's net 0 kept anonymously
