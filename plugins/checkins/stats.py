"""``stats``: the last 30 days as a chart (or a sparkline), streak, bests and group totals."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from salon.core import Context, Goal, Image, bold, code, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.charts import can_draw_charts, render_chart, sparkline
from salon.plugins.checkins.goals import describe_progress, load_goal
from salon.plugins.checkins.store import PLUGIN, is_person, plural
from salon.plugins.checkins.streaks import load_streak

DAYS = 30


async def stats_command(ctx: Context) -> None:
    person = ctx.person
    grace = ctx.bot.plugin_config(PLUGIN).grace_days
    today = ctx.now().astimezone(person.tz).date()
    start = today - timedelta(days=DAYS - 1)
    async with ctx.bot.read() as db:
        goal = await load_goal(db, person.id, today)
        unit = await _unit_shown(db, person.id, goal)
        mine = sa.and_(is_person(tables.progress, person.id), tables.progress.c.unit == unit)
        logged = {
            row.day: row.amount
            for row in await db.execute(
                sa.select(tables.progress.c.day, tables.progress.c.amount).where(
                    mine, tables.progress.c.day >= start
                )
            )
        }
        streak = await load_streak(db, person.id, today, grace)
        best_day = (
            await db.execute(
                sa.select(tables.progress.c.day, tables.progress.c.amount)
                .where(mine, tables.progress.c.amount > 0)
                .order_by(tables.progress.c.amount.desc(), tables.progress.c.day.desc())
                .limit(1)
            )
        ).first()
        # The group's totals, in the same unit: adding pages to words means nothing.
        in_unit = tables.progress.c.unit == unit
        week_start = today - timedelta(days=today.weekday())
        group_week, writers = (
            await db.execute(
                sa.select(
                    sa.func.coalesce(sa.func.sum(tables.progress.c.amount), 0),
                    sa.func.count(sa.distinct(tables.progress.c.person_id)),
                ).where(in_unit, tables.progress.c.day >= week_start, tables.progress.c.amount > 0)
            )
        ).one()
        group_all = (
            await db.execute(
                sa.select(sa.func.coalesce(sa.func.sum(tables.progress.c.amount), 0)).where(in_unit)
            )
        ).scalar()
    days = [start + timedelta(days=offset) for offset in range(DAYS)]
    amounts = [logged.get(day, 0) for day in days]
    if not any(amounts) and goal is None and best_day is None:
        prefix = ctx.bot.config.commands.prefix
        ctx.reply(md("No progress logged yet. Start with ", code(f"{prefix}wc 500"), "."))
        return
    rows = [
        md(
            bold(f"Last {DAYS} days:"),
            f" {sum(amounts):,} {unit} on {plural(sum(1 for a in amounts if a), 'day')}.",
        ),
        md(f"Streak: {plural(streak.length, 'day')} (best {plural(streak.best, 'day')})."),
    ]
    if best_day is not None:
        rows.append(md(f"Best day: {best_day.amount:,} {unit} on {best_day.day:%a %d %b %Y}."))
    if goal is not None:
        rows.append(describe_progress(goal, today))
    rows.append(
        md(
            f"The group this week: {int(group_week):,} {unit} from "
            f"{plural(int(writers), 'writer')} (all time: {int(group_all or 0):,})."
        )
    )
    goal_line = _goal_line(goal, today)
    if ctx.bot.capabilities(ctx.space.ref.platform).images and can_draw_charts():
        title = f"{person.display_name}: {unit} per day"
        png = await asyncio.to_thread(render_chart, days, amounts, goal_line, unit, title)
        alt = f"Bar chart of {unit} per day, {days[0]:%d %b} to {days[-1]:%d %b}"
        ctx.reply(lines(*rows), image=Image(png, filename="stats.png", alt_text=alt))
    else:
        rows.insert(1, md(code(sparkline(amounts)), f" ({days[0]:%d %b} to {days[-1]:%d %b})"))
        ctx.reply(lines(*rows))


async def _unit_shown(db: AsyncConnection, person_id: int, goal: Goal | None) -> str:
    """The unit stats are in: the goal's, else the one the person logged last, else words."""
    if goal is not None and goal.unit != "sessions":
        return goal.unit
    if goal is None:
        latest = (
            await db.execute(
                sa.select(tables.progress.c.unit)
                .where(is_person(tables.progress, person_id))
                .order_by(tables.progress.c.day.desc())
                .limit(1)
            )
        ).scalar()
        if latest is not None:
            return str(latest)
    return "words"


def _goal_line(goal: Goal | None, today: date) -> float | None:
    """The daily amount the goal asks for, to draw across the chart."""
    if goal is None or goal.unit == "sessions":
        return None
    if goal.kind == "daily":
        return float(goal.target)
    if goal.kind == "weekly":
        return goal.target / 7
    if goal.deadline is None or goal.deadline < today:
        return None
    days_left = max(1, (goal.deadline - today).days + 1)
    return max(0.0, (goal.target - goal.progress) / days_left)
