"""Queries and helpers every part of the coaching plugin shares (all keyed by person)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from salon.core import CoachingLink, Context, JobContext, Person, Plan, Transaction
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.coaching import tables

PLUGIN = "coaching"
NUDGE_JOB = "coaching.nudge"
REVIEW_JOB = "coaching.review"
DIGEST_JOB = "coaching.digest"
REMIND_JOB = "coaching.session"
ACTIVE = "active"
REQUESTED = "requested"
ENDED = "ended"


def nudge_key(person_id: int) -> str:
    return f"coaching:nudge:{person_id}"


def review_key(person_id: int) -> str:
    return f"coaching:review:{person_id}"


def digest_key(coach_id: int) -> str:
    return f"coaching:digest:{coach_id}"


def fire(
    ctx: Context | JobContext | Transaction, hook: Callable[..., object], **kwargs: Any
) -> None:
    """Call ``hook`` (a coaching hookspec) once the current transaction has committed."""
    bot = ctx.bot

    async def call() -> None:
        await bot.notify(hook, community=bot.community, bot=bot, **kwargs)

    ctx.after_commit(call)


def plan_of(row: Any) -> Plan:
    hours, minutes = (int(part) for part in row.at.split(":"))
    return Plan(
        person_id=row.person_id,
        project=row.project,
        target=row.target,
        deadline=row.deadline,
        days=tuple(int(d) for d in row.days.split(",")),
        at=time(hours, minutes),
        session_minutes=row.session_minutes,
        review_day=row.review_day,
        started_on=row.started_on,
    )


async def load_plan(db: AsyncConnection, person_id: int) -> Plan | None:
    row = (
        await db.execute(sa.select(tables.plans).where(tables.plans.c.person_id == person_id))
    ).first()
    return None if row is None else plan_of(row)


async def logged_words(
    bot: Any, db: AsyncConnection, person: Person, start: date, end: date
) -> dict[date, int]:
    """Words per local day from the check-in log (empty when no check-in plugin is installed)."""
    entries = await bot.first_result(
        checkin_hooks.progress_history, person=person, start=start, end=end, bot=bot, connection=db
    )
    return {e.day: e.amount for e in entries or () if e.unit == "words"}


def link_of(row: Any) -> CoachingLink:
    return CoachingLink(
        id=row.id,
        coach_id=row.coach_id,
        member_id=row.member_id,
        status=row.status,
        has_consent=row.has_consent,
        started_at=row.started_at,
    )


async def open_link(db: AsyncConnection, coach_id: int, member_id: int) -> CoachingLink | None:
    """The requested or active link between ``coach_id`` and ``member_id``, if any."""
    row = (
        await db.execute(
            sa.select(tables.links).where(
                tables.links.c.coach_id == coach_id,
                tables.links.c.member_id == member_id,
                tables.links.c.status != ENDED,
            )
        )
    ).first()
    return None if row is None else link_of(row)


async def is_coach(db: AsyncConnection, person_id: int) -> bool:
    row = await db.execute(
        sa.select(tables.coaches.c.person_id).where(tables.coaches.c.person_id == person_id)
    )
    return row.first() is not None


async def coachees(db: AsyncConnection, coach_id: int) -> list[CoachingLink]:
    """The coach's active links with consent: whom they may see."""
    rows = await db.execute(
        sa.select(tables.links)
        .where(
            tables.links.c.coach_id == coach_id,
            tables.links.c.status == ACTIVE,
            tables.links.c.has_consent.is_(True),
        )
        .order_by(tables.links.c.id)
    )
    return [link_of(r) for r in rows]


def prefix_for(ctx: Context | JobContext | Transaction) -> str:
    """The command prefix for a hint: none in a direct message (commands need none there)."""
    space = getattr(ctx, "space", None)
    if space is None or space.is_direct:
        return ""
    prefix: str = ctx.bot.config.commands.prefix
    return prefix
