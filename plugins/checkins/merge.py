"""Two people became one (``people_merged``): their check-ins rows are merged, never doubled.

Progress is merged per day (a day's amounts add up when in the same unit; otherwise the later
entry wins), the newer current goal stays current, the streak is recomputed from the merged
days, and participations, answers, buddy sign-ups and pairings are kept once.
"""

from __future__ import annotations

from typing import Any

from salon.core import Bot, Person
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.buddies import leave_pairs
from salon.plugins.checkins.parsing import MAX_AMOUNT
from salon.plugins.checkins.store import PLUGIN, is_person
from salon.plugins.checkins.streaks import load_streak

#: Which of two answers to one round is kept: the more complete one.
STATUS_RANK = {"done": 3, "asking": 2, "skipped": 1, "missed": 0}


async def merge_people(kept: Person, merged: Person, db: AsyncConnection, bot: Bot) -> None:
    now = bot.clock.now()
    await _goals(db, kept.id, merged.id, now)
    await _progress(db, kept.id, merged.id)
    await _streak(db, bot, kept, merged.id)
    await _away(db, kept.id, merged.id)
    await _participants(db, kept.id, merged.id)
    await _responses(db, kept.id, merged.id)
    await _keep_one(db, tables.buddies, kept.id, merged.id)
    await _pairs(db, kept.id, merged.id, now)
    await _move(db, tables.logged, kept.id, merged.id)


async def _rows(db: AsyncConnection, table: sa.Table, person_id: int) -> list[Any]:
    return list((await db.execute(sa.select(table).where(is_person(table, person_id)))).all())


async def _move(db: AsyncConnection, table: sa.Table, kept: int, merged: int) -> None:
    await db.execute(table.update().where(is_person(table, merged)).values(person_id=kept))


async def _goals(db: AsyncConnection, kept: int, merged: int, now: Any) -> None:
    current = (
        await db.execute(
            sa.select(tables.goals.c.id)
            .where(
                tables.goals.c.person_id.in_((kept, merged)),
                tables.goals.c.ended_at.is_(None),
            )
            .order_by(tables.goals.c.created_at.desc(), tables.goals.c.id.desc())
        )
    ).scalars()
    older = list(current)[1:]
    if older:
        await db.execute(
            tables.goals.update().where(tables.goals.c.id.in_(older)).values(ended_at=now)
        )
    await _move(db, tables.goals, kept, merged)


async def _progress(db: AsyncConnection, kept: int, merged: int) -> None:
    mine = {row.day: row for row in await _rows(db, tables.progress, kept)}
    for row in await _rows(db, tables.progress, merged):
        other = mine.get(row.day)
        same_day = sa.and_(is_person(tables.progress, kept), tables.progress.c.day == row.day)
        if other is None:
            await db.execute(
                tables.progress.update()
                .where(is_person(tables.progress, merged), tables.progress.c.day == row.day)
                .values(person_id=kept)
            )
            continue
        if other.unit == row.unit:
            notes = [n for n in (other.note, row.note) if n]
            await db.execute(
                tables.progress.update()
                .where(same_day)
                .values(
                    amount=min(MAX_AMOUNT, other.amount + row.amount),
                    note="; ".join(dict.fromkeys(notes)),
                    updated_at=max(other.updated_at, row.updated_at),
                )
            )
        elif row.updated_at > other.updated_at:
            await db.execute(
                tables.progress.update()
                .where(same_day)
                .values(amount=row.amount, unit=row.unit, note=row.note, updated_at=row.updated_at)
            )
    await db.execute(tables.progress.delete().where(is_person(tables.progress, merged)))


async def _streak(db: AsyncConnection, bot: Bot, kept: Person, merged: int) -> None:
    bests = [row.best for row in await _rows(db, tables.streaks, kept.id)]
    bests += [row.best for row in await _rows(db, tables.streaks, merged)]
    await db.execute(
        tables.streaks.delete().where(tables.streaks.c.person_id.in_((kept.id, merged)))
    )
    if not bests:
        return
    today = bot.clock.now().astimezone(kept.tz).date()
    grace = bot.plugin_config(PLUGIN).grace_days
    streak = await load_streak(db, kept.id, today, grace)
    await db.execute(
        tables.streaks.insert().values(
            person_id=kept.id,
            length=streak.length,
            best=max([streak.best, *bests]),
            last_day=streak.last_day,
            is_alive=streak.length > 0,
        )
    )


async def _away(db: AsyncConnection, kept: int, merged: int) -> None:
    rows = await _rows(db, tables.away, kept) + await _rows(db, tables.away, merged)
    if not rows:
        return
    until = max(row.until for row in rows)
    await db.execute(tables.away.delete().where(tables.away.c.person_id.in_((kept, merged))))
    await db.execute(tables.away.insert().values(person_id=kept, until=until))


async def _keep_one(db: AsyncConnection, table: sa.Table, kept: int, merged: int) -> None:
    """A table with one row per person: keep ``kept``'s row if both have one."""
    if await _rows(db, table, kept):
        await db.execute(table.delete().where(is_person(table, merged)))
    else:
        await _move(db, table, kept, merged)


async def _participants(db: AsyncConnection, kept: int, merged: int) -> None:
    mine = {row.checkin_id for row in await _rows(db, tables.participants, kept)}
    if mine:
        await db.execute(
            tables.participants.delete().where(
                is_person(tables.participants, merged),
                tables.participants.c.checkin_id.in_(mine),
            )
        )
    await _move(db, tables.participants, kept, merged)


async def _responses(db: AsyncConnection, kept: int, merged: int) -> None:
    mine = {(row.checkin_id, row.round): row for row in await _rows(db, tables.responses, kept)}
    drop: list[int] = []
    for row in await _rows(db, tables.responses, merged):
        other = mine.get((row.checkin_id, row.round))
        if other is None:
            continue
        if STATUS_RANK.get(row.status, 0) > STATUS_RANK.get(other.status, 0):
            drop.append(other.id)
        else:
            drop.append(row.id)
    if drop:
        await db.execute(tables.responses.delete().where(tables.responses.c.id.in_(drop)))
    await _move(db, tables.responses, kept, merged)


async def _pairs(db: AsyncConnection, kept: int, merged: int, now: Any) -> None:
    kept_pairs = {row.pair_id for row in await _rows(db, tables.pair_members, kept)}
    current = set(
        (await db.execute(sa.select(tables.pairs.c.id).where(tables.pairs.c.ended_at.is_(None))))
        .scalars()
        .all()
    )
    merged_pairs = {row.pair_id for row in await _rows(db, tables.pair_members, merged)}
    if kept_pairs & current and (merged_pairs & current) - kept_pairs:
        # Each had a current buddy: the person keeps one pair; the other pair loses them.
        await leave_pairs(db, merged, now)
    shared = kept_pairs & merged_pairs
    if shared:
        # Paired with themselves (their two accounts): the pair keeps them once.
        await db.execute(
            tables.pair_members.delete().where(
                is_person(tables.pair_members, merged),
                tables.pair_members.c.pair_id.in_(shared),
            )
        )
        for pair_id in shared & current:
            count = (
                await db.execute(
                    sa.select(sa.func.count()).where(tables.pair_members.c.pair_id == pair_id)
                )
            ).scalar()
            if (count or 0) < 2:
                await db.execute(
                    tables.pairs.update().where(tables.pairs.c.id == pair_id).values(ended_at=now)
                )
    await _move(db, tables.pair_members, kept, merged)
