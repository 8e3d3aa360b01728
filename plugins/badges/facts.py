"""What the metrics count, fed by the core hook families (never by importing a plugin)."""

from __future__ import annotations

from typing import Any

from salon.core import Person, Streak
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.badges import tables
from salon.plugins.badges.awards import award_due
from salon.plugins.badges.registry import badges_of


async def totals(db: AsyncConnection, person_id: int) -> dict[str, int]:
    """Each metric's count for the person (``streak`` is not stored: ask check-ins)."""
    rows = await db.execute(
        sa.select(tables.facts.c.metric, sa.func.sum(tables.facts.c.amount))
        .where(tables.facts.c.person_id == person_id)
        .group_by(tables.facts.c.metric)
    )
    return {metric: int(total or 0) for metric, total in rows}


async def record(
    bot: Any, person: Person, metric: str, ref: str, amount: int, *, streak: bool = False
) -> None:
    """Store one fact (``ref`` makes it idempotent) and award the badges it earns."""
    current: Streak | None = None
    if streak:
        current = await bot.first_result(
            checkin_hooks.current_streak, person=person, bot=bot, connection=None
        )
    async with bot.transaction() as tx:
        if amount > 0 or metric == "words":
            await tx.db.execute(
                bot.storage.upsert(tables.facts, ["person_id", "metric", "ref"]).values(
                    person_id=person.id, metric=metric, ref=ref, amount=max(0, amount)
                )
            )
        counts = await totals(tx.db, person.id)
        if current is not None:
            counts["streak"] = current.length
        await award_due(tx, person, badges_of(bot).values(), counts)
