"""The weekly summary of a running challenge and the end-of-challenge card, posted to the
challenge's spaces from durable jobs (``challenges:weekly:<id>``, ``challenges:end:<id>``)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from salon.core import Image, Job, JobContext, Markup, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.challenges import tables
from salon.plugins.challenges.card import can_draw_cards, render_card
from salon.plugins.challenges.ranking import ranked
from salon.plugins.challenges.store import (
    amount,
    describe,
    goal_of,
    load,
    member_rows,
    opted_out,
    pace_line,
    plural,
    spaces_of,
    standings,
    unit_of,
)


async def weekly(ctx: JobContext, job: Job) -> None:
    challenge = await load(ctx.db, job.payload["challenge"])
    if challenge is None or challenge.ended_at is not None:
        await ctx.bot.scheduler.cancel(job.key, connection=ctx.db)
        return
    body = await weekly_text(ctx, ctx.db, challenge)
    for space in await spaces_of(ctx.db, challenge.id):
        ctx.send_to_space(space, body)


async def weekly_text(ctx: Any, db: AsyncConnection, challenge: Any) -> Markup:
    members = await member_rows(db, challenge.id)
    ids = [m.person_id for m in members]
    found = await ctx.bot.people.many(ids, db)
    standing = await standings(db, challenge, ids)
    hidden = await opted_out(db, "leaderboard", ids)
    week = (ctx.now().astimezone(ctx.bot.people.default_tz).date() - challenge.starts_on).days // 7
    out: list[Markup | str] = [
        md(bold(challenge.name), f", week {week + 1}: {describe(challenge)}."),
        md(_totals(challenge, standing.values())),
    ]
    shown = [pid for pid in ids if pid not in hidden and pid in found]
    for rank, person_id, _ in ranked([(pid, standing[pid].value) for pid in shown]):
        person = found[person_id]
        today = ctx.now().astimezone(person.tz).date()
        out.append(
            md(
                f"{rank}. ",
                person.display_name,
                ": ",
                pace_line(challenge, standing[person_id], today),
            )
        )
    if len(shown) < len(ids):
        out.append(md(f"…and {len(ids) - len(shown)} more writing quietly."))
    return lines(*out)


def _totals(challenge: Any, standing: Any) -> str:
    values = list(standing)
    finished = sum(1 for s in values if s.completed)
    writers = plural(len(values), "writer")
    if challenge.kind == "words":
        total = sum(s.value for s in values)
        return f"{total:,} words so far by {writers}; {finished} finished."
    if challenge.kind == "habit":
        return f"{writers}; {finished} wrote every day."
    pieces = sum(s.pieces for s in values)
    return f"{pieces} pieces by {writers}; {finished} finished."


async def end(ctx: JobContext, job: Job) -> None:
    challenge = await load(ctx.db, job.payload["challenge"])
    if challenge is not None:
        await finish(ctx, ctx.db, challenge)


async def finish(ctx: Any, db: AsyncConnection, challenge: Any) -> bool:
    """End ``challenge`` once (a guarded update) and post its card where it ran."""
    result = await db.execute(
        tables.challenges.update()
        .where(tables.challenges.c.id == challenge.id, tables.challenges.c.ended_at.is_(None))
        .values(ended_at=ctx.now())
    )
    if not result.rowcount:
        return False
    await ctx.bot.scheduler.cancel(f"challenges:weekly:{challenge.id}", connection=db)
    await ctx.bot.scheduler.cancel(f"challenges:end:{challenge.id}", connection=db)
    challenge = await load(db, challenge.id)
    text, image = await summary(ctx, db, challenge)
    for space in await spaces_of(db, challenge.id):
        ctx.send_to_space(space, text, image=image)
    return True


async def summary(ctx: Any, db: AsyncConnection, challenge: Any) -> tuple[Markup, Image | None]:
    members = await member_rows(db, challenge.id)
    ids = [m.person_id for m in members]
    found = await ctx.bot.people.many(ids, db)
    standing = await standings(db, challenge, ids)
    hidden = await opted_out(db, "leaderboard", ids)
    finishers = [pid for pid in ids if standing[pid].completed]
    unit = unit_of(challenge)
    head = md("🏁 ", bold(challenge.name), f" is over ({describe(challenge)}).")
    if challenge.kind == "words":
        total = sum(s.value for s in standing.values())
        counts = f"{total:,} words by {plural(len(ids), 'writer')}; {len(finishers)} finished."
    else:
        counts = f"{plural(len(ids), 'writer')}; {len(finishers)} finished."
    out: list[Markup | str] = [head, md(counts)]
    shown = [pid for pid in ids if pid not in hidden and pid in found]
    for rank, person_id, value in ranked([(pid, standing[pid].value) for pid in shown]):
        mark = "✓ " if standing[person_id].completed else ""
        out.append(md(f"{rank}. {mark}", found[person_id].display_name, f": {amount(value, unit)}"))
    if len(shown) < len(ids):
        out.append(md(f"…and {len(ids) - len(shown)} more writing quietly."))
    text = lines(*out)
    if not can_draw_cards():
        return text, None
    days, series = await _series(db, challenge, shown, found)
    line_unit, target = unit, goal_of(challenge)
    if challenge.kind == "pieces":
        line_unit, target = "pieces", challenge.target * goal_of(challenge)
    png = await asyncio.to_thread(
        render_card, challenge.name, counts, days, series, target, line_unit
    )
    alt = f"Each writer's {line_unit} over {challenge.name}, with the target; " + counts
    return text, Image(png, filename="challenge.png", alt_text=alt)


async def _series(
    db: AsyncConnection, challenge: Any, ids: list[int], found: dict[int, Any]
) -> tuple[list[date], list[tuple[str, list[int]]]]:
    """Each shown member's cumulative count per day of the challenge (at most 12 lines)."""
    start = challenge.starts_on
    # Ended early: the lines stop on the day it ended.
    end = (
        min(challenge.ends_on, challenge.ended_at.date())
        if challenge.ended_at
        else challenge.ends_on
    )
    end = max(start, end)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    per_day: dict[int, dict[date, int]] = {pid: {} for pid in ids}
    if challenge.kind == "pieces":
        query = sa.select(tables.pieces.c.person_id, tables.pieces.c.day, sa.literal(1)).where(
            tables.pieces.c.person_id.in_(ids),
            tables.pieces.c.day >= start,
            tables.pieces.c.day <= end,
        )
        if challenge.source != "any":
            query = query.where(tables.pieces.c.source == challenge.source)
    else:
        query = sa.select(tables.days.c.person_id, tables.days.c.day, tables.days.c.amount).where(
            tables.days.c.person_id.in_(ids),
            tables.days.c.day >= start,
            tables.days.c.day <= end,
            tables.days.c.amount > 0,
        )
        if challenge.kind == "words":
            query = query.where(tables.days.c.unit == "words")
    for person_id, day, logged in await db.execute(query):
        bucket = per_day[person_id]
        bucket[day] = bucket.get(day, 0) + (1 if challenge.kind == "habit" else int(logged))
    series = []
    for person_id in ids[:12]:
        running, values = 0, []
        for day in days:
            running += per_day[person_id].get(day, 0)
            values.append(running)
        series.append((found[person_id].display_name, values))
    return days, series
