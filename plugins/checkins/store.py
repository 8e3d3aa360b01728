"""Small queries and helpers every part of the plugin shares.

Everything here is keyed on ``person_id``: a writer's accounts on several platforms share one
set of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from salon.core import Context, JobContext, Member, Person, SpaceRef, Transaction
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables

PLUGIN = "checkins"


def is_person(table: sa.Table, person_id: int) -> sa.ColumnElement[bool]:
    """``WHERE`` clause: the row belongs to person ``person_id``."""
    return table.c.person_id == person_id


def in_people(table: sa.Table, person_ids: Iterable[int]) -> sa.ColumnElement[bool]:
    return table.c.person_id.in_(list(person_ids))


def fire(
    ctx: Context | JobContext | Transaction, hook: Callable[..., object], **kwargs: Any
) -> None:
    """Call ``hook`` (a check-ins hookspec) once the current transaction has committed."""
    bot = ctx.bot

    async def call() -> None:
        await bot.notify(hook, community=bot.community, bot=bot, **kwargs)

    ctx.after_commit(call)


async def away_until(db: AsyncConnection, person_id: int) -> date | None:
    row = (
        await db.execute(sa.select(tables.away.c.until).where(is_person(tables.away, person_id)))
    ).first()
    return None if row is None else row[0]


async def away_people(db: AsyncConnection, on: date) -> dict[int, date]:
    """People who are away on day ``on``, with the day they are back (the table is small)."""
    rows = await db.execute(sa.select(tables.away).where(tables.away.c.until > on))
    return {row.person_id: row.until for row in rows}


async def people(
    ctx: Context | JobContext, db: AsyncConnection, person_ids: Iterable[int]
) -> dict[int, Person]:
    """The people behind ``person_ids`` (cached by the core; the rest read in ``db``)."""
    return await ctx.bot.people.many(person_ids, db)


def as_member(person: Person) -> Member:
    """A ``Member`` for hooks fired from a job: the person's DM account and name."""
    return Member(person.dm_account, person.display_name, role=person.role, person_id=person.id)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def space_of(checkin: Any) -> SpaceRef:
    """The space a check-in row belongs to."""
    return SpaceRef(checkin.space_platform, checkin.space_id)


def checkin_label(bot: Any, checkin: Any) -> str:
    """How members see a check-in's space: ``#writing-group on Matrix``, never a raw id."""
    return str(bot.spaces.label(space_of(checkin)))
