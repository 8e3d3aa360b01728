"""Goals and progress toward them: ``goal``, the periods a goal counts over, progress lines."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from salon.core import Context, Goal, Person, UserError, bold, code, lines, md
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.markup import Markup
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.parsing import parse_goal
from salon.plugins.checkins.store import fire, is_person


def local_today(ctx: Any, person: Person) -> date:
    """The person's current local date."""
    return ctx.now().astimezone(person.tz).date()  # type: ignore[no-any-return]


async def current_goal_row(db: AsyncConnection, person_id: int) -> Any:
    query = (
        sa.select(tables.goals)
        .where(is_person(tables.goals, person_id), tables.goals.c.ended_at.is_(None))
        .order_by(tables.goals.c.id.desc())
        .limit(1)
    )
    return (await db.execute(query)).first()


def period_of(kind: str, today: date) -> str:
    """The name of the period a goal of ``kind`` is measured over on ``today``."""
    if kind == "daily":
        return today.isoformat()
    if kind == "weekly":
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    return "total"


def period_start(kind: str, started_on: date, today: date) -> date:
    if kind == "daily":
        return today
    if kind == "weekly":
        return today - timedelta(days=today.weekday())
    return started_on


async def progress_between(
    db: AsyncConnection, person_id: int, unit: str, start: date, end: date
) -> int:
    """Amount logged in ``unit`` from ``start`` to ``end`` (inclusive); sessions count days."""
    where = [
        is_person(tables.progress, person_id),
        tables.progress.c.day >= start,
        tables.progress.c.day <= end,
    ]
    if unit == "sessions":
        query = sa.select(sa.func.count()).where(*where, tables.progress.c.amount > 0)
    else:
        query = sa.select(sa.func.coalesce(sa.func.sum(tables.progress.c.amount), 0)).where(
            *where, tables.progress.c.unit == unit
        )
    return int((await db.execute(query)).scalar() or 0)


async def load_goal(db: AsyncConnection, person_id: int, today: date) -> Goal | None:
    """The person's current goal with their progress in its current period."""
    row = await current_goal_row(db, person_id)
    if row is None:
        return None
    start = period_start(row.kind, row.started_on, today)
    progress = await progress_between(db, person_id, row.unit, start, today)
    return Goal(
        id=row.id,
        person_id=person_id,
        kind=row.kind,
        target=row.target,
        unit=row.unit,
        deadline=row.deadline,
        progress=progress,
    )


def describe_goal(goal: Goal) -> str:
    if goal.kind == "daily":
        return f"{goal.target:,} {goal.unit} a day"
    if goal.kind == "weekly":
        return f"{goal.target:,} {goal.unit} a week"
    assert goal.deadline is not None
    return f"{goal.target:,} {goal.unit} by {goal.deadline:%a %d %b %Y}"


def describe_progress(goal: Goal, today: date) -> Markup:
    """One line: where the member stands against their goal."""
    share = goal.progress * 100 // goal.target
    percent = f"{share}%" if share <= 999 else "over 999%"
    if goal.kind == "daily":
        where = "today"
    elif goal.kind == "weekly":
        where = "this week"
    else:
        where = "so far"
    line = md("Goal ", bold(describe_goal(goal)), f": {goal.progress:,} {where} ({percent})")
    if goal.is_reached:
        return line + md(" — reached! 🎉")
    if goal.kind == "total" and goal.deadline is not None:
        remaining = goal.target - goal.progress
        if goal.deadline < today:
            return line + md("; the deadline has passed. Set a new goal whenever you're ready.")
        days_left = (goal.deadline - today).days + 1
        if days_left == 1:
            line += md(f"; {remaining:,} to go today")
        else:
            line += md(f"; {remaining:,} to go, about {-(-remaining // days_left):,} a day")
    return line + "."


async def check_reached(
    ctx: Any, db: AsyncConnection, goal: Goal | None, today: date, member: Any, person: Person
) -> None:
    """Fire ``goal_reached`` once per goal and period when progress meets the target."""
    if goal is None or not goal.is_reached:
        return
    period = period_of(goal.kind, today)
    result = await db.execute(
        tables.goals.update()
        .where(
            tables.goals.c.id == goal.id,
            sa.or_(
                tables.goals.c.reached_period.is_(None),
                tables.goals.c.reached_period != period,
            ),
        )
        .values(reached_period=period)
    )
    if result.rowcount:
        fire(ctx, checkin_hooks.goal_reached, goal=goal, member=member, person=person)


async def goal_command(ctx: Context, spec: str | None = None) -> None:
    person = ctx.person
    prefix = ctx.bot.config.commands.prefix
    if spec is None:
        today = local_today(ctx, person)
        async with ctx.bot.read() as db:
            goal = await load_goal(db, person.id, today)
        if goal is None:
            ctx.reply(
                md(
                    "You have no goal yet. Set one, e.g. ",
                    code(f"{prefix}goal 500 words daily"),
                    ".",
                )
            )
        else:
            ctx.reply(describe_progress(goal, today))
        return
    if spec.strip().lower() == "end":
        async with ctx.transaction() as db:
            row = await current_goal_row(db, person.id)
            if row is None:
                raise UserError("You have no goal to end.")
            await db.execute(
                tables.goals.update().where(tables.goals.c.id == row.id).values(ended_at=ctx.now())
            )
        ctx.reply("Goal ended. Set a new one whenever you like — every word still counts.")
        return
    async with ctx.transaction() as db:
        today = local_today(ctx, person)
        parsed = parse_goal(spec, today)
        previous = await current_goal_row(db, person.id)
        if previous is not None:
            await db.execute(
                tables.goals.update()
                .where(tables.goals.c.id == previous.id)
                .values(ended_at=ctx.now())
            )
        await db.execute(
            tables.goals.insert().values(
                person_id=person.id,
                kind=parsed.kind,
                target=parsed.target,
                unit=parsed.unit,
                deadline=parsed.deadline,
                started_on=today,
                created_at=ctx.now(),
            )
        )
        goal = await load_goal(db, person.id, today)
        assert goal is not None
        fire(ctx, checkin_hooks.goal_set, goal=goal, member=ctx.member, person=person)
        await check_reached(ctx, db, goal, today, ctx.member, person)
    verb = "changed" if previous is not None else "set"
    ctx.reply(
        lines(md(f"Goal {verb}: ", bold(describe_goal(goal)), "."), describe_progress(goal, today))
    )


GOAL_HELP = (
    "A goal is daily, weekly (Monday to Sunday) or a total by a date (that day included), in "
    "words, pages, minutes or sessions (days you logged anything). Setting a goal again "
    "changes it; goal end stops it."
)
