"""Review rounds: a weekly job in the community's time zone closes the open round and releases
the next pieces, announced in every community space with a "Critique this" button.

The job is durable (the core's scheduler), and each run is recorded in ``critique_rounds``
under its due time, which is unique: a run retried after a crash, or an organiser's
``critique round open`` racing the schedule, never opens the same round twice.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from salon.core import (
    Bot,
    Button,
    Context,
    Job,
    JobContext,
    Markup,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.hookspecs import critique
from salon.core.storage import AsyncConnection, sa
from salon.plugins.critique import queue, tables
from salon.plugins.critique.config import DAYS
from salon.plugins.critique.store import (
    Effects,
    claim_button,
    fire,
    local_time,
    piece_of,
    plural,
    settings,
)

ROUND_JOB = "critique.round"
COMPILE_ACTION = "critique.compile"
_SCHEDULED = "critique:round_schedule"


async def schedule_rounds(bot: Bot) -> None:
    """(Re)schedule the weekly round when its settings or the community's zone changed."""
    async with bot.read() as db:
        rounds = await queue.round_settings(bot, db)
    tz = bot.people.default_tz
    signature = f"{rounds.day}@{rounds.time}@{tz.key}"
    if (
        await bot.get_state(_SCHEDULED) == signature
        and await bot.scheduler.next_run(queue.ROUND_KEY) is not None
    ):
        return
    start = datetime.combine(
        bot.clock.now().astimezone(tz).date() - timedelta(days=7), time.fromisoformat(rounds.time)
    )

    async with bot.transaction() as tx:
        await bot.scheduler.schedule(
            queue.ROUND_KEY,
            ROUND_JOB,
            rrule=f"FREQ=WEEKLY;BYDAY={rounds.day}",
            start=start,
            tz=tz,
            connection=tx.db,
        )
        await bot.set_state(_SCHEDULED, signature, tx.db)


async def run_round(ctx: JobContext, job: Job) -> None:
    """The scheduled round: close the open one, release the next pieces."""
    await open_round(ctx, ctx.db, job.due_at)


async def open_round(ctx: Effects, db: AsyncConnection, due_at: datetime) -> list[Any] | None:
    """Open the round due at ``due_at`` (once); return the released pieces, or ``None`` if
    that round was opened already."""
    seen = (
        await db.execute(sa.select(tables.rounds.c.id).where(tables.rounds.c.due_at == due_at))
    ).first()
    if seen is not None:
        return None
    now = ctx.bot.clock.now()
    try:
        async with db.begin_nested():
            round_id = (
                await db.execute(
                    tables.rounds.insert()
                    .values(due_at=due_at, opened_at=now)
                    .returning(tables.rounds.c.id)
                )
            ).scalar_one()
    except sa.exc.IntegrityError:
        return None  # opened by a concurrent run
    await _close_previous(ctx, db, round_id, now)
    rounds = await queue.round_settings(ctx.bot, db)
    batches = queue.plan(await queue.queued(db), rounds)
    ids = [row.id for row in batches[0]] if batches else []
    if ids:
        await db.execute(
            tables.pieces.update()
            .where(tables.pieces.c.id.in_(ids))
            .values(status="released", round_id=round_id)
        )
    released = list(
        (
            await db.execute(
                sa.select(tables.pieces)
                .where(tables.pieces.c.id.in_(ids))
                .order_by(tables.pieces.c.lane.desc(), tables.pieces.c.position)
            )
        ).all()
    )
    authors = await ctx.bot.people.many({row.person_id for row in released}, db)
    cap = _cap(ctx.bot)
    for row in released:
        author = authors.get(row.person_id)
        name = author.display_name if author is not None else "a member"
        ctx.announce(announcement(row, name, cap), buttons=(claim_button(row.id),))
        if author is not None:
            ctx.send_to(
                author,
                md(
                    "Your piece ",
                    italic(row.title),
                    " is out for critique in this round: "
                    "I'll send you each critique as it comes in.",
                ),
            )
        fire(ctx, critique.piece_released, piece=piece_of(row))
    return released


def _cap(bot: Bot) -> int:
    return settings(bot).critiquers_per_piece


def announcement(row: Any, author: str, cap: int) -> Markup:
    genre = f" ({row.genre})" if row.genre else ""
    parts: list[Markup | str] = [
        md(
            bold("Out for critique: "),
            italic(row.title),
            f"{genre} by {author}, "
            f"{plural(row.words, 'word')}. Piece {row.id}, {plural(cap, 'critique slot')}.",
        ),
    ]
    if row.content_notes:
        parts.append(md(bold("Content notes: "), row.content_notes))
    parts.append(md("Press the button or send ", code(f"critique claim {row.id}"), "."))
    return lines(*parts)


