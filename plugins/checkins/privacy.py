"""What the check-ins feature keeps about a person, for ``my data``, and ``forget me``.

The commands themselves are the core's (``basics``); this plugin answers the
``export_person_data`` and ``forget_person`` hooks for its own tables.
"""

from __future__ import annotations

from typing import Any

from salon.core import Bot, Markup, Person, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.buddies import leave_pairs
from salon.plugins.checkins.logged import export_lines
from salon.plugins.checkins.schedule import load_checkin, sync_zones
from salon.plugins.checkins.store import checkin_label, is_person, plural

#: Tables with one person's rows and nothing else depending on them.
PERSON_TABLES = (
    tables.goals,
    tables.progress,
    tables.streaks,
    tables.away,
    tables.responses,
    tables.buddies,
    tables.logged,
)


async def export(person: Person, db: AsyncConnection, bot: Bot) -> Markup:
    """Every check-ins row about ``person``, as text."""

    async def rows(table: sa.Table, *order: Any) -> list[Any]:
        query = sa.select(table).where(is_person(table, person.id)).order_by(*order)
        return list((await db.execute(query)).all())

    goals = await rows(tables.goals, tables.goals.c.id)
    progress = await rows(tables.progress, tables.progress.c.day)
    streak = await rows(tables.streaks)
    away = await rows(tables.away)
    checkins = (
        await db.execute(
            sa.select(
                tables.participants,
                tables.checkins.c.space_platform,
                tables.checkins.c.space_id,
            )
            .join(tables.checkins, tables.checkins.c.id == tables.participants.c.checkin_id)
            .where(is_person(tables.participants, person.id))
            .order_by(tables.participants.c.checkin_id)
        )
    ).all()
    responses = await rows(tables.responses, tables.responses.c.asked_at)
    buddy = await rows(tables.buddies)
    pairings = await _pairings(db, bot, person.id)
    out: list[Markup | str] = [md(bold("Check-ins")), md(bold("Goals:"))]
    for g in goals:
        state = "current" if g.ended_at is None else f"ended {g.ended_at:%Y-%m-%d}"
        deadline = f" by {g.deadline}" if g.deadline else ""
        out.append(
            f"- {g.target:,} {g.unit} {g.kind}{deadline} (set {g.created_at:%Y-%m-%d}, {state})"
        )
    if not goals:
        out.append("none")
    out.append(md(bold("Progress:")))
    out.extend(
        f"- {p.day}: {p.amount:,} {p.unit}" + (f" — {p.note}" if p.note else "") for p in progress
    )
    if not progress:
        out.append("none")
    if streak:
        out.append(
            f"Streak: {plural(streak[0].length, 'day')}, best {plural(streak[0].best, 'day')}"
        )
    if away:
        out.append(f"Away until: {away[0].until}")
    out.append(md(bold("Check-ins:")))
    for c in checkins:
        skip = ", skipping the next one" if c.skip_next else ""
        label = checkin_label(bot, c)
        out.append(f"- taking part in the check-in of {label} (asked in {c.tz}{skip})")
    for r in responses:
        out.append(f"- {r.round}: {r.status}")
        out.extend(f"    {q} → {a}" for q, a in r.answers)
    if not checkins and not responses:
        out.append("none")
    out.append(md(bold("Writing buddies:")))
    out.append(f"signed up {buddy[0].joined_at:%Y-%m-%d}" if buddy else "not signed up")
    out.extend(pairings)
    out.extend(await export_lines(db, person.id))
    return lines(*out)


async def _pairings(db: AsyncConnection, bot: Bot, person_id: int) -> list[str]:
    """Every buddy pairing the person was in, current or past, with the partners."""
    mine = sa.select(tables.pair_members.c.pair_id).where(is_person(tables.pair_members, person_id))
    rows = (
        await db.execute(
            sa.select(tables.pair_members, tables.pairs.c.formed_at, tables.pairs.c.ended_at)
            .join(tables.pairs, tables.pairs.c.id == tables.pair_members.c.pair_id)
            .where(tables.pair_members.c.pair_id.in_(mine))
            .order_by(tables.pairs.c.formed_at, tables.pairs.c.id)
        )
    ).all()
    found = await bot.people.many({row.person_id for row in rows}, db)
    partners: dict[int, list[str]] = {}
    dates: dict[int, str] = {}
    for row in rows:
        partners.setdefault(row.pair_id, [])
        if row.person_id != person_id and row.person_id in found:
            partners[row.pair_id].append(found[row.person_id].display_name)
        ended = "current" if row.ended_at is None else f"ended {row.ended_at:%Y-%m-%d}"
        dates[row.pair_id] = f"paired {row.formed_at:%Y-%m-%d}, {ended}"
    return [
        f"- with {', '.join(others) or 'a buddy who has since left'} ({dates[pair_id]})"
        for pair_id, others in partners.items()
    ]


async def forget(person: Person, db: AsyncConnection, bot: Bot) -> None:
    """Delete every check-ins row about ``person`` (their partners' pairs end if left alone)."""
    checkin_ids = list(
        (
            await db.execute(
                sa.select(tables.participants.c.checkin_id).where(
                    is_person(tables.participants, person.id)
                )
            )
        ).scalars()
    )
    await leave_pairs(db, person.id, bot.clock.now())
    for table in (*PERSON_TABLES, tables.participants, tables.pair_members):
        await db.execute(table.delete().where(is_person(table, person.id)))
    for checkin_id in checkin_ids:
        await sync_zones(bot, db, await load_checkin(db, checkin_id))
