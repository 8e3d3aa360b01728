"""What the events feature keeps about a person: ``my data``, ``forget me`` and merges.

Events a person organised belong to the community and stay (their organiser becomes
nobody: ``organiser_id`` 0); their answers, invitations and feed token go.
"""

from __future__ import annotations

from salon.core import Bot, Markup, Person, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.events import tables
from salon.plugins.events.store import GOING, MAYBE, NO, WAITLIST

#: Which answer wins when two accounts of one person answered the same event.
_RANK = {GOING: 0, WAITLIST: 1, MAYBE: 2, NO: 3}


async def export(person: Person, db: AsyncConnection, bot: Bot) -> Markup:
    organised = (
        await db.execute(
            sa.select(tables.events.c.id, tables.events.c.title, tables.events.c.starts_at)
            .where(tables.events.c.organiser_id == person.id)
            .order_by(tables.events.c.starts_at)
        )
    ).all()
    answers = (
        await db.execute(
            sa.select(tables.rsvps, tables.events.c.title)
            .join(tables.events, tables.events.c.id == tables.rsvps.c.event_id)
            .where(tables.rsvps.c.person_id == person.id)
            .order_by(tables.rsvps.c.event_id)
        )
    ).all()
    has_feed = (
        await db.execute(
            sa.select(tables.feeds.c.person_id).where(tables.feeds.c.person_id == person.id)
        )
    ).first() is not None
    out: list[Markup | str] = [md(bold("Events"))]
    out.append(f"Organised: {len(organised)}")
    out += [f"- event {e.id}: {e.title} ({e.starts_at:%Y-%m-%d %H:%M} UTC)" for e in organised]
    out.append(f"Answers: {len(answers)}")
    for a in answers:
        reminders = "" if a.wants_reminders else ", no reminders"
        out.append(f"- event {a.event_id}: {a.title}: {a.answer}{reminders}")
    out.append(f"Personal calendar feed: {'yes' if has_feed else 'no'}")
    return lines(*out)


async def forget(person: Person, db: AsyncConnection, bot: Bot) -> None:
    for table in (tables.rsvps, tables.invitees, tables.feeds):
        await db.execute(table.delete().where(table.c.person_id == person.id))
    await db.execute(
        tables.events.update()
        .where(tables.events.c.organiser_id == person.id)
        .values(organiser_id=0)
    )


async def merge(kept: Person, merged: Person, db: AsyncConnection, bot: Bot) -> None:
    """Move ``merged``'s rows to ``kept``; where both answered one event, the stronger answer
    (going over waitlist over maybe over can't) stays."""
    mine = {
        row.event_id: row
        for row in await db.execute(
            sa.select(tables.rsvps).where(tables.rsvps.c.person_id == kept.id)
        )
    }
    theirs = (
        await db.execute(sa.select(tables.rsvps).where(tables.rsvps.c.person_id == merged.id))
    ).all()
    for row in theirs:
        existing = mine.get(row.event_id)
        if existing is not None and _RANK[existing.answer] <= _RANK[row.answer]:
            continue
        if existing is not None:
            await db.execute(
                tables.rsvps.delete().where(
                    tables.rsvps.c.event_id == row.event_id, tables.rsvps.c.person_id == kept.id
                )
            )
        await db.execute(
            tables.rsvps.update()
            .where(tables.rsvps.c.event_id == row.event_id, tables.rsvps.c.person_id == merged.id)
            .values(person_id=kept.id)
        )
    await db.execute(tables.rsvps.delete().where(tables.rsvps.c.person_id == merged.id))
    kept_invites = {
        r.event_id
        for r in await db.execute(
            sa.select(tables.invitees).where(tables.invitees.c.person_id == kept.id)
        )
    }
    await db.execute(
        tables.invitees.delete().where(
            tables.invitees.c.person_id == merged.id, tables.invitees.c.event_id.in_(kept_invites)
        )
    )
    await db.execute(
        tables.invitees.update()
        .where(tables.invitees.c.person_id == merged.id)
        .values(person_id=kept.id)
    )
    has_feed = (
        await db.execute(
            sa.select(tables.feeds.c.person_id).where(tables.feeds.c.person_id == kept.id)
        )
    ).first() is not None
    if has_feed:
        await db.execute(tables.feeds.delete().where(tables.feeds.c.person_id == merged.id))
    else:
        await db.execute(
            tables.feeds.update()
            .where(tables.feeds.c.person_id == merged.id)
            .values(person_id=kept.id)
        )
    await db.execute(
        tables.events.update()
        .where(tables.events.c.organiser_id == merged.id)
        .values(organiser_id=kept.id)
    )
