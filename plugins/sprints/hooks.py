"""``start_sprint``: another plugin (an event's write-in) starts a sprint, idempotently."""

from __future__ import annotations

from datetime import datetime

from salon.core import Bot, Person, SpaceRef, Sprint, bold, lines, md
from salon.core.storage import sa
from salon.plugins.sprints import lifecycle, status, tables
from salon.plugins.sprints.arena import arena_of
from salon.plugins.sprints.store import plural, to_sprint


async def start_sprint(
    space: SpaceRef, minutes: int, starts_at: datetime, starter: Person, key: str, bot: Bot
) -> Sprint:
    async with bot.transaction() as tx:
        found = (
            await tx.db.execute(sa.select(tables.sprints).where(tables.sprints.c.key == key))
        ).first()
        if found is not None:
            return to_sprint(found)
        arena = arena_of(bot, space)
        row = await lifecycle.create(tx, tx.db, arena, space, starter, minutes, starts_at, key=key)
        when = lifecycle.describe_wait(tx.now(), row.starts_at)
        status.post(
            tx,
            arena,
            lambda _platform: lines(
                md(bold(f"Sprint #{row.id}"), f": {plural(minutes, 'minute')}, starting {when}."),
                md(f"Started for {starter.display_name}. Join with sprint join."),
            ),
        )
    return to_sprint(row)
