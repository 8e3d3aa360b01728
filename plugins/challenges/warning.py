"""The streak warning: at 20:00 of their own day, a member with a streak of 3 or more days who
has not logged anything yet gets one DM, unless they turned it off (``streakwarning off``).

One daily job per time zone the writers live in (``challenges:streakwarn:<zone>``); a
``challenges_warnings`` row per person and day makes it once a day whatever restarts come.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from salon.core import Context, Job, JobContext, UserError, bold, code, md
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import sa
from salon.plugins.challenges import tables

WARNING_JOB = "challenges.streak_warning"
OPTOUT = "streak_warning"


def zone_key(tz: ZoneInfo) -> str:
    return f"challenges:streakwarn:{tz.key}"


async def ensure_zone(bot: Any, tz: ZoneInfo) -> None:
    """Schedule the daily warning job of ``tz`` unless it is there (or the time changed)."""
    settings = bot.plugin_config("challenges")
    at = time.fromisoformat(settings.streak_warning_time)
    key = zone_key(tz)
    next_run = await bot.scheduler.next_run(key)
    if next_run is not None and next_run.astimezone(tz).time() == at:
        return
    today = bot.clock.now().astimezone(tz).date()
    await bot.scheduler.schedule(
        key,
        WARNING_JOB,
        rrule="FREQ=DAILY",
        start=datetime.combine(today - timedelta(days=1), at),
        tz=tz,
        payload={"tz": tz.key},
    )


async def ensure_zones(bot: Any) -> None:
    """At startup: a job for the zone of everyone who logged in the last week."""
    since = bot.clock.now().date() - timedelta(days=8)
    async with bot.read() as db:
        ids = list(
            (
                await db.execute(
                    sa.select(tables.days.c.person_id).where(tables.days.c.day >= since).distinct()
                )
            ).scalars()
        )
        found = await bot.people.many(ids, db)
    for tz in {person.tz.key: person.tz for person in found.values()}.values():
        await ensure_zone(bot, tz)


async def warn(ctx: JobContext, job: Job) -> None:
    """20:00 in one zone: warn its writers whose streak would break tonight."""
    bot = ctx.bot
    settings = bot.plugin_config("challenges")
    if not settings.streak_warnings:
        return
    tz = ZoneInfo(job.payload["tz"])
    today = job.due_at.astimezone(tz).date()
    if ctx.now().astimezone(tz).date() != today:
        return  # run late (salon was down) past midnight: that day's streak is decided

    db = ctx.db
    recent = (
        await db.execute(
            sa.select(tables.days.c.person_id, sa.func.max(tables.days.c.day))
            .where(tables.days.c.day >= today - timedelta(days=7), tables.days.c.amount > 0)
            .group_by(tables.days.c.person_id)
        )
    ).all()
    waiting = [person_id for person_id, last in recent if last < today]
    if not waiting:
        return
    off = set(
        (
            await db.execute(
                sa.select(tables.optouts.c.person_id).where(
                    tables.optouts.c.what == OPTOUT, tables.optouts.c.person_id.in_(waiting)
                )
            )
        ).scalars()
    )
    found = await bot.people.many(waiting, db)
    prefix = bot.config.commands.prefix
    for person_id in waiting:
        person = found.get(person_id)
        if person is None or person_id in off or person.tz.key != tz.key:
            continue
        streak = await bot.first_result(
            checkin_hooks.current_streak, person=person, bot=bot, connection=db
        )
        if streak is None or streak.length < settings.streak_warning_min:
            continue
        if not await _first_today(bot, db, person_id, today):
            continue
        ctx.send_to(
            person,
            md(
                "You haven't logged anything today: log today to keep your ",
                bold(f"{streak.length}-day streak"),
                " (",
                code(f"{prefix}wc 200"),
                " is enough). Turn these off with ",
                code(f"{prefix}streakwarning off"),
                ".",
            ),
        )


async def _first_today(bot: Any, db: Any, person_id: int, today: date) -> bool:
    result = await db.execute(
        bot.storage.insert_ignoring_duplicates(tables.warnings).values(
            person_id=person_id, day=today
        )
    )
    return bool(result.rowcount)


async def streakwarning_command(ctx: Context, setting: str | None = None) -> None:
    person_id = ctx.person.id
    settings = ctx.bot.plugin_config("challenges")
    at, least = settings.streak_warning_time, settings.streak_warning_min
    async with ctx.transaction() as db:
        row = (
            await db.execute(
                sa.select(tables.optouts).where(
                    tables.optouts.c.person_id == person_id, tables.optouts.c.what == OPTOUT
                )
            )
        ).first()
        if setting is None:
            state = "off" if row is not None else "on"
            ctx.reply(
                md(
                    f"Streak warnings are {state} for you: ",
                    "I don't DM you about your streak."
                    if row is not None
                    else f"if your streak is {least} days or more and you haven't logged by "
                    f"{at} your time, I DM you once that day.",
                )
            )
            return
        if setting == "off":
            if row is not None:
                raise UserError("Streak warnings are already off for you.")
            await db.execute(tables.optouts.insert().values(person_id=person_id, what=OPTOUT))
            ctx.reply("Streak warnings off: I won't DM you about your streak.")
        else:
            if row is None:
                raise UserError("Streak warnings are already on for you.")
            await db.execute(
                tables.optouts.delete().where(
                    tables.optouts.c.person_id == person_id, tables.optouts.c.what == OPTOUT
                )
            )
            ctx.reply(f"Streak warnings on: if your streak is at risk at {at}, I'll DM you once.")
