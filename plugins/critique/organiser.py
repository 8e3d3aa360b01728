"""What organisers do: ``critique queue``, move a waiting piece, remove one that breaks the
group's rules (the author is told why, credits back), and grant or correct credits."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from salon.core import (
    ArgType,
    Context,
    Person,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
    shorten,
)
from salon.core.storage import sa
from salon.plugins.critique import ledger, queue, tables
from salon.plugins.critique.claims import cancel_jobs
from salon.plugins.critique.store import credits_text, from_halves, load_piece, local_time, plural


def parse_amount(text: str) -> Decimal:
    """``2``, ``+1.5``, ``-0.5`` credits (whole or half)."""
    try:
        amount = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"“{shorten(text)}” is not an amount of credits, like 2 or 0.5") from None
    if not amount.is_finite() or amount * 2 != int(amount * 2):
        raise ValueError(f"credits come in whole or half steps, like 2 or 0.5, not {text}")
    if abs(amount) > 1000:
        raise ValueError("that is more credits than anyone needs; at most 1000 at once")
    return amount


AMOUNT = ArgType("credits", parse_amount)


async def find_person(ctx: Context, who: str) -> Person:
    """A member named the way the organiser's platform writes them: a mention, an account
    id, or ``#<person id>``."""
    person = await ctx.bot.people.find(who, ctx.member.ref.platform)
    if person is None:
        raise UserError(
            f"I don't know a member “{shorten(who)}” here; mention them (they must have "
            "written to me once), or give #<person id>."
        )
    return person


async def grant(ctx: Context, who: str, amount: Decimal, reason: str) -> None:
    """``credits grant @bob 2 welcome gift``: add credits, with the reason on the ledger."""
    if amount <= 0:
        raise UserError("A grant adds credits; to take some away use credits correct.")
    await _adjust(ctx, who, amount, reason, "granted")


async def correct(ctx: Context, who: str, amount: Decimal, reason: str) -> None:
    """``credits correct @bob -1 counted twice``: fix a balance, never below zero."""
    if amount == 0:
        raise UserError("A correction of 0 changes nothing.")
    await _adjust(ctx, who, amount, reason, "corrected")


async def _adjust(ctx: Context, who: str, amount: Decimal, reason: str, verb: str) -> None:
    person = await find_person(ctx, who)
    note = " ".join(reason.split())
    if not note:
        raise UserError("Give a reason; it is shown on the member's ledger.")
    async with ctx.transaction() as db:
        try:
            entry = await ledger.book(
                ctx,
                db,
                person.id,
                amount,
                f"{verb} by {ctx.person.display_name}: {note}",
                f"{verb}:{ctx.space.ref.platform}:{ctx.event_id}",
            )
        except ledger.NotEnoughCredits as short:
            raise UserError(
                f"{person.display_name} has {credits_text(short.balance)}; a correction can't "
                "take the balance below zero."
            ) from None
    balance = entry.balance if entry is not None else Decimal(0)
    ctx.reply(
        md(
            f"{verb.capitalize()} {credits_text(amount)} for {person.display_name}: ",
            italic(note),
            f". Their balance is {credits_text(balance)}.",
        )
    )
    ctx.send_to(
        person,
        md(
            f"An organiser {verb} {credits_text(amount)} on your critique credits: ",
            italic(note),
            f". You have {credits_text(balance)}.",
        ),
    )


