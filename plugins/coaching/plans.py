"""``plan``: a few questions in a dialog, then a concrete plan shown against what was written.

The plan is stored per person; making it (again) schedules the routine nudges at the
person's writing times and the weekly review on their day, in their zone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs

from salon.core import (
    DURATION,
    POSITIVE_INT,
    TIME,
    Answers,
    Bot,
    Context,
    Dialog,
    Markup,
    Misfire,
    Person,
    Plan,
    Question,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.hookspecs import coaching as coaching_hooks
from salon.core.storage import AsyncConnection
from salon.plugins.coaching import tables
from salon.plugins.coaching.config import CoachingConfig
from salon.plugins.coaching.parsing import (
    DAY_NAMES,
    DEADLINE_ARG,
    WEEKDAY_ARG,
    WEEKDAYS,
    WEEKDAYS_ARG,
    days_label,
)
from salon.plugins.coaching.planning import Progress, progress, writing_days
from salon.plugins.coaching.store import (
    NUDGE_JOB,
    PLUGIN,
    REVIEW_JOB,
    fire,
    load_plan,
    logged_words,
    nudge_key,
    prefix_for,
    review_key,
)

DIALOG = "coaching.plan"
MAX_SESSION = timedelta(hours=12)


def dialog() -> Dialog:
    return Dialog(
        DIALOG,
        (
            Question("project", "What are you writing? A title or a few words.", multiline=False),
            Question(
                "target",
                "How many words do you want to write for it, from today? (e.g. 50000)",
                type=POSITIVE_INT,
                multiline=False,
            ),
            Question("deadline", "By when? (YYYY-MM-DD)", type=DEADLINE_ARG, multiline=False),
            Question(
                "days",
                "Which days do you write? (e.g. mon,wed,fri, weekdays or daily)",
                type=WEEKDAYS_ARG,
                multiline=False,
            ),
            Question(
                "at",
                "At what time does a writing session start, on your clock? (e.g. 07:00)",
                type=TIME,
                multiline=False,
            ),
            Question(
                "session",
                "How long is a session? (e.g. 45m or 1h)",
                type=DURATION,
                multiline=False,
            ),
            Question(
                "review_day",
                "Which day would you like your weekly review? (e.g. sun; Sunday if you skip)",
                type=WEEKDAY_ARG,
                optional=True,
                multiline=False,
            ),
        ),
        on_done=finished,
        title="Your writing plan",
        expires=timedelta(hours=24),
        command_words=("help",),
    )


async def plan_command(ctx: Context) -> None:
    """``plan``: the plan against what was written, or the questions to make one."""
    async with ctx.transaction() as db:
        plan = await load_plan(db, ctx.person.id)
        if plan is None:
            await ctx.bot.dialogs.start(ctx, DIALOG, ctx.person, db=db)
            if not ctx.space.is_direct:
                ctx.reply("Let's make your writing plan: I've sent you a few questions in a DM.")
            return
        ctx.reply(await describe(ctx.bot, db, ctx.person, plan, prefix_for(ctx)))


async def plan_new(ctx: Context) -> None:
    """``plan new``: answer the questions again (the old plan stays until you finish)."""
    await ctx.bot.dialogs.start(ctx, DIALOG, ctx.person)
    if not ctx.space.is_direct:
        ctx.reply("I've sent you the plan questions in a DM; your plan stays until you finish.")


async def plan_end(ctx: Context) -> None:
    """``plan end``: delete the plan; nudges and weekly reviews stop."""
    async with ctx.transaction() as db:
        previous = await load_plan(db, ctx.person.id)
        if previous is None:
            raise UserError("You have no plan to end; make one with plan.")
        await db.execute(tables.plans.delete().where(tables.plans.c.person_id == ctx.person.id))
        await unschedule(ctx.bot, db, ctx.person.id)
        fire(ctx, coaching_hooks.plan_changed, plan=None, previous=previous, person=ctx.person)
    ctx.reply(
        "Your plan is ended: no more nudges or weekly reviews. Your journal stays; "
        "make a new plan with plan."
    )


async def finished(ctx: Context, db: AsyncConnection, answers: Answers) -> None:
    """The dialog's ``on_done``: store the plan, schedule its jobs, show it."""
    values = answers.values
    person = await ctx.bot.people.get(answers.person_id, db) or ctx.person
    session: timedelta = values["session"]
    if session < timedelta(minutes=5) or session > MAX_SESSION:
        raise UserError("A session should last between 5 minutes and 12 hours; how long is yours?")
    today = ctx.now().astimezone(person.tz).date()
    days: tuple[int, ...] = values["days"]
    if writing_days(today, values["deadline"], days) == 0:
        raise UserError(
            f"None of your writing days ({days_label(days)}) falls before "
            f"{values['deadline']:%d %B}; start with plan new and pick a later deadline or "
            "other days."
        )
    review_day = values["review_day"] if values["review_day"] is not None else 6
    at: time = values["at"]
    plan = Plan(
        person_id=person.id,
        project=" ".join(str(values["project"]).split())[:200],
        target=values["target"],
        deadline=values["deadline"],
        days=days,
        at=at,
        session_minutes=int(session.total_seconds() // 60),
        review_day=review_day,
        started_on=today,
    )
    previous = await load_plan(db, person.id)
    row = {
        "project": plan.project,
        "target": plan.target,
        "deadline": plan.deadline,
        "days": ",".join(str(d) for d in plan.days),
        "at": f"{at:%H:%M}",
        "session_minutes": plan.session_minutes,
        "review_day": plan.review_day,
        "started_on": plan.started_on,
        "updated_at": ctx.now(),
    }
    if previous is None:
        await db.execute(
            tables.plans.insert().values(person_id=person.id, created_at=ctx.now(), **row)
        )
    else:
        await db.execute(
            tables.plans.update().where(tables.plans.c.person_id == person.id).values(**row)
        )
    await schedule(ctx.bot, db, person, plan)
    fire(ctx, coaching_hooks.plan_changed, plan=plan, previous=previous, person=person)
    ctx.reply(await describe(ctx.bot, db, person, plan, prefix_for(ctx)))


async def schedule(bot: Bot, db: AsyncConnection, person: Person, plan: Plan) -> None:
    """(Re)schedule the person's nudges and weekly review in their zone."""
    settings: CoachingConfig = bot.plugin_config(PLUGIN)
    today = bot.clock.now().astimezone(person.tz).date()
    start = today.strftime("%Y-%m-%d")
    byday = ",".join(WEEKDAYS[d][:2].upper() for d in plan.days)
    await bot.scheduler.schedule(
        nudge_key(person.id),
        NUDGE_JOB,
        rrule=f"FREQ=WEEKLY;BYDAY={byday}",
        start=_local(start, f"{plan.at:%H:%M}"),
        tz=person.tz,
        payload={"person_id": person.id},
        misfire=Misfire.SKIP,
        connection=db,
    )
    review_day = WEEKDAYS[plan.review_day][:2].upper()
    await bot.scheduler.schedule(
        review_key(person.id),
        REVIEW_JOB,
        rrule=f"FREQ=WEEKLY;BYDAY={review_day}",
        start=_local(start, settings.review_at),
        tz=person.tz,
        payload={"person_id": person.id},
        connection=db,
    )


def _local(day: str, clock: str) -> datetime:
    """A naive wall-clock start for a recurring job (the scheduler reads it in the zone)."""
    return datetime.fromisoformat(f"{day}T{clock}")


async def unschedule(bot: Bot, db: AsyncConnection, person_id: int) -> None:
    await bot.scheduler.cancel(nudge_key(person_id), db)
    await bot.scheduler.cancel(review_key(person_id), db)


async def reschedule_in_zone(bot: Bot, person: Person, tz: ZoneInfo) -> None:
    """The person moved to another zone: their routine keeps its local times."""
    person = attrs.evolve(person, tz=tz)  # the hook's person may still carry the old zone
    async with bot.transaction() as tx:
        plan = await load_plan(tx.db, person.id)
        if plan is not None:
            await schedule(bot, tx.db, person, plan)


async def standing(bot: Bot, db: AsyncConnection, person: Person, plan: Plan) -> Progress:
    today = bot.clock.now().astimezone(person.tz).date()
    logged = await logged_words(bot, db, person, plan.started_on, today)
    return progress(plan, logged, today)


def advice(plan: Plan, now: Progress) -> str:
    """The sentence that adapts the plan: behind, ahead or on track."""
    if now.is_done:
        return f"You've reached {plan.target:,} words: the plan is done. Well written!"
    if now.days_left == 0:
        return (
            f"The deadline has passed with {now.remaining:,} words to go; set a new one with "
            "plan new."
        )
    per_week = len(plan.days)
    gets_there = f"{now.per_day:,} a day on your {per_week} writing days gets you there"
    if now.behind > 0:
        return f"You're {now.behind:,} behind; {gets_there}."
    if now.behind < 0:
        return f"You're {-now.behind:,} ahead; {gets_there}."
    return f"You're on track; {gets_there}."


async def describe(
    bot: Bot, db: AsyncConnection, person: Person, plan: Plan, prefix: str = "", *, own: bool = True
) -> Markup:
    """The plan against what was written; ``own=False`` words it for their coach."""
    now = await standing(bot, db, person, plan)
    if own:
        return describe_with(plan, now, prefix)
    return describe_with(plan, now, heading=f"{person.display_name}'s plan: ", hints=False)


def describe_with(
    plan: Plan, now: Progress, prefix: str = "", *, heading: str = "Your plan: ", hints: bool = True
) -> Markup:
    done = ": done" if now.today >= now.per_day else ""
    today = (
        f"Today's aim: {now.per_day:,} words{done} ({now.today:,} written)."
        if now.is_writing_day and not now.is_done and now.days_left
        else f"Today is not a writing day ({now.today:,} written)."
    )
    out: list[Markup | str] = [
        md(bold(heading), italic(plan.project)),
        f"{plan.target:,} words by {plan.deadline:%a %d %b %Y}, writing {days_label(plan.days)} "
        f"at {plan.at:%H:%M} ({plan.session_minutes}-minute sessions); weekly review on "
        f"{DAY_NAMES[plan.review_day]}.",
        f"Written so far: {now.written:,} of {plan.target:,} ({now.pace:,} a writing day "
        "was the plan's pace).",
        advice(plan, now),
        today,
    ]
    if hints:
        out.append(
            md(
                "Log words with ",
                code(f"{prefix}wc 500"),
                "; change the plan with ",
                code(f"{prefix}plan new"),
                ".",
            )
        )
    return lines(*out)
