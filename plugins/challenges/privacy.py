"""A person's challenge rows in ``my data``, ``forget me``, and two people merged into one
(a day's words add up as check-ins adds them; each challenge and opt-out is kept once)."""

from __future__ import annotations

from typing import Any

from salon.core import Markup, Person, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.challenges import tables

PERSON_TABLES = (tables.members, tables.days, tables.pieces, tables.optouts, tables.warnings)


async def export(person: Person, db: AsyncConnection) -> Markup:
    joined = (
        await db.execute(
            sa.select(tables.members, tables.challenges.c.name)
            .join(tables.challenges, tables.challenges.c.id == tables.members.c.challenge_id)
            .where(tables.members.c.person_id == person.id)
            .order_by(tables.members.c.joined_at)
        )
    ).all()
    days = (
        await db.execute(
            sa.select(tables.days)
            .where(tables.days.c.person_id == person.id)
            .order_by(tables.days.c.day)
        )
    ).all()
    pieces = (
        await db.execute(sa.select(tables.pieces).where(tables.pieces.c.person_id == person.id))
    ).all()
    optouts = (
        await db.execute(sa.select(tables.optouts).where(tables.optouts.c.person_id == person.id))
    ).all()
    out: list[Markup | str] = [md(bold("Challenges"))]
    for row in joined:
        done = f", finished {row.completed_at:%Y-%m-%d}" if row.completed_at else ""
        out.append(md("- joined “", row.name, f"” {row.joined_at:%Y-%m-%d}{done}"))
    if not joined:
        out.append("no challenges joined")
    out.append(
        f"Days counted: {len(days)} ({sum(d.amount for d in days if d.unit == 'words'):,} words)"
    )
    out.append(f"Pieces counted: {len(pieces)}")
    if optouts:
        out.append("Opted out of: " + ", ".join(row.what.replace("_", " ") for row in optouts))
    return lines(*out)


async def forget(person: Person, db: AsyncConnection) -> None:
    for table in PERSON_TABLES:
        await db.execute(table.delete().where(table.c.person_id == person.id))


async def merge(kept: Person, merged: Person, db: AsyncConnection) -> None:
    await _days(db, kept.id, merged.id)
    await _members(db, kept.id, merged.id)
    for table, keys in (
        (tables.pieces, ("source", "ref")),
        (tables.optouts, ("what",)),
        (tables.warnings, ("day",)),
    ):
        await _keep_once(db, table, keys, kept.id, merged.id)


async def _rows(db: AsyncConnection, table: sa.Table, person_id: int) -> list[Any]:
    return list((await db.execute(sa.select(table).where(table.c.person_id == person_id))).all())


async def _days(db: AsyncConnection, kept: int, merged: int) -> None:
    days = tables.days
    mine = {row.day: row for row in await _rows(db, days, kept)}
    for row in await _rows(db, days, merged):
        other = mine.get(row.day)
        if other is None:
            await db.execute(
                days.insert().values(person_id=kept, day=row.day, amount=row.amount, unit=row.unit)
            )
        elif other.unit == row.unit:
            await db.execute(
                days.update()
                .where(days.c.person_id == kept, days.c.day == row.day)
                .values(amount=other.amount + row.amount)
            )
    await db.execute(days.delete().where(days.c.person_id == merged))


async def _members(db: AsyncConnection, kept: int, merged: int) -> None:
    members = tables.members
    mine = {row.challenge_id: row for row in await _rows(db, members, kept)}
    for row in await _rows(db, members, merged):
        other = mine.get(row.challenge_id)
        if other is None:
            await db.execute(
                members.insert().values(
                    challenge_id=row.challenge_id,
                    person_id=kept,
                    joined_at=row.joined_at,
                    completed_at=row.completed_at,
                )
            )
            continue
        done = [t for t in (other.completed_at, row.completed_at) if t is not None]
        await db.execute(
            members.update()
            .where(members.c.challenge_id == row.challenge_id, members.c.person_id == kept)
            .values(
                joined_at=min(other.joined_at, row.joined_at),
                completed_at=min(done) if done else None,
            )
        )
    await db.execute(members.delete().where(members.c.person_id == merged))


async def _keep_once(
    db: AsyncConnection, table: sa.Table, keys: tuple[str, ...], kept: int, merged: int
) -> None:
    mine = {tuple(getattr(row, k) for k in keys) for row in await _rows(db, table, kept)}
    for row in await _rows(db, table, merged):
        if tuple(getattr(row, k) for k in keys) in mine:
            continue
        values = dict(row._mapping)
        values["person_id"] = kept
        await db.execute(table.insert().values(**values))
    await db.execute(table.delete().where(table.c.person_id == merged))
