"""What a member looks at: ``credits``, ``critique list`` (open pieces), ``critique mine``
(their pieces with place and expected round, and their claims), and deleting a piece."""

from __future__ import annotations

from typing import Any

from salon.core import Button, ButtonPress, Context, UserError, bold, code, italic, lines, md
from salon.core.storage import sa
from salon.plugins.critique import ledger, queue, tables
from salon.plugins.critique.claims import cancel_jobs
from salon.plugins.critique.store import (
    claim_button,
    credits_text,
    from_halves,
    load_piece,
    local_time,
    plural,
    settings,
    to_member,
)
from salon.plugins.critique.submit import place_text

DELETE_ACTION = "critique.delete"


async def credits_command(ctx: Context) -> None:
    """``credits``: the balance and the last ledger entries."""
    async with ctx.transaction() as db:
        await ledger.ensure_account(ctx, db, ctx.person.id)
        balance = await ledger.balance_of(db, ctx.person.id)
        rows = await ledger.entries(db, ctx.person.id, limit=8)
    config = settings(ctx.bot)
    parts: list[Any] = [md("You have ", bold(credits_text(balance)), ".")]
    parts.extend(
        md(
            f"{row.at.astimezone(ctx.person.tz):%d %b}: ",
            bold(_signed(from_halves(row.amount_halves))),
            " ",
            row.reason,
        )
        for row in rows
    )
    parts.append(
        f"A piece costs {credits_text(config.piece_cost)} "
        f"({credits_text(config.second_piece_cost)} while another of yours is waiting); a "
        f"critique of {config.critique_full_words}+ words earns "
        f"{credits_text(config.critique_credit)}, longer ones up to "
        f"{credits_text(config.critique_max_credit)}."
    )
    to_member(ctx, lines(*parts))


def _signed(amount: Any) -> str:
    text = credits_text(amount)
    return text if text.startswith("-") else f"+{text}"


async def list_open(ctx: Context) -> None:
    """``critique list``: the pieces out for critique with free slots."""
    cap = settings(ctx.bot).critiquers_per_piece
    p = tables.pieces
    async with ctx.bot.read() as db:
        rows = list(
            (
                await db.execute(
                    sa.select(p.c.id, p.c.title, p.c.genre, p.c.words, p.c.claimed, p.c.person_id)
                    .where(p.c.status == "released")
                    .order_by(p.c.claimed, p.c.id)
                    .limit(20)
                )
            ).all()
        )
    if not rows:
        ctx.reply("No pieces are out for critique right now; the next round brings some.")
        return
    authors = await ctx.bot.people.many({row.person_id for row in rows})
    parts: list[Any] = [md(bold("Out for critique"), " (fewest critiquers first):")]
    buttons: list[Button] = []
    for row in rows:
        free = cap - row.claimed
        genre = f", {row.genre}" if row.genre else ""
        who = authors[row.person_id].display_name if row.person_id in authors else "a member"
        room = plural(free, "slot") + " free" if free > 0 else "full"
        parts.append(
            md(
                f"{row.id}. ",
                italic(row.title),
                f" by {who}{genre}, {plural(row.words, 'word')} ({room})",
            )
        )
        if free > 0 and row.person_id != ctx.person.id and len(buttons) < 5:
            buttons.append(claim_button(row.id))
    parts.append(md("Claim one with ", code("critique claim 12"), "."))
    ctx.reply(lines(*parts), buttons=tuple(buttons))


