"""What members type: ``sprint 20``, ``sprint join``, ``sprint wc 1234``, ``sprint end`` ..."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from salon.core import Context, UserError, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.sprints import lifecycle, results, tables
from salon.plugins.sprints.arena import Arena, arena_of
from salon.plugins.sprints.parsing import parse_chain, parse_count, parse_plan
from salon.plugins.sprints.store import (
    PLUGIN,
    active_in,
    entry_of,
    insert_id,
    joined_active,
    may_manage,
    plural,
)


def _arena_here(ctx: Context) -> Arena:
    if ctx.space.is_direct:
        raise UserError("Start sprints in a group space, so others can join.")
    return arena_of(ctx.bot, ctx.space.ref)


async def _sprint_here(ctx: Context, db: AsyncConnection) -> Any:
    """The sprint this command is about: the space's, or (in a DM) the one you joined."""
    if ctx.space.is_direct:
        row = await joined_active(db, ctx.person.id)
        if row is None:
            raise UserError("You are not in a sprint right now.")
        return row
    row = await active_in(db, arena_of(ctx.bot, ctx.space.ref).key)
    if row is None:
        raise UserError("No sprint is running here; start one with sprint 20.")
    return row


def _announce_created(ctx: Context, row: Any, arena: Arena, chain: Any = None) -> None:
    when = lifecycle.describe_wait(ctx.now(), row.starts_at)
    what = (
        f"{plural(chain.count, 'sprint')} of {plural(chain.minutes, 'minute')} "
        f"with {chain.break_minutes}-minute breaks"
        if chain is not None
        else plural(row.minutes, "minute")
    )
    body = lines(
        md(bold(f"Sprint #{row.id}"), f": {what}, starting {when}."),
        md(
            f"Started by {ctx.person.display_name}. Join with sprint join "
            "(or sprint join 1234 with your current word count)."
        ),
    )
    ctx.reply(body)
    for space in arena.spaces:
        if space != ctx.space.ref:
            ctx.send_to_space(space, body)


async def start(ctx: Context, spec: str | None = None) -> None:
    config = ctx.bot.plugin_config(PLUGIN)
    arena = _arena_here(ctx)
    now = ctx.now()
    plan = parse_plan(spec or "", ctx.person.tz, now)
    minutes = config.default_minutes if plan.minutes is None else plan.minutes
    starts_at = plan.starts_at or now + timedelta(minutes=config.default_delay_minutes)
    async with ctx.transaction() as db:
        row = await lifecycle.create(ctx, db, arena, ctx.space.ref, ctx.person, minutes, starts_at)
    _announce_created(ctx, row, arena)


async def chain(ctx: Context, spec: str) -> None:
    config = ctx.bot.plugin_config(PLUGIN)
    arena = _arena_here(ctx)
    plan = parse_chain(spec)
    if not 2 <= plan.count <= config.max_chain:
        raise UserError(f"A chain has 2 to {config.max_chain} sprints.")
    pause = config.report_minutes if plan.pause is None else plan.pause
    if pause < 1:
        raise UserError("Leave at least a 1-minute break between sprints, for the counts.")
    now = ctx.now()
    starts_at = now + timedelta(minutes=config.default_delay_minutes)
    async with ctx.transaction() as db:
        lifecycle.check_limits(ctx.bot, plan.minutes, starts_at, now)
        await lifecycle.refuse_if_busy(ctx.bot, db, arena, now)
        chain_id = await insert_id(
            db,
            tables.chains.insert().values(
                arena=arena.key,
                count=plan.count,
                minutes=plan.minutes,
                break_minutes=pause,
                starter_id=ctx.person.id,
                status="running",
                created_at=now,
            ),
        )
        row = await lifecycle.create(
            ctx,
            db,
            arena,
            ctx.space.ref,
            ctx.person,
            plan.minutes,
            starts_at,
            chain_id=chain_id,
            chain_index=1,
        )
        chain_row = await results.load_chain(db, chain_id)
    _announce_created(ctx, row, arena, chain_row)


async def _last_end_count(db: AsyncConnection, person_id: int) -> int | None:
    e = tables.entries
    rows = await db.execute(
        sa.select(e.c.start_count, e.c.end_count, e.c.words)
        .where(
            e.c.person_id == person_id, sa.or_(e.c.end_count.is_not(None), e.c.words.is_not(None))
        )
        .order_by(e.c.sprint_id.desc())
    )
    for start_count, end_count, words in rows:
        if end_count is not None:
            return int(end_count)
        if start_count is not None:
            return int(start_count) + int(words)
    return None


