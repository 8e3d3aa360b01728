"""Small queries every part of the plugin shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from salon.core import Person, SpaceRef, Sprint, UserError
from salon.core.storage import AsyncConnection, sa
from salon.plugins.sprints import tables

PLUGIN = "sprints"
#: A sprint in one of these still holds its arena.
ACTIVE = ("waiting", "running", "reporting")


async def insert_id(db: AsyncConnection, statement: Any) -> int:
    """Run an ``INSERT`` and return the new row's id."""
    key = (await db.execute(statement)).inserted_primary_key
    assert key is not None
    return int(key[0])


def to_sprint(row: Any) -> Sprint:
    return Sprint(
        id=row.id,
        space=SpaceRef(row.space_platform, row.space_id),
        starter_id=row.starter_id,
        minutes=row.minutes,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status=row.status,
        chain_id=row.chain_id,
    )


async def load(db: AsyncConnection, sprint_id: int) -> Any:
    query = sa.select(tables.sprints).where(tables.sprints.c.id == sprint_id)
    return (await db.execute(query)).first()


async def active_in(db: AsyncConnection, arena: str) -> Any:
    """The sprint holding ``arena`` (waiting, running or taking counts), if any."""
    query = sa.select(tables.sprints).where(tables.sprints.c.active_arena == arena)
    return (await db.execute(query)).first()


async def entry_of(db: AsyncConnection, sprint_id: int, person_id: int) -> Any:
    query = sa.select(tables.entries).where(
        tables.entries.c.sprint_id == sprint_id, tables.entries.c.person_id == person_id
    )
    return (await db.execute(query)).first()


async def entries_of(db: AsyncConnection, sprint_id: int) -> list[Any]:
    query = (
        sa.select(tables.entries)
        .where(tables.entries.c.sprint_id == sprint_id)
        .order_by(tables.entries.c.joined_at, tables.entries.c.person_id)
    )
    return list((await db.execute(query)).all())


async def joined_active(db: AsyncConnection, person_id: int) -> Any:
    """The active sprint ``person_id`` takes part in (for commands sent in a DM)."""
    query = (
        sa.select(tables.sprints)
        .join(tables.entries, tables.entries.c.sprint_id == tables.sprints.c.id)
        .where(
            tables.entries.c.person_id == person_id,
            tables.sprints.c.active_arena.is_not(None),
        )
        .order_by(tables.sprints.c.id.desc())
        .limit(1)
    )
    return (await db.execute(query)).first()


async def pinged_people(db: AsyncConnection, sprint_id: int, arena: str) -> list[int]:
    """Who the start and end ping: everyone who joined, then those who asked (pingme)."""
    joined = [row.person_id for row in await entries_of(db, sprint_id)]
    asked = await db.execute(
        sa.select(tables.pingme.c.person_id)
        .where(tables.pingme.c.arena == arena)
        .order_by(tables.pingme.c.person_id)
    )
    return joined + [pid for (pid,) in asked if pid not in joined]


async def people_of(bot: Any, db: AsyncConnection, ids: Iterable[int]) -> dict[int, Person]:
    return dict(await bot.people.many(list(ids), db))


def name_of(people: dict[int, Person], person_id: int) -> str:
    person = people.get(person_id)
    return person.display_name if person is not None else "someone"


def may_manage(person: Person, sprint: Any) -> None:
    """Only the starter or an organiser may cancel or end a sprint."""
    if person.id != sprint.starter_id and not person.is_organiser:
        raise UserError("Only whoever started the sprint or an organiser can do that.")


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"
