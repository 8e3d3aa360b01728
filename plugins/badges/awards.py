"""Awarding a badge: once per person (a unique constraint), a DM, an optional announcement,
then ``badge_awarded`` after the commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from salon.core import Badge, BadgeAward, Person, Transaction, bold, code, md
from salon.core.hookspecs import badges as badge_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.badges import tables

PLUGIN = "badges"


async def awarded_ids(db: AsyncConnection, person_id: int) -> set[str]:
    rows = await db.execute(
        sa.select(tables.awards.c.badge_id).where(tables.awards.c.person_id == person_id)
    )
    return set(rows.scalars())


async def load_award(db: AsyncConnection, person_id: int, badge: Badge) -> BadgeAward | None:
    row = (
        await db.execute(
            sa.select(tables.awards).where(
                tables.awards.c.person_id == person_id, tables.awards.c.badge_id == badge.id
            )
        )
    ).first()
    if row is None:
        return None
    return BadgeAward(row.id, badge, person_id, row.awarded_at, row.reason)


def badge_line(badge: Badge) -> Any:
    return md(f"{badge.emoji} ", bold(badge.name))


async def award(tx: Transaction, person: Person, badge: Badge, reason: str) -> BadgeAward | None:
    """Store the award unless the person has it; tell them; fire ``badge_awarded`` after the
    commit. Returns the new award, or ``None`` if they already had it."""
    bot = tx.bot
    now = tx.now()
    result = await tx.db.execute(
        bot.storage.insert_ignoring_duplicates(tables.awards).values(
            person_id=person.id, badge_id=badge.id, awarded_at=now, reason=reason[:200]
        )
    )
    if not result.rowcount:
        return None
    stored = await load_award(tx.db, person.id, badge)
    assert stored is not None
    prefix = bot.config.commands.prefix
    tx.send_to(
        person,
        md("You earned a badge: ", badge_line(badge), f" — {badge.description} Send "),
        code(f"{prefix}badges"),
        " to see all of yours.",
    )
    settings = bot.plugin_config(PLUGIN)
    if settings.announce_in_spaces:
        tx.announce(
            md(
                person.display_name,
                " earned a badge: ",
                badge_line(badge),
                f" — {badge.description}",
            ),
            group=settings.announce_group or None,
        )

    async def fire() -> None:
        await bot.notify(
            badge_hooks.badge_awarded,
            award=stored,
            person=person,
            community=bot.community,
            bot=bot,
        )

    tx.after_commit(fire)
    return stored


async def award_due(
    tx: Transaction, person: Person, badges: Iterable[Badge], counts: dict[str, int]
) -> None:
    """Award every metric badge whose threshold the person's ``counts`` reach."""
    have = await awarded_ids(tx.db, person.id)
    for badge in badges:
        if badge.metric is None or badge.id in have:
            continue
        if counts.get(badge.metric, 0) >= badge.threshold:
            await award(tx, person, badge, f"{badge.metric} reached {badge.threshold:,}")
