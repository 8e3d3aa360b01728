"""The credit ledger: every change is a row, the balance never goes below zero, and the same
credit (one key) is never booked twice, whatever is redelivered, retried or raced.

``book`` is the only way credits change. It ensures the person's account (booking their
starting credits once), then changes the balance with one conditional ``UPDATE`` — on
PostgreSQL it locks the account row, on SQLite the transaction already holds the write lock —
so two spends racing cannot both pass the check, and writes the ledger row in the same
transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salon.core import CreditEntry, UserError
from salon.core.hookspecs import critique
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import tables
from salon.plugins.critique.config import credits
from salon.plugins.critique.store import Effects, credits_text, from_halves, settings


class NotEnoughCredits(UserError):
    """A spend would take the balance below zero; the message says what the member has."""

    def __init__(self, balance: Decimal, needed: Decimal, what: str) -> None:
        super().__init__(
            f"{what} costs {credits_text(needed)} and you have {credits_text(balance)}. "
            "Critique a piece to earn credits (critique list shows the pieces open for critique), "
            "or ask an organiser."
        )
        self.balance = balance
        self.needed = needed


async def ensure_account(ctx: Effects, db: AsyncConnection, person_id: int) -> None:
    """Open ``person_id``'s account with the starting credits, once."""
    exists = (
        await db.execute(
            sa.select(tables.accounts.c.person_id).where(tables.accounts.c.person_id == person_id)
        )
    ).first()
    if exists is not None:
        return
    start = int(credits(settings(ctx.bot).start_credits) * 2)
    try:
        async with db.begin_nested():
            await db.execute(
                tables.accounts.insert().values(person_id=person_id, balance_halves=start)
            )
    except sa.exc.IntegrityError:
        return  # opened by a concurrent transaction, starting credits included
    await _write(ctx, db, person_id, start, start, "starting credits", f"start:{person_id}")


async def book(
    ctx: Effects,
    db: AsyncConnection,
    person_id: int,
    amount: Decimal,
    reason: str,
    key: str,
    *,
    what: str = "That",
) -> CreditEntry | None:
    """Add ``amount`` (negative: spend) to ``person_id``'s credits with a ledger row.

    :param key: unique for this credit (``"cost:piece:12"``); booked once, ``None`` after.
    :param what: how a refused spend names the thing paid for ("This piece").
    :raises NotEnoughCredits: the balance would go below zero (nothing is written).
    """
    await ensure_account(ctx, db, person_id)
    seen = (
        await db.execute(sa.select(tables.ledger.c.id).where(tables.ledger.c.key == key))
    ).first()
    if seen is not None:
        return None
    change = int(amount * 2)
    balance = tables.accounts.c.balance_halves
    updated = (
        await db.execute(
            tables.accounts.update()
            .where(tables.accounts.c.person_id == person_id, balance + change >= 0)
            .values(balance_halves=balance + change)
            .returning(balance)
        )
    ).first()
    if updated is None:
        raise NotEnoughCredits(await balance_of(db, person_id), -amount, what)
    return await _write(ctx, db, person_id, change, int(updated[0]), reason, key)


async def _write(
    ctx: Effects,
    db: AsyncConnection,
    person_id: int,
    change: int,
    after: int,
    reason: str,
    key: str,
) -> CreditEntry:
    now = ctx.bot.clock.now()
    entry_id = (
        await db.execute(
            tables.ledger.insert()
            .values(
                person_id=person_id,
                amount_halves=change,
                balance_halves=after,
                reason=reason,
                key=key,
                at=now,
            )
            .returning(tables.ledger.c.id)
        )
    ).scalar_one()
    entry = CreditEntry(
        id=entry_id,
        person_id=person_id,
        amount=from_halves(change),
        reason=reason,
        balance=from_halves(after),
        at=now,
    )
    bot = ctx.bot

    async def changed() -> None:
        person = await bot.people.get(person_id)
        if person is not None:
            await bot.notify(
                critique.credits_changed,
                entry=entry,
                person=person,
                community=bot.community,
                bot=bot,
            )

    ctx.after_commit(changed)
    return entry


async def balance_of(db: AsyncConnection, person_id: int) -> Decimal:
    """The person's balance (0 before their account is opened)."""
    row = (
        await db.execute(
            sa.select(tables.accounts.c.balance_halves).where(
                tables.accounts.c.person_id == person_id
            )
        )
    ).first()
    return from_halves(0 if row is None else int(row[0]))


async def shown_balance(bot: Any, db: AsyncConnection, person_id: int) -> Decimal:
    """The balance as the person would have it: the starting credits before their account
    is opened (it opens the first time they use credits)."""
    row = (
        await db.execute(
            sa.select(tables.accounts.c.balance_halves).where(
                tables.accounts.c.person_id == person_id
            )
        )
    ).first()
    if row is None:
        return credits(settings(bot).start_credits)
    return from_halves(int(row[0]))


async def entries(db: AsyncConnection, person_id: int, limit: int | None = None) -> list[Any]:
    """The person's ledger rows, newest first."""
    query = (
        sa.select(tables.ledger)
        .where(tables.ledger.c.person_id == person_id)
        .order_by(tables.ledger.c.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list((await db.execute(query)).all())


def entry_of(row: Any) -> CreditEntry:
    return CreditEntry(
        id=row.id,
        person_id=row.person_id,
        amount=from_halves(row.amount_halves),
        reason=row.reason,
        balance=from_halves(row.balance_halves),
        at=row.at,
    )
