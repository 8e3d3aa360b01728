"""What the prompts feature keeps about a person: for ``my data``, ``forget me`` and merging
two people (``people_merged``)."""

from __future__ import annotations

from salon.core import Bot, Markup, Person, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.prompts import tables
from salon.plugins.prompts.picking import person_scope


async def export(person: Person, db: AsyncConnection, bot: Bot) -> Markup:
    suggestions = (
        await db.execute(
            sa.select(tables.suggestions)
            .where(tables.suggestions.c.person_id == person.id)
            .order_by(tables.suggestions.c.id)
        )
    ).all()
    responses = (
        await db.execute(
            sa.select(tables.responses, tables.postings.c.text.label("prompt"))
            .join(tables.postings, tables.postings.c.id == tables.responses.c.posting_id)
            .where(tables.responses.c.person_id == person.id)
            .order_by(tables.responses.c.id)
        )
    ).all()
    added = (
        await db.execute(
            sa.select(tables.added)
            .where(tables.added.c.person_id == person.id)
            .order_by(tables.added.c.id)
        )
    ).all()
    out: list[Markup | str] = [md(bold("Prompts")), md(bold("Suggestions:"))]
    out.extend(f"- {s.suggested_at:%Y-%m-%d} ({s.status}): {s.text}" for s in suggestions)
    if not suggestions:
        out.append("none")
    out.append(md(bold("Responses:")))
    for r in responses:
        shown = ", anonymous" if r.is_anonymous else ""
        out.append(
            f"- {r.responded_at:%Y-%m-%d} to prompt #{r.posting_id} ({r.words} words{shown})"
        )
        out.append(f"    prompt: {r.prompt}")
        out.append(f"    response: {r.text}")
    if not responses:
        out.append("none")
    if added:
        out.append(md(bold("Prompts you added:")))
        out.extend(f"- organiser:{a.id}: {a.text}" for a in added)
    return lines(*out)


async def forget(person: Person, db: AsyncConnection, bot: Bot) -> None:
    """Delete their suggestions, responses and on-demand history; prompts they added as an
    organiser stay the group's, without their name."""
    for table in (tables.suggestions, tables.responses):
        await db.execute(table.delete().where(table.c.person_id == person.id))
    await db.execute(tables.used.delete().where(tables.used.c.scope == person_scope(person.id)))
    await db.execute(
        tables.added.update().where(tables.added.c.person_id == person.id).values(person_id=None)
    )
    for column in (tables.suggestions.c.decided_by, tables.schedules.c.created_by):
        await db.execute(
            column.table.update().where(column == person.id).values({column.name: None})
        )


async def merge(kept: Person, merged: Person, db: AsyncConnection, bot: Bot) -> None:
    """Move ``merged``'s rows to ``kept``; where both responded to one posting, ``kept``'s
    response stays and the other is dropped."""
    responses = tables.responses
    both = sa.select(responses.c.posting_id).where(responses.c.person_id == kept.id)
    await db.execute(
        responses.delete().where(
            responses.c.person_id == merged.id, responses.c.posting_id.in_(both)
        )
    )
    for column in (
        responses.c.person_id,
        tables.suggestions.c.person_id,
        tables.suggestions.c.decided_by,
        tables.added.c.person_id,
        tables.schedules.c.created_by,
    ):
        await db.execute(
            column.table.update().where(column == merged.id).values({column.name: kept.id})
        )
    used = tables.used
    old, new = person_scope(merged.id), person_scope(kept.id)
    have = sa.select(used.c.prompt_id).where(used.c.scope == new)
    await db.execute(used.delete().where(used.c.scope == old, used.c.prompt_id.in_(have)))
    await db.execute(used.update().where(used.c.scope == old).values(scope=new))
