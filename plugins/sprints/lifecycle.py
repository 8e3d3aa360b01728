"""A sprint from start to results: creating it and the durable jobs that move it along.

Every step is a one-off scheduled job keyed by the sprint (``sprints:12:start``), run once by
the scheduler in its own transaction; each checks the sprint's status first, so a step that
an early end or a cancel made moot does nothing. A restart loses no timer.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from salon.core import Job, JobContext, Person, SpaceRef, UserError, bold, lines, md
from salon.core.hookspecs import sprints as sprint_hooks
from salon.core.storage import AsyncConnection
from salon.plugins.sprints import results, status, tables
from salon.plugins.sprints.arena import Arena, arena_by_key
from salon.plugins.sprints.store import (
    PLUGIN,
    active_in,
    entries_of,
    insert_id,
    load,
    people_of,
    pinged_people,
    plural,
    to_sprint,
)

WARN_JOB = "sprints.warn"
START_JOB = "sprints.start"
QUARTER_JOB = "sprints.quarter"
END_JOB = "sprints.end"
CLOSE_JOB = "sprints.close"
QUARTERS = 4


def job_key(sprint_id: int, step: str) -> str:
    return f"sprints:{sprint_id}:{step}"


def minutes_until(now: datetime, then: datetime) -> int:
    return max(0, math.ceil((then - now).total_seconds() / 60))


def describe_wait(now: datetime, then: datetime) -> str:
    left = minutes_until(now, then)
    if left >= 120:
        hours, minutes = divmod(left, 60)
        return f"in {hours} h {minutes:02d} min"
    return "now" if left == 0 else f"in {plural(left, 'minute')}"


def check_limits(bot: Any, minutes: int, starts_at: datetime, now: datetime) -> None:
    config = bot.plugin_config(PLUGIN)
    if minutes < 1:
        raise UserError("A sprint lasts at least 1 minute; try sprint 20.")
    if minutes > config.max_minutes:
        raise UserError(
            f"Sprints here last at most {config.max_minutes} minutes; "
            f"{minutes} is too long (try sprint {config.max_minutes})."
        )
    if starts_at > now + timedelta(hours=config.max_delay_hours):
        raise UserError(
            f"A sprint can start at most {config.max_delay_hours} hours ahead; pick a sooner start."
        )


async def refuse_if_busy(bot: Any, db: AsyncConnection, arena: Arena, now: datetime) -> None:
    row = await active_in(db, arena.key)
    if row is None:
        return
    if row.status == "waiting":
        when = f"starts {describe_wait(now, row.starts_at)}"
    elif row.status == "running":
        when = f"ends {describe_wait(now, row.ends_at)}"
    else:
        when = "is taking word counts"
    raise UserError(
        f"Sprint #{row.id} already runs here ({when}); join it with sprint join, "
        "or start yours when it is over."
    )


async def create(
    ctx: Any,
    db: AsyncConnection,
    arena: Arena,
    origin: SpaceRef,
    starter: Person,
    minutes: int,
    starts_at: datetime,
    *,
    key: str | None = None,
    chain_id: int | None = None,
    chain_index: int | None = None,
) -> Any:
    """Store a waiting sprint with its starter joined, and schedule its steps."""
    now = ctx.now()
    check_limits(ctx.bot, minutes, starts_at, now)
    await refuse_if_busy(ctx.bot, db, arena, now)
    starts_at = max(starts_at, now)
    ends_at = starts_at + timedelta(minutes=minutes)
    sprint_id = await insert_id(
        db,
        tables.sprints.insert().values(
            arena=arena.key,
            active_arena=arena.key,
            space_platform=origin.platform,
            space_id=origin.id,
            starter_id=starter.id,
            minutes=minutes,
            starts_at=starts_at,
            ends_at=ends_at,
            status="waiting",
            chain_id=chain_id,
            chain_index=chain_index,
            key=key,
            created_at=now,
        ),
    )
    await db.execute(
        tables.entries.insert().values(
            sprint_id=sprint_id,
            person_id=starter.id,
            mode="count",
            joined_at=now,
            minutes=minutes,
        )
    )
    await schedule_steps(ctx.bot, db, sprint_id, starts_at, ends_at, now)
    return await load(db, sprint_id)


async def schedule_steps(
    bot: Any,
    db: AsyncConnection,
    sprint_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> None:
    scheduler = bot.scheduler
    payload = {"sprint": sprint_id}
    if starts_at - timedelta(minutes=1) > now + timedelta(seconds=30):
        await scheduler.schedule(
            job_key(sprint_id, "warn"),
            WARN_JOB,
            at=starts_at - timedelta(minutes=1),
            payload=payload,
            connection=db,
        )
    await scheduler.schedule(
        job_key(sprint_id, "start"), START_JOB, at=starts_at, payload=payload, connection=db
    )
    length = ends_at - starts_at
    if length >= timedelta(minutes=QUARTERS):
        for quarter in range(1, QUARTERS):
            await scheduler.schedule(
                job_key(sprint_id, f"q{quarter}"),
                QUARTER_JOB,
                at=starts_at + length * quarter / QUARTERS,
                payload={**payload, "quarter": quarter},
                connection=db,
            )
    await scheduler.schedule(
        job_key(sprint_id, "end"), END_JOB, at=ends_at, payload=payload, connection=db
    )


async def cancel_steps(bot: Any, db: AsyncConnection, sprint_id: int) -> None:
    for step in ("warn", "start", "q1", "q2", "q3", "end", "close"):
        await bot.scheduler.cancel(job_key(sprint_id, step), db)


def _arena(bot: Any, row: Any) -> Arena:
    return arena_by_key(bot, row.arena, SpaceRef(row.space_platform, row.space_id))


async def _pinged(ctx: Any, db: AsyncConnection, row: Any) -> list[Person]:
    ids = await pinged_people(db, row.id, row.arena)
    found = await people_of(ctx.bot, db, ids)
    return [found[pid] for pid in ids if pid in found]


def _title(row: Any) -> str:
    chain = "" if row.chain_index is None else f" (chain, {row.chain_index})"
    return f"Sprint #{row.id}{chain}"


# --- the jobs -------------------------------------------------------------------------------
async def warn(ctx: JobContext, job: Job) -> None:
    db = ctx.db
    row = await load(db, job.payload["sprint"])
    if row is None or row.status != "waiting":
        return
    people = await _pinged(ctx, db, row)
    status.post(
        ctx,
        _arena(ctx.bot, row),
        lambda platform: lines(
            md(bold(f"{_title(row)} starts in 1 minute"), f": {plural(row.minutes, 'minute')}."),
            status.pings(people, platform),
            "Get ready; sprint join to take part.",
        ),
    )


def _running_body(row: Any, people: list[Person], quarter: int, now: datetime) -> Any:
    left = minutes_until(now, row.ends_at)

    def body(platform: str) -> Any:
        return lines(
            md(bold(f"{_title(row)}: write!"), f" {plural(row.minutes, 'minute')}."),
            status.pings(people, platform),
            f"{status.progress_bar(quarter, QUARTERS)} {plural(left, 'minute')} left",
        )

    return body


async def start(ctx: JobContext, job: Job) -> None:
    db = ctx.db
    row = await load(db, job.payload["sprint"])
    if row is None or row.status != "waiting":
        return
    await db.execute(
        tables.sprints.update().where(tables.sprints.c.id == row.id).values(status="running")
    )
    row = await load(db, row.id)
    people = await _pinged(ctx, db, row)
    status.post_status(ctx, row.id, _arena(ctx.bot, row), _running_body(row, people, 0, ctx.now()))
    sprint = to_sprint(row)
    bot = ctx.bot

    async def started() -> None:
        await bot.notify(
            sprint_hooks.sprint_started, sprint=sprint, community=bot.community, bot=bot
        )

    ctx.after_commit(started)


async def quarter(ctx: JobContext, job: Job) -> None:
    db = ctx.db
    row = await load(db, job.payload["sprint"])
    if row is None or row.status != "running":
        return
    people = await _pinged(ctx, db, row)
    done = int(job.payload["quarter"])
    await status.edit_status(
        ctx, db, row.id, _arena(ctx.bot, row), _running_body(row, people, done, ctx.now())
    )


async def end(ctx: JobContext, job: Job) -> None:
    db = ctx.db
    row = await load(db, job.payload["sprint"])
    if row is None or row.status != "running":
        return
    await finish_writing(ctx, db, row)


def report_window(bot: Any, row: Any, chain: Any) -> timedelta:
    window = timedelta(minutes=bot.plugin_config(PLUGIN).report_minutes)
    if chain is not None and row.chain_index is not None and row.chain_index < chain.count:
        # The next sprint of the chain starts after the break: counts come in before it.
        window = min(window, timedelta(minutes=max(1, chain.break_minutes)))
    return window


async def finish_writing(ctx: Any, db: AsyncConnection, row: Any) -> None:
    """Writing stops (at the end, or early): take word counts for the reporting window."""
    now = ctx.now()
    for step in ("q1", "q2", "q3", "end"):
        await ctx.bot.scheduler.cancel(job_key(row.id, step), db)
    chain = await results.load_chain(db, row.chain_id)
    until = now + report_window(ctx.bot, row, chain)
    ended_early = now < row.ends_at
    values: dict[str, Any] = {"status": "reporting", "report_until": until}
    if ended_early:
        # Late joiners wrote for less: their minutes shrink with the sprint's.
        written = max(1, math.ceil((now - row.starts_at).total_seconds() / 60))
        values["ends_at"] = now
        await db.execute(
            tables.entries.update()
            .where(tables.entries.c.sprint_id == row.id, tables.entries.c.minutes > written)
            .values(minutes=written)
        )
    await db.execute(tables.sprints.update().where(tables.sprints.c.id == row.id).values(**values))
    row = await load(db, row.id)
    people = await _pinged(ctx, db, row)
    arena = _arena(ctx.bot, row)
    stopped = "ended early" if ended_early else "is over"
    await status.edit_status(
        ctx,
        db,
        row.id,
        arena,
        lambda platform: lines(
            md(bold(f"{_title(row)} {stopped}."), f" {plural(row.minutes, 'minute')}."),
            status.pings(people, platform),
            f"{status.progress_bar(QUARTERS, QUARTERS)} pens down",
        ),
    )
    window = minutes_until(now, until)
    status.post(
        ctx,
        arena,
        lambda platform: lines(
            md(bold(f"Time's up! {_title(row)} {stopped}.")),
            status.pings(people, platform),
            md(
                "Send your count within ",
                plural(window, "minute"),
                ": sprint wc 1234 (your count now) or sprint wc +350 (words written).",
            ),
        ),
    )
    if await all_reported(db, row.id):
        await close(ctx, db, row)
        return
    await ctx.bot.scheduler.schedule(
        job_key(row.id, "close"), CLOSE_JOB, at=until, payload={"sprint": row.id}, connection=db
    )


async def all_reported(db: AsyncConnection, sprint_id: int) -> bool:
    return all(
        entry.mode == "nowc" or entry.words is not None for entry in await entries_of(db, sprint_id)
    )


async def close_job(ctx: JobContext, job: Job) -> None:
    db = ctx.db
    row = await load(db, job.payload["sprint"])
    if row is None or row.status != "reporting":
        return
    await close(ctx, db, row)


async def close(ctx: Any, db: AsyncConnection, row: Any) -> None:
    """The reporting window closed (or everyone reported): post the results."""
    await ctx.bot.scheduler.cancel(job_key(row.id, "close"), db)
    await db.execute(
        tables.sprints.update()
        .where(tables.sprints.c.id == row.id)
        .values(status="finished", active_arena=None)
    )
    row = await load(db, row.id)
    ranked = await results.rank(db, row.id)
    chain = await results.load_chain(db, row.chain_id)
    board = await results.chain_board(db, chain) if chain is not None else None
    found = await people_of(ctx.bot, db, [r.person_id for r in ranked])
    arena = _arena(ctx.bot, row)
    buttons = results.log_buttons(row, ranked)
    for space in arena.spaces:
        ctx.send(results.outbound(row, ranked, found, chain, board, space, buttons))
    next_row = None
    if chain is not None and row.chain_index is not None:
        if row.chain_index < chain.count and chain.status == "running":
            next_row = await _next_in_chain(ctx, db, row, chain, arena)
        else:
            await db.execute(
                tables.chains.update()
                .where(tables.chains.c.id == chain.id)
                .values(status="finished")
            )
    sprint = to_sprint(row)
    bot = ctx.bot

    async def finished() -> None:
        await bot.notify(
            sprint_hooks.sprint_finished,
            sprint=sprint,
            results=tuple(ranked),
            community=bot.community,
            bot=bot,
        )

    ctx.after_commit(finished)
    if next_row is not None:
        status.post(
            ctx,
            arena,
            lambda _platform: md(
                bold(f"{_title(next_row)} starts {describe_wait(ctx.now(), next_row.starts_at)}"),
                f": {plural(next_row.minutes, 'minute')}. Everyone from this one is in; "
                "sprint leave to sit it out.",
            ),
        )


async def _next_in_chain(ctx: Any, db: AsyncConnection, row: Any, chain: Any, arena: Arena) -> Any:
    starts_at = row.ends_at + timedelta(minutes=chain.break_minutes)
    people = await people_of(ctx.bot, db, [chain.starter_id])
    starter = people.get(chain.starter_id)
    if starter is None:
        return None
    previous = await entries_of(db, row.id)
    next_row = await create(
        ctx,
        db,
        arena,
        SpaceRef(row.space_platform, row.space_id),
        starter,
        chain.minutes,
        starts_at,
        chain_id=chain.id,
        chain_index=row.chain_index + 1,
    )
    # Everyone in the last sprint carries on, from where they stopped.
    await db.execute(tables.entries.delete().where(tables.entries.c.sprint_id == next_row.id))
    for entry in previous:
        end_count = entry.end_count
        if end_count is None and entry.start_count is not None and entry.words is not None:
            end_count = entry.start_count + entry.words
        await db.execute(
            tables.entries.insert().values(
                sprint_id=next_row.id,
                person_id=entry.person_id,
                mode=entry.mode,
                start_count=end_count if entry.mode == "count" else None,
                joined_at=ctx.now(),
                minutes=chain.minutes,
            )
        )
    return next_row


async def cancel(ctx: Any, db: AsyncConnection, row: Any, by: Person) -> None:
    """Cancel a waiting or running sprint (and the rest of its chain)."""
    await cancel_steps(ctx.bot, db, row.id)
    await db.execute(
        tables.sprints.update()
        .where(tables.sprints.c.id == row.id)
        .values(status="cancelled", active_arena=None)
    )
    if row.chain_id is not None:
        await db.execute(
            tables.chains.update()
            .where(tables.chains.c.id == row.chain_id)
            .values(status="cancelled")
        )
    arena = _arena(ctx.bot, row)
    people = await _pinged(ctx, db, row)
    text = md(bold(f"{_title(row)} was cancelled"), f" by {by.display_name}.")
    if row.status == "running":
        await status.edit_status(
            ctx, db, row.id, arena, lambda platform: lines(text, status.pings(people, platform))
        )
    else:
        status.post(ctx, arena, lambda _platform: text)
