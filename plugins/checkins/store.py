"""Small queries and helpers every part of the plugin shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from salon.core import Context, JobContext, Member, MemberRef, SpaceRef
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables

PLUGIN = "checkins"


def is_member(table: sa.Table, ref: MemberRef) -> sa.ColumnElement[bool]:
    """``WHERE`` clause: the row belongs to ``ref``."""
    return sa.and_(table.c.platform == ref.platform, table.c.member_id == ref.id)


def ref_of(row: Any) -> MemberRef:
    return MemberRef(row.platform, row.member_id)


def in_refs(table: sa.Table, refs: Iterable[MemberRef]) -> sa.ColumnElement[bool]:
    return sa.tuple_(table.c.platform, table.c.member_id).in_([(r.platform, r.id) for r in refs])


def fire(ctx: Context | JobContext, hook: Callable[..., object], **kwargs: Any) -> None:
    """Call ``hook`` (a check-ins hookspec) once the current transaction has committed."""
    bot = ctx.bot

    async def call() -> None:
        await bot.notify(hook, community=bot.community, **kwargs)

    ctx.after_commit(call)


async def away_until(db: AsyncConnection, ref: MemberRef) -> date | None:
    row = (
        await db.execute(sa.select(tables.away.c.until).where(is_member(tables.away, ref)))
    ).first()
    return None if row is None else row[0]


async def away_members(db: AsyncConnection, on: date) -> dict[MemberRef, date]:
    """Members who are away on day ``on``, with the day they are back (the table is small)."""
    rows = await db.execute(sa.select(tables.away).where(tables.away.c.until > on))
    return {ref_of(row): row.until for row in rows}


async def member_named(ctx: Context | JobContext, db: AsyncConnection, ref: MemberRef) -> Member:
    """A ``Member`` for hooks fired from a job, with the name salon knows them by."""
    return Member(ref, await ctx.bot.profiles.display_name(ref, db))


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def space_of(checkin: Any) -> SpaceRef:
    """The space a check-in row belongs to."""
    return SpaceRef(checkin.space_platform, checkin.space_id)
