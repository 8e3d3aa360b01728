"""Scheduled prompts: ``prompts schedule``, ``schedules``, ``pause``, ``resume``,
``unschedule`` and ``now``, and the job that posts them.

Each schedule is one recurring job (``prompts:schedule:<id>``) in the community's time zone,
so ``daily 09:00`` stays 09:00 across daylight-saving changes. The scheduler runs each
occurrence exactly once, across restarts; a posting also records its run, so a run cannot
post twice in a space. Pausing cancels the job; resuming schedules it again from now (no
catch-up of what was missed while paused).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from salon.core import (
    Context,
    Job,
    JobContext,
    Misfire,
    SpaceRef,
    UserError,
    bold,
    bullets,
    lines,
    md,
    shorten,
)
from salon.core.storage import AsyncConnection, sa
from salon.plugins.prompts import tables
from salon.plugins.prompts.picking import known_tags
from salon.plugins.prompts.posting import pool_of, post_prompt
from salon.plugins.prompts.schedule_spec import EVERYWHERE, parse_schedule
from salon.plugins.prompts.store import insert

POST_JOB = "prompts.post"


def job_key(schedule_id: int) -> str:
    return f"prompts:schedule:{schedule_id}"


def _space_of(row: Any) -> SpaceRef | None:
    if row.space_platform is None:
        return None
    return SpaceRef(row.space_platform, row.space_id)


def where(ctx: Any, row: Any) -> str:
    space = _space_of(row)
    return "every community space" if space is None else ctx.bot.spaces.label(space)


async def check_tag(ctx: Context, tag: str | None) -> None:
    """A ``UserError`` listing the tags when no prompt on offer carries ``tag``."""
    if tag is None:
        return
    async with ctx.bot.read() as db:
        pool = await pool_of(ctx.bot, db)
    tags = known_tags(pool)
    if tag not in tags:
        raise UserError(
            f"No prompt is tagged '{shorten(tag)}'. The tags are: {', '.join(tags) or 'none yet'}."
        )


async def _start(ctx: Any, db: AsyncConnection, row: Any) -> datetime | None:
    """(Re)schedule ``row``'s job from today; its next run (UTC)."""
    tz = ctx.bot.people.default_tz
    today = ctx.now().astimezone(tz).date()
    start = datetime.combine(today, datetime.fromisoformat(row.start).time())
    try:
        return await ctx.bot.scheduler.schedule(  # type: ignore[no-any-return]
            job_key(row.id),
            POST_JOB,
            rrule=row.rrule,
            start=start,
            tz=tz,
            payload={"schedule": row.id},
            misfire=Misfire.RUN_ONCE,
            connection=db,
        )
    except ValueError:
        raise UserError(
            f"'{shorten(row.rrule)}' is not a rule I can use; try daily 09:00, weekly mon,thu "
            "18:30, or an RRULE such as FREQ=MONTHLY;BYMONTHDAY=1 09:00 that has dates ahead."
        ) from None


def _when(ctx: Any, moment: datetime | None) -> str:
    if moment is None:
        return "never again"
    tz = ctx.bot.people.default_tz
    return f"{moment.astimezone(tz):%a %d %b %H:%M} ({tz.key})"


async def schedule(ctx: Context, spec: str) -> None:
    parsed = parse_schedule(spec)
    if ctx.space.is_direct and not parsed.everywhere:
        raise UserError(
            "Schedule prompts in the space they are for, or add everywhere for every "
            "community space (e.g. prompts schedule daily 09:00 everywhere)."
        )
    await check_tag(ctx, parsed.tag)
    space = None if parsed.everywhere else ctx.space.ref
    async with ctx.transaction() as db:
        schedule_id = await insert(
            db,
            tables.schedules.insert().values(
                space_platform=space.platform if space else None,
                space_id=space.id if space else None,
                rrule=parsed.rrule,
                start=f"2000-01-01T{parsed.at:%H:%M}:00",
                tz=ctx.bot.people.default_tz.key,
                spec=parsed.text,
                tag=parsed.tag,
                created_by=ctx.person.id,
                created_at=ctx.now(),
            ),
        )
        row = await load(db, schedule_id)
        next_run = await _start(ctx, db, row)
    ctx.reply(
        md(
            bold(f"Prompt schedule #{schedule_id} created"),
            f": {parsed.text} in {where(ctx, row)}. The first prompt comes {_when(ctx, next_run)}.",
        )
    )


async def load(db: AsyncConnection, schedule_id: int) -> Any:
    query = sa.select(tables.schedules).where(tables.schedules.c.id == schedule_id)
    return (await db.execute(query)).first()


