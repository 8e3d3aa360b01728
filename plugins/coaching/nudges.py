"""Routine nudges: at the person's writing time on their writing days, in their zone.

Quiet when they already logged today, when they are away (``away``, asked through the
check-in hooks) and once the week's limit is reached; at most one a day. A nudge that would
arrive late (salon was down at the time) is skipped rather than sent hours after the session.
"""

from __future__ import annotations

from datetime import date, timedelta

from salon.core import Job, JobContext, code, md
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.coaching import tables
from salon.plugins.coaching.config import CoachingConfig
from salon.plugins.coaching.planning import progress
from salon.plugins.coaching.store import PLUGIN, load_plan, logged_words, prefix_for


async def _sent_this_week(db: AsyncConnection, person_id: int, day: date) -> tuple[int, bool]:
    monday = day - timedelta(days=day.weekday())
    days = (
        await db.execute(
            sa.select(tables.nudges.c.day).where(
                tables.nudges.c.person_id == person_id,
                tables.nudges.c.day >= monday,
                tables.nudges.c.day <= monday + timedelta(days=6),
            )
        )
    ).scalars()
    sent = list(days)
    return len(sent), day in sent


async def nudge(ctx: JobContext, job: Job) -> None:
    """The ``coaching.nudge`` job: one person's session time came."""
    bot, db = ctx.bot, ctx.db
    person = await bot.people.get(int(job.payload["person_id"]), db)
    plan = None if person is None else await load_plan(db, person.id)
    if person is None or plan is None or job.is_late:
        return
    today = job.due_at.astimezone(person.tz).date()
    if today.weekday() not in plan.days or today > plan.deadline:
        return
    away = await bot.first_result(checkin_hooks.away_until, person=person, bot=bot, connection=db)
    if away is not None:
        return
    logged = await logged_words(bot, db, person, plan.started_on, today)
    if logged.get(today, 0) > 0:
        return
    settings: CoachingConfig = bot.plugin_config(PLUGIN)
    count, already = await _sent_this_week(db, person.id, today)
    if already or count >= settings.nudges_per_week:
        return
    now = progress(plan, logged, today)
    if now.is_done:
        return
    await db.execute(
        tables.nudges.insert().values(person_id=person.id, day=today, sent_at=ctx.now())
    )
    prefix = prefix_for(ctx)
    ctx.send_to(
        person,
        md(
            f"Your {plan.at:%H:%M} session — what are you working on today? Your plan asks "
            f"{now.per_day:,} words today. Log them with ",
            code(f"{prefix}wc 500"),
            " when you're done (",
            code(f"{prefix}away"),
            " pauses these).",
        ),
    )
