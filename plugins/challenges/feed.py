"""What counts toward challenges, from the core hook families (never by importing a plugin):
check-ins' ``progress_logged`` (the day's total, so a repeat changes nothing), prompt
responses and critique submissions. A member who reaches their goal finishes, once."""

from __future__ import annotations

from datetime import date
from typing import Any

from salon.core import Person, ProgressEntry, Transaction, bold, md
from salon.core.hookspecs import badges as badge_hooks
from salon.core.storage import sa
from salon.plugins.challenges import tables
from salon.plugins.challenges.store import PLUGIN, opted_out, spaces_of, standings
from salon.plugins.challenges.warning import ensure_zone

#: The badge this plugin declares (``register_badges``) and awards when a member finishes.
COMPLETED_BADGE = "challenges.completed"


async def day_logged(bot: Any, entry: ProgressEntry, person: Person) -> None:
    async with bot.transaction() as tx:
        await tx.db.execute(
            bot.storage.upsert(tables.days, ["person_id", "day"]).values(
                person_id=person.id, day=entry.day, amount=max(0, entry.amount), unit=entry.unit
            )
        )
        await check_finished(tx, person, entry.day)
    if bot.plugin_config(PLUGIN).streak_warnings:
        await ensure_zone(bot, person.tz)


async def piece_counted(bot: Any, person: Person, source: str, ref: str, day: date) -> None:
    async with bot.transaction() as tx:
        result = await tx.db.execute(
            bot.storage.insert_ignoring_duplicates(tables.pieces).values(
                person_id=person.id, source=source, ref=ref, day=day
            )
        )
        if result.rowcount:
            await check_finished(tx, person, day)


async def check_finished(tx: Transaction, person: Person, day: date) -> None:
    """Mark the person finished in every running challenge ``day`` falls in whose goal they
    reached, tell them and the challenge's spaces, and award the badge after the commit."""
    db = tx.db
    running = (
        await db.execute(
            sa.select(tables.challenges)
            .join(tables.members, tables.members.c.challenge_id == tables.challenges.c.id)
            .where(
                tables.members.c.person_id == person.id,
                tables.members.c.completed_at.is_(None),
                tables.challenges.c.ended_at.is_(None),
                tables.challenges.c.starts_on <= day,
                tables.challenges.c.ends_on >= day,
            )
        )
    ).all()
    for challenge in running:
        standing = (await standings(db, challenge, [person.id]))[person.id]
        if not standing.completed:
            continue
        result = await db.execute(
            tables.members.update()
            .where(
                tables.members.c.challenge_id == challenge.id,
                tables.members.c.person_id == person.id,
                tables.members.c.completed_at.is_(None),
            )
            .values(completed_at=tx.now())
        )
        if not result.rowcount:
            continue
        tx.send_to(person, md("🎉 You finished ", bold(challenge.name), "! Well written."))
        if person.id not in await opted_out(db, "leaderboard", [person.id]):
            for space in await spaces_of(db, challenge.id):
                tx.send_to_space(
                    space, md("🎉 ", person.display_name, " finished ", bold(challenge.name), "!")
                )
        tx.after_commit(_award(tx.bot, person, challenge.name))


def _award(bot: Any, person: Person, name: str) -> Any:
    async def award() -> None:
        await bot.first_result(
            badge_hooks.award_badge,
            badge_id=COMPLETED_BADGE,
            person=person,
            reason=f"finished {name}",
            bot=bot,
        )

    return award
