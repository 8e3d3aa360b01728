"""The person's critique data: ``my data`` (export), ``forget me`` and linked accounts (merge).

Forgetting a member deletes their pieces (with the critiques others wrote of them), their
claims and critiques and their ledger rows; one anonymised ledger row with the same total is
kept, so the community's credit totals stay right, and what others earned critiquing the
member's pieces stays theirs.
"""

from __future__ import annotations

import uuid
from typing import Any

from salon.core import Bot, Markup, Person, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import tables
from salon.plugins.critique.config import credits
from salon.plugins.critique.store import credits_text, from_halves, settings


class _Jobs:
    """What ``cancel_jobs`` needs from a context: the bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot


async def export(person: Person, db: AsyncConnection, bot: Bot) -> Markup:
    """Every critique row about ``person``, as text."""
    me = person.id
    p, c = tables.pieces, tables.critiques.c
    pieces = (await db.execute(sa.select(p).where(p.c.person_id == me).order_by(p.c.id))).all()
    given = (
        await db.execute(
            sa.select(tables.critiques, p.c.title)
            .join(p, p.c.id == c.piece_id)
            .where(c.person_id == me)
        )
    ).all()
    received = (
        await db.execute(
            sa.select(c.id, c.piece_id, c.rating, c.thanked_at)
            .join(p, p.c.id == c.piece_id)
            .where(p.c.person_id == me)
            .order_by(c.id)
        )
    ).all()
    claims = (
        await db.execute(sa.select(tables.claims).where(tables.claims.c.person_id == me))
    ).all()
    rows = (
        await db.execute(
            sa.select(tables.ledger)
            .where(tables.ledger.c.person_id == me)
            .order_by(tables.ledger.c.id)
        )
    ).all()
    out: list[Any] = [md(bold("Critique exchange")), md(bold("Pieces:"))]
    for row in pieces:
        out.append(
            f"- {row.id} “{row.title}”: {row.status}, {row.words:,} words, "
            f"{len(row.paragraphs)} paragraphs, created {row.created_at:%Y-%m-%d}"
        )
    out.append(md(bold("Critiques you wrote:")))
    for row in given:
        rating = f", rated {row.rating}/5" if row.rating else ""
        out.append(
            f"- of piece {row.piece_id} “{row.title}”, {row.words:,} words{rating}, "
            f"{row.submitted_at:%Y-%m-%d}"
        )
        out.extend(f"    {question} {answer}" for question, answer in row.answers)
        out.extend(f"    ¶{number}: {comment}" for number, comment in row.comments)
    out.append(md(bold("Ratings you gave:")))
    out.extend(
        f"- critique {row.id} of piece {row.piece_id}: {row.rating}/5"
        for row in received
        if row.rating
    )
    out.append(md(bold("Claims:")))
    out.extend(
        f"- piece {row.piece_id}: {row.status} (until {row.expires_at:%Y-%m-%d})" for row in claims
    )
    out.append(md(bold("Credit ledger:")))
    out.extend(
        f"- {row.at:%Y-%m-%d} {credits_text(from_halves(row.amount_halves))}: {row.reason} "
        f"(balance {credits_text(from_halves(row.balance_halves))})"
        for row in rows
    )
    return lines(*out)


async def forget(person: Person, db: AsyncConnection, bot: Bot) -> None:
    """Delete every critique row about ``person``, keeping one anonymised ledger row."""
    from salon.plugins.critique.claims import cancel_jobs
    from salon.plugins.critique.members import delete_rows

    me = person.id
    jobs = _Jobs(bot)
    own = [
        r[0]
        for r in await db.execute(
            sa.select(tables.pieces.c.id).where(tables.pieces.c.person_id == me)
        )
    ]
    await delete_rows(jobs, db, own)
    claims = (
        await db.execute(sa.select(tables.claims).where(tables.claims.c.person_id == me))
    ).all()
    for claim in claims:
        await cancel_jobs(jobs, db, claim.id)
        if claim.status in ("active", "done"):
            await db.execute(
                tables.pieces.update()
                .where(tables.pieces.c.id == claim.piece_id, tables.pieces.c.claimed > 0)
                .values(claimed=tables.pieces.c.claimed - 1)
            )
    await db.execute(tables.claims.delete().where(tables.claims.c.person_id == me))
    await db.execute(tables.critiques.delete().where(tables.critiques.c.person_id == me))
    total = (
        await db.execute(
            sa.select(sa.func.coalesce(sa.func.sum(tables.ledger.c.amount_halves), 0)).where(
                tables.ledger.c.person_id == me
            )
        )
    ).scalar_one()
    had_rows = (
        await db.execute(sa.select(tables.ledger.c.id).where(tables.ledger.c.person_id == me))
    ).first()
    await db.execute(tables.ledger.delete().where(tables.ledger.c.person_id == me))
    await db.execute(tables.accounts.delete().where(tables.accounts.c.person_id == me))
    if had_rows is not None:
        await db.execute(
            tables.ledger.insert().values(
                person_id=None,
                amount_halves=int(total),
                balance_halves=0,
                reason="credits of a member who asked to be forgotten",
                key=f"forgotten:{uuid.uuid4().hex}",
                at=bot.clock.now(),
            )
        )


async def merge(kept: Person, merged: Person, db: AsyncConnection, bot: Bot) -> None:
    """Two accounts turned out to be one person: move ``merged``'s rows to ``kept``."""
    from salon.plugins.critique.claims import cancel_jobs

    jobs = _Jobs(bot)
    await db.execute(
        tables.pieces.update()
        .where(tables.pieces.c.person_id == merged.id)
        .values(person_id=kept.id)
    )
    for table in (tables.claims, tables.critiques):
        kept_pieces = sa.select(table.c.piece_id).where(table.c.person_id == kept.id)
        clashes = (
            await db.execute(
                sa.select(table).where(
                    table.c.person_id == merged.id, table.c.piece_id.in_(kept_pieces)
                )
            )
        ).all()
        for clash in clashes:
            if table is tables.claims:
                await cancel_jobs(jobs, db, clash.id)
                if clash.status in ("active", "done"):
                    await db.execute(
                        tables.pieces.update()
                        .where(tables.pieces.c.id == clash.piece_id, tables.pieces.c.claimed > 0)
                        .values(claimed=tables.pieces.c.claimed - 1)
                    )
            await db.execute(table.delete().where(table.c.id == clash.id))
        await db.execute(
            table.update().where(table.c.person_id == merged.id).values(person_id=kept.id)
        )
    await _merge_credits(kept, merged, db, bot)


