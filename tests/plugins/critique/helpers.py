"""Shared helpers for the critique plugin's tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salon.core import Button, MemberRef
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.critique import tables


def story(words: int, paragraphs: int = 5) -> str:
    """A pasted piece of ``words`` words in ``paragraphs`` paragraphs."""
    per = max(1, words // paragraphs)
    chunks = []
    left = words
    for index in range(paragraphs):
        count = per if index < paragraphs - 1 else left
        chunks.append(" ".join(f"word{index}x{n}" for n in range(count)))
        left -= count
    return "\n\n".join(chunks)


def critique_text(words: int) -> str:
    return " ".join(["insightful"] * words)


def plain(delivered: Any) -> str:
    return "\n".join(d.outbound.body.plain() for d in delivered)


def last(delivered: Any) -> str:
    return plain(delivered[-1:])


def button(delivered: Any, label_start: str) -> Button:
    """The last button whose label starts with ``label_start`` in what was sent."""
    for d in reversed(list(delivered)):
        for b in d.outbound.buttons:
            if b.label.startswith(label_start):
                return b
    raise AssertionError(f"no button {label_start!r} in {plain(delivered)!r}")


async def person_id(harness: SalonHarness, name: str, platform: str | None = None) -> int:
    ref = harness.member(name, platform=platform).ref
    person = await harness.bot.people.of(ref)
    assert person is not None, name
    return person.id


async def balance(harness: SalonHarness, name: str, platform: str | None = None) -> Decimal:
    pid = await person_id(harness, name, platform)
    async with harness.bot.storage.engine.connect() as db:
        ledger_sum = (
            await db.execute(
                sa.select(sa.func.coalesce(sa.func.sum(tables.ledger.c.amount_halves), 0)).where(
                    tables.ledger.c.person_id == pid
                )
            )
        ).scalar_one()
        account = (
            await db.execute(
                sa.select(tables.accounts.c.balance_halves).where(
                    tables.accounts.c.person_id == pid
                )
            )
        ).scalar()
    assert account is None or account == ledger_sum, "the balance is the sum of the ledger"
    return Decimal(int(ledger_sum)) / 2


async def snapshot(harness: SalonHarness) -> dict[str, list[Any]]:
    """Every row of every critique table and the job keys, to assert "nothing changed"."""
    out: dict[str, list[Any]] = {}
    async with harness.bot.storage.engine.connect() as db:
        for table in tables.metadata.sorted_tables:
            out[table.name] = [tuple(row) for row in await db.execute(sa.select(table))]
        out["jobs"] = [
            tuple(row)
            for row in await db.execute(
                sa.text("SELECT key, next_run_at FROM salon_jobs ORDER BY key")
            )
        ]
    return out


async def submit(
    harness: SalonHarness,
    name: str,
    words: int = 600,
    *,
    title: str = "The Lighthouse",
    platform: str | None = None,
    questions: str = "Does the ending land?\nIs the pacing too slow?",
) -> Any:
    """Submit a pasted piece through the dialog; return the confirmation reply."""
    await harness.send("critique submit", as_=name, dm=True, platform=platform)
    await harness.send(title, as_=name, dm=True, platform=platform)
    await harness.send("literary fiction", as_=name, dm=True, platform=platform)
    await harness.send("grief", as_=name, dm=True, platform=platform)
    await harness.send(questions, as_=name, dm=True, platform=platform)
    return await harness.send(story(words), as_=name, dm=True, platform=platform)


async def grant(harness: SalonHarness, name: str, amount: str, platform: str | None = None) -> None:
    replies = await harness.send(f"!credits grant {name} {amount} test credits", as_="olive")
    assert "Granted" in plain(replies), plain(replies)


def ref(harness: SalonHarness, name: str, platform: str | None = None) -> MemberRef:
    return harness.member(name, platform=platform).ref