async def _close_previous(ctx: Effects, db: AsyncConnection, round_id: int, now: datetime) -> None:
    """Close the rounds open for ``weeks_open`` weeks; their authors can get the compiled file.

    Half a day of slack, so a round opened by hand a little late still closes on time.
    """
    until = now - timedelta(weeks=settings(ctx.bot).weeks_open) + timedelta(hours=12)
    open_rounds = [
        r[0]
        for r in await db.execute(
            sa.select(tables.rounds.c.id).where(
                tables.rounds.c.closed_at.is_(None),
                tables.rounds.c.id != round_id,
                tables.rounds.c.opened_at <= until,
            )
        )
    ]
    if not open_rounds:
        return
    await db.execute(
        tables.rounds.update().where(tables.rounds.c.id.in_(open_rounds)).values(closed_at=now)
    )
    closing = list(
        (
            await db.execute(
                sa.select(tables.pieces).where(
                    tables.pieces.c.round_id.in_(open_rounds), tables.pieces.c.status == "released"
                )
            )
        ).all()
    )
    if not closing:
        return
    await db.execute(
        tables.pieces.update()
        .where(tables.pieces.c.id.in_([row.id for row in closing]))
        .values(status="closed")
    )
    counts: dict[int, int] = dict(
        (
            await db.execute(
                sa.select(tables.critiques.c.piece_id, sa.func.count())
                .where(tables.critiques.c.piece_id.in_([row.id for row in closing]))
                .group_by(tables.critiques.c.piece_id)
            )
        ).all()
    )
    authors = await ctx.bot.people.many({row.person_id for row in closing}, db)
    for row in closing:
        author = authors.get(row.person_id)
        if author is None:
            continue
        got = counts.get(row.id, 0)
        ctx.send_to(
            author,
            md(
                "The round closed: ",
                italic(row.title),
                f" got {plural(got, 'critique')}. "
                "Get the piece with every critique and paragraph comment as one file: ",
                code(f"critique compile {row.id}"),
                ".",
            ),
            buttons=(
                Button("Markdown file", COMPILE_ACTION, f"{row.id}:md"),
                Button("Word file", COMPILE_ACTION, f"{row.id}:docx"),
            ),
        )


# --- organisers: critique round ---------------------------------------------------------------
async def round_status(ctx: Context) -> None:
    """``critique round``: the settings and when the next round opens."""
    async with ctx.bot.read() as db:
        rounds = await queue.round_settings(ctx.bot, db)
        waiting = len(await queue.queued(db))
    following = await ctx.bot.scheduler.next_run(queue.ROUND_KEY)
    when = local_time(following, ctx.person.tz) if following else "not scheduled"
    ctx.reply(
        lines(
            md(bold("Review rounds: "), rounds.describe(), "."),
            f"Next round: {when}. Waiting in the queue: {plural(waiting, 'piece')}.",
            md(
                "Change with ",
                code("critique round every wed 00:00"),
                ", ",
                code("critique round pieces 5 2"),
                "; open one now with ",
                code("critique round open"),
                ".",
            ),
        )
    )


async def round_every(ctx: Context, day: str, at: time) -> None:
    """``critique round every wed 00:00``: the weekday and time rounds open."""
    code_ = day[:2].upper()
    if code_ not in DAYS or not any(
        name.lower().startswith(day.lower()) for name in queue.DAY_NAMES.values()
    ):
        raise UserError(f"“{day}” is not a weekday; use mon, tue, wed, thu, fri, sat or sun.")
    await _change(ctx, day=code_, time=f"{at:%H:%M}")


async def round_pieces(ctx: Context, pieces: int, newcomers: int | None = None) -> None:
    """``critique round pieces 5 [2]``: how many pieces a round releases (newcomers first)."""
    async with ctx.bot.read() as db:
        current = await queue.round_settings(ctx.bot, db)
    keep = min(current.newcomers, pieces) if newcomers is None else newcomers
    if keep < 0:
        raise UserError("The newcomers' share of a round can't be below 0.")
    if keep > pieces:
        raise UserError(
            f"A round releasing {pieces} pieces can't take {newcomers} from the newcomers' lane."
        )
    await _change(ctx, pieces=pieces, newcomers=keep)


async def _change(ctx: Context, **changes: Any) -> None:
    async with ctx.transaction() as db:
        stored = await queue.stored_rounds(db)
        await queue.store_rounds(db, {**stored, **changes})
    await schedule_rounds(ctx.bot)
    await round_status(ctx)


async def round_open(ctx: Context) -> None:
    """``critique round open``: close the open round and release the next pieces now."""
    async with ctx.transaction() as db:
        released = await open_round(ctx, db, ctx.now())
    if released is None:
        ctx.reply("A round was opened at this very moment already; nothing more was released.")
        return
    count = len(released)
    spaces = len(ctx.bot.spaces.joined())
    if count == 0:
        ctx.reply("A new round is open, but the queue was empty: no pieces were released.")
    elif spaces == 0:
        ctx.reply(
            md(
                f"A new round is open: {plural(count, 'piece')} released, but no space is part "
                "of the community, so nobody saw the announcement. Send ",
                code("space join"),
                " in the space where members should see them (their authors were told).",
            )
        )
    else:
        ctx.reply(
            f"A new round is open: {plural(count, 'piece')} released and announced in "
            f"{plural(spaces, 'space')}."
        )