async def _merge_credits(kept: Person, merged: Person, db: AsyncConnection, bot: Bot) -> None:
    accounts = tables.accounts
    theirs = (
        await db.execute(
            sa.select(accounts.c.balance_halves).where(accounts.c.person_id == merged.id)
        )
    ).first()
    if theirs is None:
        return
    ours = (
        await db.execute(
            sa.select(accounts.c.balance_halves).where(accounts.c.person_id == kept.id)
        )
    ).first()
    await db.execute(
        tables.ledger.update()
        .where(tables.ledger.c.person_id == merged.id)
        .values(person_id=kept.id)
    )
    await db.execute(accounts.delete().where(accounts.c.person_id == merged.id))
    if ours is None:
        await db.execute(accounts.insert().values(person_id=kept.id, balance_halves=theirs[0]))
        return
    # Both accounts got the starting credits; a person gets them once.
    start = int(credits(settings(bot).start_credits) * 2)
    total = int(ours[0]) + int(theirs[0])
    back = min(start, total)
    now = bot.clock.now()
    await db.execute(
        tables.ledger.insert().values(
            person_id=kept.id,
            amount_halves=-back,
            balance_halves=total - back,
            reason="accounts linked: balances added, starting credits counted once",
            key=f"merge:{merged.id}:{kept.id}",
            at=now,
        )
    )
    await db.execute(
        accounts.update().where(accounts.c.person_id == kept.id).values(balance_halves=total - back)
    )