async def mine(ctx: Context) -> None:
    """``critique mine``: your pieces (place, expected round, critiques) and your claims."""
    me = ctx.person.id
    p = tables.pieces
    async with ctx.bot.read() as db:
        pieces = list(
            (
                await db.execute(
                    sa.select(p).where(p.c.person_id == me, p.c.status != "draft").order_by(p.c.id)
                )
            ).all()
        )
        counts: dict[int, int] = dict(
            (
                await db.execute(
                    sa.select(tables.critiques.c.piece_id, sa.func.count())
                    .where(tables.critiques.c.piece_id.in_([row.id for row in pieces]))
                    .group_by(tables.critiques.c.piece_id)
                )
            ).all()
        )
        claims = list(
            (
                await db.execute(
                    sa.select(tables.claims, p.c.title)
                    .join(p, p.c.id == tables.claims.c.piece_id)
                    .where(tables.claims.c.person_id == me, tables.claims.c.status == "active")
                    .order_by(tables.claims.c.expires_at)
                )
            ).all()
        )
        waiting = await queue.queued(db)
        rounds = await queue.round_settings(ctx.bot, db)
    parts: list[Any] = [md(bold("Your pieces:"))]
    for row in pieces:
        if row.status == "queued":
            state = await place_text(ctx, waiting, rounds, row.id)
        elif row.status in ("released", "closed"):
            state = ("out for critique" if row.status == "released" else "round closed") + (
                f", {plural(counts.get(row.id, 0), 'critique')}"
            )
        else:
            state = row.status
        parts.append(md(f"{row.id}. ", italic(row.title), f": {state}"))
    if not pieces:
        parts.append(md("none yet; ", code("critique submit"), " in a DM to send one."))
    parts.append(md(bold("Your claims:")))
    parts.extend(
        md(
            f"piece {c.piece_id} ",
            italic(c.title),
            " until ",
            local_time(c.expires_at, ctx.person.tz),
        )
        for c in claims
    )
    if not claims:
        parts.append("none")
    to_member(ctx, lines(*parts))


async def delete(ctx: Context, piece: int) -> None:
    """``critique delete 12``: ask before deleting a piece with its critiques."""
    async with ctx.bot.read() as db:
        row = await load_piece(db, piece)
        if row.person_id != ctx.person.id:
            raise UserError(f"Piece {piece} isn't yours, so you can't delete it.")
        count = (
            await db.execute(sa.select(sa.func.count()).where(tables.critiques.c.piece_id == piece))
        ).scalar_one()
    to_member(
        ctx,
        md(
            "Delete ",
            italic(row.title),
            f" and its {plural(count, 'critique')} for good? "
            "The credits critiquers earned stay theirs.",
        ),
        buttons=(Button("Delete it", DELETE_ACTION, str(piece)),),
    )


async def delete_pressed(ctx: Context, press: ButtonPress) -> None:
    if not press.value.isdigit():
        raise UserError("That button is not one of mine; nothing was changed.")
    piece = int(press.value)
    async with ctx.transaction() as db:
        row = await load_piece(db, piece, lock=True)
        if row.person_id != ctx.person.id:
            raise UserError(f"Piece {piece} isn't yours, so you can't delete it.")
        refund = from_halves(row.cost_halves) if row.status == "queued" else 0
        if refund:
            await ledger.book(
                ctx,
                db,
                row.person_id,
                from_halves(row.cost_halves),
                f"deleted waiting piece {piece}",
                f"refund:piece:{piece}",
            )
        await delete_rows(ctx, db, [piece])
    ctx.reply(md("Deleted ", italic(row.title), " with its critiques."))


async def delete_rows(ctx: Any, db: Any, piece_ids: list[int]) -> None:
    """Delete pieces with their claims (and claim jobs) and critiques."""
    if not piece_ids:
        return
    claim_ids = [
        r[0]
        for r in await db.execute(
            sa.select(tables.claims.c.id).where(tables.claims.c.piece_id.in_(piece_ids))
        )
    ]
    for claim_id in claim_ids:
        await cancel_jobs(ctx, db, claim_id)
    for table in (tables.critiques, tables.claims):
        await db.execute(table.delete().where(table.c.piece_id.in_(piece_ids)))
    await db.execute(tables.pieces.delete().where(tables.pieces.c.id.in_(piece_ids)))
