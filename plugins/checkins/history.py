"""What other plugins may read of a person's log: ``progress_history`` and ``away_until``."""

from __future__ import annotations

from datetime import date
from typing import Any

from salon.core import Person, ProgressEntry
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.store import away_until as stored_away_until
from salon.plugins.checkins.store import is_person


async def _history(
    db: AsyncConnection, person_id: int, start: date, end: date
) -> tuple[ProgressEntry, ...]:
    rows = await db.execute(
        sa.select(tables.progress)
        .where(
            is_person(tables.progress, person_id),
            tables.progress.c.day >= start,
            tables.progress.c.day <= end,
        )
        .order_by(tables.progress.c.day)
    )
    return tuple(ProgressEntry(r.person_id, r.day, r.amount, r.unit, r.note) for r in rows)


async def progress_history(
    bot: Any, person: Person, start: date, end: date, connection: AsyncConnection | None
) -> tuple[ProgressEntry, ...]:
    if connection is not None:
        return await _history(connection, person.id, start, end)
    async with bot.read() as db:
        return await _history(db, person.id, start, end)


async def away_until(bot: Any, person: Person, connection: AsyncConnection | None) -> date | None:
    """The day ``person`` is back, if they are away on their local today."""
    today = bot.clock.now().astimezone(person.tz).date()
    if connection is not None:
        back = await stored_away_until(connection, person.id)
    else:
        async with bot.read() as db:
            back = await stored_away_until(db, person.id)
    return back if back is not None and back > today else None
