"""Time zones: a member's check-ins follow them to the ask job of their new zone."""

from __future__ import annotations

from typing import Any

from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.schedule import load_checkin, sync_zones
from salon.plugins.checkins.store import is_member, ref_of


async def move_member(bot: Any, db: AsyncConnection, ref: Any, zone: str) -> None:
    """A member's time zone changed: move their check-ins to that zone's ask job."""
    checkin_ids = list(
        (
            await db.execute(
                sa.select(tables.participants.c.checkin_id).where(
                    is_member(tables.participants, ref), tables.participants.c.tz != zone
                )
            )
        ).scalars()
    )
    if not checkin_ids:
        return
    await db.execute(
        tables.participants.update().where(is_member(tables.participants, ref)).values(tz=zone)
    )
    for checkin_id in checkin_ids:
        await sync_zones(bot, db, await load_checkin(db, checkin_id))


async def refresh_zones(bot: Any) -> None:
    """At startup: catch time-zone changes made while the plugin was not listening."""
    async with bot.transaction() as tx:
        db = tx.db
        rows = (await db.execute(sa.select(tables.participants))).all()
        zones = await bot.profiles.timezones({ref_of(row) for row in rows}, db)
        changed = {ref_of(row) for row in rows if zones[ref_of(row)].key != row.tz}
        for ref in changed:
            await move_member(bot, db, ref, zones[ref].key)
        for checkin in (await db.execute(sa.select(tables.checkins))).all():
            await sync_zones(bot, db, checkin)
