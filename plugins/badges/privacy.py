"""A person's badges in ``my data``, ``forget me``, and two people merged into one."""

from __future__ import annotations

from salon.core import Bot, Markup, Person, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.badges import tables
from salon.plugins.badges.registry import badges_of


async def export(person: Person, db: AsyncConnection, bot: Bot) -> Markup:
    declared = badges_of(bot)
    awards = (
        await db.execute(
            sa.select(tables.awards)
            .where(tables.awards.c.person_id == person.id)
            .order_by(tables.awards.c.id)
        )
    ).all()
    facts = (
        await db.execute(
            sa.select(tables.facts.c.metric, sa.func.sum(tables.facts.c.amount))
            .where(tables.facts.c.person_id == person.id)
            .group_by(tables.facts.c.metric)
            .order_by(tables.facts.c.metric)
        )
    ).all()
    out: list[Markup | str] = [md(bold("Badges"))]
    for row in awards:
        name = declared[row.badge_id].name if row.badge_id in declared else row.badge_id
        out.append(f"- {name} ({row.awarded_at:%Y-%m-%d}; {row.reason})")
    if not awards:
        out.append("none")
    out.extend(f"Counted for badges: {metric} {total:,}" for metric, total in facts)
    return lines(*out)


async def forget(person: Person, db: AsyncConnection) -> None:
    for table in (tables.awards, tables.facts):
        await db.execute(table.delete().where(table.c.person_id == person.id))


async def merge(kept: Person, merged: Person, db: AsyncConnection) -> None:
    """Each badge stays once (the earlier award); a day's words add up, as check-ins does."""
    awards = tables.awards
    mine = {
        row.badge_id: row
        for row in await db.execute(sa.select(awards).where(awards.c.person_id == kept.id))
    }
    for row in (await db.execute(sa.select(awards).where(awards.c.person_id == merged.id))).all():
        other = mine.get(row.badge_id)
        if other is None:
            await db.execute(awards.update().where(awards.c.id == row.id).values(person_id=kept.id))
            continue
        if row.awarded_at < other.awarded_at:
            await db.execute(awards.delete().where(awards.c.id == other.id))
            await db.execute(awards.update().where(awards.c.id == row.id).values(person_id=kept.id))
        else:
            await db.execute(awards.delete().where(awards.c.id == row.id))
    facts = tables.facts
    have = {
        (row.metric, row.ref): row.amount
        for row in await db.execute(sa.select(facts).where(facts.c.person_id == kept.id))
    }
    for row in (await db.execute(sa.select(facts).where(facts.c.person_id == merged.id))).all():
        key = (row.metric, row.ref)
        if key not in have:
            await db.execute(
                facts.insert().values(
                    person_id=kept.id, metric=row.metric, ref=row.ref, amount=row.amount
                )
            )
        elif row.metric == "words":
            await db.execute(
                facts.update()
                .where(
                    facts.c.person_id == kept.id,
                    facts.c.metric == row.metric,
                    facts.c.ref == row.ref,
                )
                .values(amount=have[key] + row.amount)
            )
    await db.execute(facts.delete().where(facts.c.person_id == merged.id))