async def show_queue(ctx: Context) -> None:
    """``critique queue``: what is waiting, by the round expected to release it."""
    async with ctx.bot.read() as db:
        rows = await queue.queued(db)
        released = (
            await db.execute(sa.select(sa.func.count()).where(tables.pieces.c.status == "released"))
        ).scalar_one()
        rounds = await queue.round_settings(ctx.bot, db)
    authors = await ctx.bot.people.many({row.person_id for row in rows})
    parts: list[Any] = [
        md(
            bold("Critique queue: "),
            f"{plural(len(rows), 'piece')} waiting, "
            f"{plural(released, 'piece')} out for critique. Rounds open {rounds.describe()}.",
        )
    ]
    for index, batch in enumerate(queue.plan(rows, rounds)[:10]):
        when = await queue.expected_round(ctx.bot, index)
        label = local_time(when, ctx.person.tz) if when else f"round {index + 1}"
        parts.append(md(bold(f"Round of {label}:")))
        for row in batch:
            who = authors[row.person_id].display_name if row.person_id in authors else "a member"
            lane = " (newcomer)" if row.lane == "newcomer" else ""
            parts.append(
                md(
                    f"{row.id}. ",
                    italic(row.title),
                    f" by {who}{lane}, {plural(row.words, 'word')}",
                )
            )
    if not rows:
        parts.append("Nothing is waiting.")
    else:
        parts.append(
            md(
                "Move one with ",
                code("critique move 12 1"),
                "; remove one with ",
                code("critique remove 12 <reason>"),
                ".",
            )
        )
    ctx.reply(lines(*parts))


async def move(ctx: Context, piece: int, place: int) -> None:
    """``critique move 12 1``: put a waiting piece at ``place`` in its lane."""
    async with ctx.transaction() as db:
        row = await load_piece(db, piece, lock=True)
        if row.status != "queued":
            raise UserError(
                f"Piece {piece} is {row.status}, not waiting; only waiting pieces move."
            )
        lane = [r for r in await queue.queued(db) if r.lane == row.lane and r.id != piece]
        place = min(place, len(lane) + 1)
        if not lane:
            position = row.position
        elif place == 1:
            position = lane[0].position - 1
        elif place > len(lane):
            position = lane[-1].position + 1
        else:
            position = (lane[place - 2].position + lane[place - 1].position) / 2
        await db.execute(
            tables.pieces.update().where(tables.pieces.c.id == piece).values(position=position)
        )
    name = "the newcomers' lane" if row.lane == "newcomer" else "the queue"
    ctx.reply(md("Moved ", italic(row.title), f" to place {place} in {name}."))


async def remove(ctx: Context, piece: int, reason: str) -> None:
    """``critique remove 12 <reason>``: take a piece out; its author is told why and gets the
    credits back; open claims on it end."""
    note = " ".join(reason.split())
    if not note:
        raise UserError("Give a reason; the author is told it.")
    async with ctx.transaction() as db:
        row = await load_piece(db, piece, lock=True)
        if row.status not in ("queued", "released"):
            raise UserError(f"Piece {piece} is {row.status} already; nothing to remove.")
        await db.execute(
            tables.pieces.update()
            .where(tables.pieces.c.id == piece)
            .values(status="removed", removed_reason=note)
        )
        refund = from_halves(row.cost_halves)
        if refund:
            await ledger.book(
                ctx,
                db,
                row.person_id,
                refund,
                f"piece {piece} removed by an organiser: {note}",
                f"refund:piece:{piece}",
            )
        open_claims = list(
            (
                await db.execute(
                    sa.select(tables.claims).where(
                        tables.claims.c.piece_id == piece, tables.claims.c.status == "active"
                    )
                )
            ).all()
        )
        await db.execute(
            tables.claims.update()
            .where(tables.claims.c.piece_id == piece, tables.claims.c.status == "active")
            .values(status="expired")
        )
        for claim in open_claims:
            await cancel_jobs(ctx, db, claim.id)
        people = await ctx.bot.people.many({row.person_id, *(c.person_id for c in open_claims)}, db)
    author = people.get(row.person_id)
    if author is not None:
        ctx.send_to(
            author,
            md(
                "An organiser removed your piece ",
                italic(row.title),
                " from the critique exchange: ",
                italic(note),
                f". Its {credits_text(refund)} came back to you.",
            ),
        )
    for claim in open_claims:
        critic = people.get(claim.person_id)
        if critic is not None:
            ctx.send_to(
                critic,
                md(
                    "The piece you claimed, ",
                    italic(row.title),
                    ", was removed by an organiser; your claim has ended.",
                ),
            )
    ctx.reply(
        md(
            "Removed ",
            italic(row.title),
            f"; its author was told why and refunded {credits_text(refund)}.",
        )
    )
