"""Daily writing streaks with grace days: computed from the logged days, checked hourly."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from salon.core import Job, JobContext, Person, Streak
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.store import PLUGIN, as_member, away_people, fire, is_person, people

STREAK_JOB = "checkins.streaks"
STREAK_KEY = "checkins:streaks"


def is_alive(last_day: date | None, today: date, grace: int) -> bool:
    """Whether a streak whose last writing day was ``last_day`` survives on ``today``.

    Today is not over, so it does not count as missed.
    """
    return last_day is not None and (today - last_day).days - 1 <= grace


def current_streak(days: Sequence[date], today: date, grace: int) -> tuple[int, date | None]:
    """Length and last day of the streak running on ``today``.

    :param days: the distinct writing days, newest first.
    """
    if not days or not is_alive(days[0], today, grace):
        return 0, days[0] if days else None
    length = 1
    for newer, older in itertools.pairwise(days):
        if (newer - older).days - 1 > grace:
            break
        length += 1
    return length, days[0]


async def writing_days(db: AsyncConnection, person_id: int, until: date) -> list[date]:
    rows = await db.execute(
        sa.select(tables.progress.c.day)
        .where(
            is_person(tables.progress, person_id),
            tables.progress.c.amount > 0,
            tables.progress.c.day <= until,
            tables.progress.c.day >= until - timedelta(days=3 * 366),
        )
        .order_by(tables.progress.c.day.desc())
    )
    return [row[0] for row in rows]


async def load_streak(db: AsyncConnection, person_id: int, today: date, grace: int) -> Streak:
    length, last_day = current_streak(await writing_days(db, person_id, today), today, grace)
    row = (
        await db.execute(
            sa.select(tables.streaks.c.best).where(is_person(tables.streaks, person_id))
        )
    ).first()
    best = max(length, row[0] if row else 0)
    return Streak(person_id, length, best, last_day)


async def update_streak(
    ctx: Any, db: AsyncConnection, member: Any, person: Person, today: date
) -> Streak:
    """Recompute the person's streak after a change to today's progress.

    A streak that ran out while nobody looked (the hourly check had not run yet) is
    reported broken here.
    """
    grace = ctx.bot.plugin_config(PLUGIN).grace_days
    row = (
        await db.execute(sa.select(tables.streaks).where(is_person(tables.streaks, person.id)))
    ).first()
    if row is not None and row.is_alive and not is_alive(row.last_day, today, grace):
        fire(
            ctx,
            checkin_hooks.streak_broken,
            streak=Streak(person.id, row.length, row.best, row.last_day),
            member=member,
            person=person,
        )
    streak = await load_streak(db, person.id, today, grace)
    values = {
        "length": streak.length,
        "best": streak.best,
        "last_day": streak.last_day,
        "is_alive": streak.length > 0,
    }
    if row is None:
        await db.execute(tables.streaks.insert().values(person_id=person.id, **values))
    else:
        await db.execute(
            tables.streaks.update().where(is_person(tables.streaks, person.id)).values(**values)
        )
    return streak


async def check_streaks(ctx: JobContext, job: Job) -> None:
    """Hourly: report streaks that ran out (members who are away keep theirs)."""
    grace = ctx.bot.plugin_config(PLUGIN).grace_days
    db = ctx.db
    rows = (await db.execute(sa.select(tables.streaks).where(tables.streaks.c.is_alive))).all()
    if not rows:
        return
    found = await people(ctx, db, [row.person_id for row in rows])
    away = await away_people(db, (ctx.now() - timedelta(days=1)).date())
    for row in rows:
        person = found.get(row.person_id)
        tz = person.tz if person is not None else ctx.bot.people.default_tz
        today = ctx.now().astimezone(tz).date()
        if row.person_id in away or is_alive(row.last_day, today, grace):
            continue
        await db.execute(
            tables.streaks.update()
            .where(is_person(tables.streaks, row.person_id))
            .values(is_alive=False)
        )
        if person is None:
            continue
        fire(
            ctx,
            checkin_hooks.streak_broken,
            streak=Streak(person.id, row.length, row.best, row.last_day),
            member=as_member(person),
            person=person,
        )


async def schedule_hourly(bot: Any) -> None:
    """Schedule the hourly streak check unless it is already there."""
    if await bot.scheduler.next_run(STREAK_KEY) is not None:
        return
    start = bot.clock.now().replace(minute=5, second=0, microsecond=0) - timedelta(hours=1)
    await bot.scheduler.schedule(
        STREAK_KEY, STREAK_JOB, rrule="FREQ=HOURLY", start=start.replace(tzinfo=None)
    )


async def streak_today(bot: Any, person: Person, connection: AsyncConnection | None) -> Streak:
    """The person's streak on their local today (``checkins.current_streak``)."""
    grace = bot.plugin_config(PLUGIN).grace_days
    today = bot.clock.now().astimezone(person.tz).date()
    if connection is not None:
        return await load_streak(connection, person.id, today, grace)
    async with bot.read() as db:
        return await load_streak(db, person.id, today, grace)