async def _chosen(ctx: Context, db: AsyncConnection, number: int | None) -> Any:
    """The schedule an organiser means: ``number``, or this space's only one."""
    if number is not None:
        row = await load(db, number)
        if row is None:
            raise UserError(f"There is no prompt schedule #{number}; see prompts schedules.")
        return row
    rows = (await db.execute(sa.select(tables.schedules).order_by(tables.schedules.c.id))).all()
    here = [r for r in rows if _space_of(r) == ctx.space.ref] or (rows if len(rows) == 1 else [])
    if len(here) == 1:
        return here[0]
    if not rows:
        raise UserError("There are no prompt schedules yet; create one with prompts schedule.")
    raise UserError("Which one? Give its number, e.g. prompts pause 2 (see prompts schedules).")


async def schedules(ctx: Context) -> None:
    async with ctx.bot.read() as db:
        rows = (await db.execute(sa.select(tables.schedules).order_by(tables.schedules.c.id))).all()
    if not rows:
        ctx.reply(
            "There are no prompt schedules yet; create one with prompts schedule daily 09:00."
        )
        return
    items = []
    for row in rows:
        state = "paused" if row.is_paused else f"next {_when(ctx, await _next(ctx, row))}"
        items.append(f"#{row.id}: {row.spec} in {where(ctx, row)} ({state})")
    ctx.reply(lines(md(bold("Prompt schedules")), bullets(*items)))


async def _next(ctx: Context, row: Any) -> datetime | None:
    return await ctx.bot.scheduler.next_run(job_key(row.id))


async def pause(ctx: Context, number: int | None = None) -> None:
    async with ctx.transaction() as db:
        row = await _chosen(ctx, db, number)
        if row.is_paused:
            raise UserError(
                f"Prompt schedule #{row.id} is already paused; prompts resume {row.id}."
            )
        await db.execute(
            tables.schedules.update().where(tables.schedules.c.id == row.id).values(is_paused=True)
        )
        await ctx.bot.scheduler.cancel(job_key(row.id), db)
    ctx.reply(
        f"Paused prompt schedule #{row.id} ({row.spec}); prompts resume {row.id} restarts it."
    )


async def resume(ctx: Context, number: int | None = None) -> None:
    async with ctx.transaction() as db:
        row = await _chosen(ctx, db, number)
        if not row.is_paused:
            raise UserError(f"Prompt schedule #{row.id} is not paused.")
        await db.execute(
            tables.schedules.update().where(tables.schedules.c.id == row.id).values(is_paused=False)
        )
        next_run = await _start(ctx, db, row)
    ctx.reply(f"Resumed prompt schedule #{row.id}; the next prompt comes {_when(ctx, next_run)}.")


async def unschedule(ctx: Context, number: int | None = None) -> None:
    async with ctx.transaction() as db:
        row = await _chosen(ctx, db, number)
        await db.execute(tables.schedules.delete().where(tables.schedules.c.id == row.id))
        await ctx.bot.scheduler.cancel(job_key(row.id), db)
    ctx.reply(f"Deleted prompt schedule #{row.id} ({row.spec}). Posted prompts stay.")


async def post_now(ctx: Context, words: str | None = None) -> None:
    parts = (words or "").lower().split()
    everywhere = bool(parts) and parts[-1] in EVERYWHERE
    if everywhere:
        parts = parts[:-1]
    if len(parts) > 1:
        raise UserError(
            "Give at most one tag, e.g. prompts now poetry (or prompts now everywhere)."
        )
    tag = parts[0] if parts else None
    if ctx.space.is_direct and not everywhere:
        raise UserError("Send this in the space the prompt is for, or add everywhere.")
    await check_tag(ctx, tag)
    spaces = community_spaces(ctx) if everywhere else [ctx.space.ref]
    if not spaces:
        raise UserError("I don't know any community spaces yet.")
    async with ctx.transaction() as db:
        prompt = await post_prompt(ctx.bot, db, ctx, spaces, tag=tag)
    if prompt is None:
        raise UserError("There are no prompts to post; add one with prompts add.")
    if everywhere or ctx.space.is_direct:
        ctx.reply(f"Posted a prompt in {len(spaces)} spaces.")


def community_spaces(ctx: Any) -> list[SpaceRef]:
    return [space.ref for space in ctx.bot.spaces.joined()]


async def run_schedule(ctx: JobContext, job: Job) -> None:
    """The job: post the next prompt where the schedule says (nothing if it is gone)."""
    row = await load(ctx.db, int(job.payload["schedule"]))
    if row is None or row.is_paused:
        return
    space = _space_of(row)
    spaces = [space] if space is not None else community_spaces(ctx)
    if not spaces:
        return
    run = f"{row.id}:{job.due_at:%Y%m%dT%H%M}"
    await post_prompt(ctx.bot, ctx.db, ctx, spaces, tag=row.tag, schedule_id=row.id, run=run)