async def join(ctx: Context, how: str | None = None) -> None:
    choice = (how or "").strip().lower()
    async with ctx.transaction() as db:
        row = await _sprint_here(ctx, db)
        if row.status == "reporting":
            raise UserError(f"Sprint #{row.id} has ended; join the next one.")
        existing = await entry_of(db, row.id, ctx.person.id)
        if existing is not None:
            raise UserError(f"You are already in sprint #{row.id}.")
        start_count: int | None = None
        mode = "count"
        if choice == "nowc":
            mode = "nowc"
        elif choice == "same":
            start_count = await _last_end_count(db, ctx.person.id)
            if start_count is None:
                raise UserError(
                    "You have no count from an earlier sprint; send sprint join 1234 "
                    "with your current word count."
                )
        elif choice:
            count = parse_count(choice)
            if count.is_words:
                raise UserError("Join with your current word count, like sprint join 1234.")
            start_count = count.value
        now = ctx.now()
        minutes = row.minutes
        if row.status == "running":
            minutes = max(1, math.ceil((row.ends_at - now).total_seconds() / 60))
        await db.execute(
            tables.entries.insert().values(
                sprint_id=row.id,
                person_id=ctx.person.id,
                mode=mode,
                start_count=start_count,
                joined_at=now,
                minutes=minutes,
            )
        )
    if mode == "nowc":
        detail = " just for fun (no word count)"
    elif start_count is not None:
        detail = f" from {start_count:,} words"
    else:
        detail = ""
    when = (
        f"it starts {lifecycle.describe_wait(ctx.now(), row.starts_at)}"
        if row.status == "waiting"
        else f"{plural(minutes, 'minute')} left"
    )
    ctx.reply(md("You're in sprint #", str(row.id), detail, f"; {when}."))


async def leave(ctx: Context) -> None:
    async with ctx.transaction() as db:
        row = await _sprint_here(ctx, db)
        if await entry_of(db, row.id, ctx.person.id) is None:
            raise UserError(f"You are not in sprint #{row.id}.")
        await db.execute(
            tables.entries.delete().where(
                tables.entries.c.sprint_id == row.id,
                tables.entries.c.person_id == ctx.person.id,
            )
        )
        closes = row.status == "reporting" and await lifecycle.all_reported(db, row.id)
        if closes:
            await lifecycle.close(ctx, db, row)
    ctx.reply(f"You left sprint #{row.id}.")


async def time_left(ctx: Context) -> None:
    async with ctx.bot.read() as db:
        row = await _sprint_here(ctx, db)
    now = ctx.now()
    if row.status == "waiting":
        when = lifecycle.describe_wait(now, row.starts_at)
        text = f"starts {when} and lasts {plural(row.minutes, 'minute')}"
    elif row.status == "running":
        left = lifecycle.minutes_until(now, row.ends_at)
        text = f"is on: {plural(left, 'minute')} left of {row.minutes}"
    else:
        left = lifecycle.minutes_until(now, row.report_until)
        text = f"is over; counts are taken for {plural(left, 'more minute')}"
    ctx.reply(f"Sprint #{row.id} {text}.")


async def cancel(ctx: Context) -> None:
    async with ctx.transaction() as db:
        row = await _sprint_here(ctx, db)
        may_manage(ctx.person, row)
        if row.status == "reporting":
            raise UserError(f"Sprint #{row.id} is over; its results come soon.")
        await lifecycle.cancel(ctx, db, row, ctx.person)
    if ctx.space.is_direct:
        ctx.reply(f"Sprint #{row.id} is cancelled.")


async def end_early(ctx: Context) -> None:
    async with ctx.transaction() as db:
        row = await _sprint_here(ctx, db)
        may_manage(ctx.person, row)
        if row.status == "waiting":
            raise UserError(f"Sprint #{row.id} hasn't started; sprint cancel calls it off.")
        if row.status == "reporting":
            raise UserError(f"Sprint #{row.id} is already over.")
        await lifecycle.finish_writing(ctx, db, row)
    if ctx.space.is_direct:
        ctx.reply(f"Sprint #{row.id} ended early; counts are coming in.")


async def pingme(ctx: Context, switch: str | None = None) -> None:
    arena = _arena_here(ctx)
    off = (switch or "").lower() == "off"
    where = sa.and_(tables.pingme.c.arena == arena.key, tables.pingme.c.person_id == ctx.person.id)
    async with ctx.transaction() as db:
        found = (await db.execute(sa.select(tables.pingme).where(where))).first()
        if off and found is not None:
            await db.execute(tables.pingme.delete().where(where))
        elif not off and found is None:
            await db.execute(
                tables.pingme.insert().values(arena=arena.key, person_id=ctx.person.id)
            )
    if off:
        ctx.reply("I won't ping you for sprints here unless you join one.")
    else:
        ctx.reply(
            "I'll ping you when sprints here start and end, even if you don't join "
            "(sprint pingme off to stop)."
        )
