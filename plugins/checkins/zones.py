"""Time zones: a person's check-ins follow them to the ask job of their new zone."""

from __future__ import annotations

from typing import Any

from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.schedule import load_checkin, sync_zones
from salon.plugins.checkins.store import is_person


async def move_person(bot: Any, db: AsyncConnection, person_id: int, zone: str) -> None:
    """A person's time zone changed: move their check-ins to that zone's ask job."""
    checkin_ids = list(
        (
            await db.execute(
                sa.select(tables.participants.c.checkin_id).where(
                    is_person(tables.participants, person_id), tables.participants.c.tz != zone
                )
            )
        ).scalars()
    )
    if not checkin_ids:
        return
    await db.execute(
        tables.participants.update()
        .where(is_person(tables.participants, person_id))
        .values(tz=zone)
    )
    for checkin_id in checkin_ids:
        await sync_zones(bot, db, await load_checkin(db, checkin_id))


async def refresh_zones(bot: Any) -> None:
    """At startup: catch time-zone changes made while the plugin was not listening."""
    async with bot.transaction() as tx:
        db = tx.db
        rows = (await db.execute(sa.select(tables.participants))).all()
        found = await bot.people.many({row.person_id for row in rows}, db)
        changed = {
            row.person_id: found[row.person_id].tz.key
            for row in rows
            if row.person_id in found and found[row.person_id].tz.key != row.tz
        }
        for person_id, zone in changed.items():
            await move_person(bot, db, person_id, zone)
        for checkin in (await db.execute(sa.select(tables.checkins))).all():
            await sync_zones(bot, db, checkin)
