"""A person's sprint data: ``my data``, ``forget me`` and merging two people."""

from __future__ import annotations

from salon.core import Bot, Markup, Person, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.sprints import results, tables
from salon.plugins.sprints.store import plural

#: Who a forgotten person's sprints were started by, from then on ("someone").
NOBODY = 0


async def export(person: Person, db: AsyncConnection, bot: Bot) -> Markup:
    count, total, best, best_wpm = await results.personal(db, person.id)
    asked = (
        await db.execute(
            sa.select(tables.pingme.c.arena).where(tables.pingme.c.person_id == person.id)
        )
    ).all()
    rows = [
        md(
            bold("Sprints: "),
            f"{plural(count, 'sprint')} with a count, {plural(total, 'word')}, "
            f"best {best:,} words, fastest {best_wpm:g} wpm.",
        ),
    ]
    if asked:
        rows.append(
            md(f"Pinged for every sprint in {plural(len(asked), 'place')} (sprint pingme).")
        )
    return lines(*rows)


async def forget(person: Person, db: AsyncConnection) -> None:
    await db.execute(tables.entries.delete().where(tables.entries.c.person_id == person.id))
    await db.execute(tables.pingme.delete().where(tables.pingme.c.person_id == person.id))
    for table in (tables.sprints, tables.chains):
        await db.execute(
            table.update().where(table.c.starter_id == person.id).values(starter_id=NOBODY)
        )


async def merge(kept: Person, merged: Person, db: AsyncConnection) -> None:
    """Move ``merged``'s rows to ``kept``; in a sprint both were in, ``kept``'s entry stays."""
    for table, key in ((tables.entries, "sprint_id"), (tables.pingme, "arena")):
        column = table.c[key]
        both = sa.select(column).where(table.c.person_id == kept.id)
        await db.execute(table.delete().where(table.c.person_id == merged.id, column.in_(both)))
        await db.execute(
            table.update().where(table.c.person_id == merged.id).values(person_id=kept.id)
        )
    for table in (tables.sprints, tables.chains):
        await db.execute(
            table.update().where(table.c.starter_id == merged.id).values(starter_id=kept.id)
        )
