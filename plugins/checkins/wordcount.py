"""``wc``: log today's words (set, add, or a project total), with same-day corrections."""

from __future__ import annotations

from datetime import date

from salon.core import Context, ProgressEntry, UserError, bold, lines, md
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.goals import (
    check_reached,
    current_goal_row,
    describe_progress,
    load_goal,
)
from salon.plugins.checkins.parsing import MAX_AMOUNT, parse_word_count
from salon.plugins.checkins.store import fire, is_person, plural
from salon.plugins.checkins.streaks import update_streak


async def wc_command(ctx: Context, entry: str) -> None:
    parsed = parse_word_count(entry)
    person = ctx.person
    today = ctx.now().astimezone(person.tz).date()
    async with ctx.transaction() as db:
        goal_row = await current_goal_row(db, person.id)
        unit = goal_row.unit if goal_row is not None and goal_row.unit != "sessions" else "words"
        today_row = (
            await db.execute(
                sa.select(tables.progress).where(
                    is_person(tables.progress, person.id), tables.progress.c.day == today
                )
            )
        ).first()
        before = today_row.amount if today_row is not None else 0
        if today_row is not None and today_row.unit != unit and parsed.mode != "set":
            # Adding pages to a count of words would mix the two.
            raise UserError(
                f"Today's count is {before:,} {today_row.unit}, but your goal counts {unit}. "
                f"Send wc with today's {unit} to replace it."
            )
        if parsed.mode == "set":
            amount = parsed.amount
        elif parsed.mode == "add":
            amount = before + parsed.amount
            if amount < 0:
                raise UserError(
                    f"Today you have {before:,} {unit}; I can't take away {-parsed.amount:,}."
                )
        else:
            start = (
                goal_row.started_on
                if goal_row is not None and goal_row.kind == "total"
                else date.min
            )
            earlier = (
                await db.execute(
                    sa.select(sa.func.coalesce(sa.func.sum(tables.progress.c.amount), 0)).where(
                        is_person(tables.progress, person.id),
                        tables.progress.c.unit == unit,
                        tables.progress.c.day >= start,
                        tables.progress.c.day < today,
                    )
                )
            ).scalar() or 0
            amount = parsed.amount - int(earlier)
            if amount < 0:
                raise UserError(
                    f"Before today you had already logged {earlier:,} {unit}, more than "
                    f"{parsed.amount:,}. Use wc with today's {unit} to correct today."
                )
        if amount > MAX_AMOUNT:
            raise UserError(
                f"That would make today's count {amount:,} {unit}, more than I can count "
                f"(at most {MAX_AMOUNT:,}); please check the number."
            )
        note = parsed.note or (today_row.note if today_row is not None else "")
        values = {"amount": amount, "unit": unit, "note": note, "updated_at": ctx.now()}
        if today_row is None:
            await db.execute(
                tables.progress.insert().values(person_id=person.id, day=today, **values)
            )
        else:
            await db.execute(
                tables.progress.update()
                .where(is_person(tables.progress, person.id), tables.progress.c.day == today)
                .values(**values)
            )
        streak = await update_streak(ctx, db, ctx.member, person, today)
        goal = await load_goal(db, person.id, today)
        await check_reached(ctx, db, goal, today, ctx.member, person)
        fire(
            ctx,
            checkin_hooks.progress_logged,
            entry=ProgressEntry(person.id, today, amount, unit, note),
            member=ctx.member,
            person=person,
        )
    change = ""
    if today_row is not None and (before != amount or today_row.unit != unit):
        was_unit = "" if today_row.unit == unit else f" {today_row.unit}"
        change = f" (was {before:,}{was_unit})"
    rows = [md("Logged ", bold(f"{amount:,} {unit}"), f" for today, {today:%a %d %b}{change}.")]
    if goal is not None:
        rows.append(describe_progress(goal, today))
    if streak.length:
        rows.append(md(f"Streak: {plural(streak.length, 'day')} (best {streak.best:,})."))
    ctx.reply(lines(*rows))


WC_HELP = (
    "A plain number replaces today's count, +number or -number adds to it or corrects it, "
    "and total number works out today's count from your project total. You can correct today "
    "until your local midnight. Counts are in your goal's unit (words unless it is pages or "
    "minutes)."
)
