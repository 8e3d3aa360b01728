"""Claims: a member takes one of a released piece's critique slots (``critiquers_per_piece``)
for ``claim_days``, is reminded ``reminder_days`` before it runs out, and the slot reopens
when it expires.

A claim is one conditional ``UPDATE`` of the piece's ``claimed`` count (``claimed < cap``):
on PostgreSQL the row lock makes a second claimer wait and then re-check, on SQLite the
transaction holds the write lock, so two members racing for the last slot never both get it,
and the unique (piece, person) claim row keeps one member from holding two.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from salon.core import Button, ButtonPress, Context, Job, JobContext, UserError, bold, italic, md
from salon.core.hookspecs import critique
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import tables
from salon.plugins.critique.reading import page_view
from salon.plugins.critique.store import (
    fire,
    load_piece,
    local_time,
    piece_of,
    plural,
    settings,
    to_member,
    write_button,
)

REMIND_JOB = "critique.claim_remind"
EXPIRE_JOB = "critique.claim_expire"


def job_key(claim_id: int, what: str) -> str:
    return f"critique:claim:{claim_id}:{what}"


async def claim(ctx: Context, piece: int) -> None:
    """``critique claim 12`` (or "Critique this"): take a slot and get the piece in a DM."""
    config = settings(ctx.bot)
    me = ctx.person.id
    async with ctx.transaction() as db:
        row = await load_piece(db, piece)
        if row.person_id == me:
            raise UserError(
                f"Piece {piece} is your own; critique someone else's (critique list shows them)."
            )
        if row.status != "released":
            state = "still waiting in the queue" if row.status == "queued" else "closed"
            raise UserError(f"Piece {piece} isn't open for critique: it is {state}.")
        mine = (
            await db.execute(
                sa.select(tables.claims).where(
                    tables.claims.c.piece_id == piece, tables.claims.c.person_id == me
                )
            )
        ).first()
        _refuse_existing(mine, piece)
        active = int(
            (
                await db.execute(
                    sa.select(sa.func.count()).where(
                        tables.claims.c.person_id == me, tables.claims.c.status == "active"
                    )
                )
            ).scalar_one()
        )
        if active >= config.claims_per_member:
            raise UserError(
                f"You already hold {plural(active, 'claim')}, the most at once here; finish "
                "one first (critique mine shows them)."
            )
        taken = await db.execute(
            tables.pieces.update()
            .where(
                tables.pieces.c.id == piece,
                tables.pieces.c.status == "released",
                tables.pieces.c.claimed < config.critiquers_per_piece,
            )
            .values(claimed=tables.pieces.c.claimed + 1)
        )
        if taken.rowcount != 1:
            raise UserError(
                f"All {config.critiquers_per_piece} critique slots of piece {piece} are taken; "
                "a slot reopens if a claim expires. critique list shows pieces with room."
            )
        # The piece row is ours now: a racing claim of the same member has committed (or not).
        again = (
            await db.execute(
                sa.select(tables.claims).where(
                    tables.claims.c.piece_id == piece, tables.claims.c.person_id == me
                )
            )
        ).first()
        _refuse_existing(again, piece)
        now = ctx.now()
        expires = now + timedelta(days=config.claim_days)
        if again is None:
            claim_id = (
                await db.execute(
                    tables.claims.insert()
                    .values(
                        piece_id=piece,
                        person_id=me,
                        status="active",
                        claimed_at=now,
                        expires_at=expires,
                    )
                    .returning(tables.claims.c.id)
                )
            ).scalar_one()
        else:  # their earlier claim expired; the slot was free again
            claim_id = again.id
            await db.execute(
                tables.claims.update()
                .where(tables.claims.c.id == claim_id)
                .values(status="active", claimed_at=now, expires_at=expires)
            )
        await _schedule(ctx, db, claim_id, expires, config.reminder_days)
        author = await ctx.bot.people.get(row.person_id, db)
    name = author.display_name if author is not None else "a member"
    body, buttons = page_view(row, name, 1, config.page_chars, buttons=(write_button(piece),))
    to_member(
        ctx,
        md(
            "Piece ",
            bold(str(piece)),
            " is yours to critique until ",
            local_time(expires, ctx.person.tz),
            ". Write it with the button or ",
            f"critique write {piece}.",
        ),
    )
    to_member(ctx, body, buttons=buttons)
    if not ctx.space.is_direct:
        ctx.reply(md("Claimed: ", italic(row.title), "; I've sent it to you in a direct message."))
    fire(ctx, critique.critique_claimed, piece=piece_of(row), critic=ctx.person)


def _refuse_existing(existing: Any, piece: int) -> None:
    if existing is None or existing.status == "expired":
        return
    if existing.status == "active":
        raise UserError(
            f"You've claimed piece {piece} already; write your critique with "
            f"critique write {piece}."
        )
    raise UserError(f"You've critiqued piece {piece} already; one critique per piece.")


async def _schedule(
    ctx: Context, db: AsyncConnection, claim_id: int, expires: Any, reminder_days: int
) -> None:
    payload = {"claim": claim_id}
    if reminder_days:
        await ctx.bot.scheduler.schedule(
            job_key(claim_id, "remind"),
            REMIND_JOB,
            at=expires - timedelta(days=reminder_days),
            payload=payload,
            connection=db,
        )
    await ctx.bot.scheduler.schedule(
        job_key(claim_id, "expire"), EXPIRE_JOB, at=expires, payload=payload, connection=db
    )


async def cancel_jobs(ctx: Any, db: AsyncConnection, claim_id: int) -> None:
    for what in ("remind", "expire"):
        await ctx.bot.scheduler.cancel(job_key(claim_id, what), db)


async def claim_pressed(ctx: Context, press: ButtonPress) -> None:
    if not press.value.isdigit():
        raise UserError("That button is not one of mine; nothing was changed.")
    await claim(ctx, int(press.value))


async def _active(db: AsyncConnection, claim_id: int) -> Any:
    return (
        await db.execute(
            sa.select(tables.claims, tables.pieces.c.title)
            .join(tables.pieces, tables.pieces.c.id == tables.claims.c.piece_id)
            .where(tables.claims.c.id == claim_id, tables.claims.c.status == "active")
        )
    ).first()


async def remind(ctx: JobContext, job: Job) -> None:
    """A day before a claim runs out: a gentle reminder, if it is still open."""
    row = await _active(ctx.db, int(job.payload["claim"]))
    person = None if row is None else await ctx.bot.people.get(row.person_id, ctx.db)
    if row is None or person is None:
        return
    ctx.send_to(
        person,
        md(
            "A reminder: your claim on ",
            italic(row.title),
            f" (piece {row.piece_id}) runs out ",
            local_time(row.expires_at, person.tz),
            ". Send your critique before then, or the slot goes to someone else.",
        ),
        buttons=(write_button(row.piece_id),),
    )


async def expire(ctx: JobContext, job: Job) -> None:
    """A claim ran out without a critique: the slot reopens."""
    claim_id = int(job.payload["claim"])
    row = await _active(ctx.db, claim_id)
    if row is None:
        return
    await ctx.db.execute(
        tables.claims.update().where(tables.claims.c.id == claim_id).values(status="expired")
    )
    await ctx.db.execute(
        tables.pieces.update()
        .where(tables.pieces.c.id == row.piece_id, tables.pieces.c.claimed > 0)
        .values(claimed=tables.pieces.c.claimed - 1)
    )
    person = await ctx.bot.people.get(row.person_id, ctx.db)
    if person is not None:
        ctx.send_to(
            person,
            md(
                "Your claim on ",
                italic(row.title),
                f" (piece {row.piece_id}) ran out, so its "
                "slot is open for someone else. If it is still free, you can claim it again.",
            ),
            buttons=(Button("Claim again", "critique.claim", str(row.piece_id)),),
        )
