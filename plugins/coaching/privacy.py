"""What the coaching feature keeps about a person: ``my data``, ``forget me`` and merges.

Forgetting a person deletes their plan, nudges, reviews, journal, coach role, coaching links
(on either side) and feedback they gave or got, and cancels their jobs.
"""

from __future__ import annotations

from typing import Any

from salon.core import Bot, Markup, Person, bold, lines, md
from salon.core.storage import AsyncConnection, sa
from salon.plugins.coaching import tables
from salon.plugins.coaching.coaches import schedule_digest
from salon.plugins.coaching.parsing import DAY_NAMES, days_label
from salon.plugins.coaching.plans import schedule, unschedule
from salon.plugins.coaching.store import ACTIVE, ENDED, coachees, digest_key, load_plan


async def _rows(db: AsyncConnection, statement: Any) -> list[Any]:
    return list((await db.execute(statement)).all())


async def export(person: Person, db: AsyncConnection, bot: Bot) -> Markup:
    out: list[Any] = [md(bold("Coaching"))]
    plan = await load_plan(db, person.id)
    if plan is None:
        out.append("Plan: none")
    else:
        out.append(
            f"Plan: {plan.project}: {plan.target:,} words by {plan.deadline.isoformat()}, "
            f"writing {days_label(plan.days)} at {plan.at:%H:%M} for {plan.session_minutes} "
            f"minutes, review on {DAY_NAMES[plan.review_day]}, from {plan.started_on.isoformat()}"
        )
    reviews = await _rows(
        db,
        sa.select(tables.reviews)
        .where(tables.reviews.c.person_id == person.id)
        .order_by(tables.reviews.c.week_of),
    )
    out.append(f"Weekly reviews: {len(reviews)}")
    out += [
        f"- week of {r.week_of.isoformat()}: {r.words:,} of {r.planned:,} words, streak {r.streak}"
        for r in reviews
    ]
    journal = await _rows(
        db,
        sa.select(tables.journal)
        .where(tables.journal.c.person_id == person.id)
        .order_by(tables.journal.c.written_at, tables.journal.c.id),
    )
    out.append(f"Journal entries: {len(journal)}")
    for entry in journal:
        asked = f" ({entry.question})" if entry.question else ""
        out.append(f"- {entry.written_at:%Y-%m-%d}{asked}: {entry.text}")
    nudges = await _rows(db, sa.select(tables.nudges).where(tables.nudges.c.person_id == person.id))
    out.append(f"Nudges sent: {len(nudges)}")
    is_coach = await _rows(
        db, sa.select(tables.coaches).where(tables.coaches.c.person_id == person.id)
    )
    out.append(f"Coach: {'yes' if is_coach else 'no'}")
    links = await _rows(
        db,
        sa.select(tables.links).where(
            sa.or_(tables.links.c.coach_id == person.id, tables.links.c.member_id == person.id)
        ),
    )
    for link in links:
        side = "coached by" if link.member_id == person.id else "coaching"
        other = link.coach_id if link.member_id == person.id else link.member_id
        consent = ", consent given" if link.has_consent else ", no consent"
        out.append(f"- {side} person #{other}: {link.status}{consent}")
    feedback = await _rows(
        db,
        sa.select(tables.feedback).where(
            sa.or_(
                tables.feedback.c.member_id == person.id, tables.feedback.c.coach_id == person.id
            )
        ),
    )
    out.append(f"Coaching feedback: {len(feedback)}")
    for f in feedback:
        side = "received" if f.member_id == person.id else "given"
        out.append(f"- {side} {f.written_at:%Y-%m-%d}: {f.text}")
    return lines(*out)


async def forget(person: Person, db: AsyncConnection, bot: Bot) -> None:
    for table in (tables.plans, tables.nudges, tables.reviews, tables.journal, tables.coaches):
        await db.execute(table.delete().where(table.c.person_id == person.id))
    await db.execute(
        tables.links.delete().where(
            sa.or_(tables.links.c.coach_id == person.id, tables.links.c.member_id == person.id)
        )
    )
    await db.execute(
        tables.feedback.delete().where(
            sa.or_(
                tables.feedback.c.coach_id == person.id, tables.feedback.c.member_id == person.id
            )
        )
    )
    await db.execute(tables.pieces.delete().where(tables.pieces.c.author_id == person.id))
    await unschedule(bot, db, person.id)
    await bot.scheduler.cancel(digest_key(person.id), db)


async def merge(kept: Person, merged: Person, db: AsyncConnection, bot: Bot) -> None:
    """Move ``merged``'s rows to ``kept`` without duplicates: the kept person's plan wins,
    one review per week, one open link per coach and member."""
    k, m = kept.id, merged.id
    if await load_plan(db, k) is not None:
        await db.execute(tables.plans.delete().where(tables.plans.c.person_id == m))
    await db.execute(tables.plans.update().where(tables.plans.c.person_id == m).values(person_id=k))
    kept_days = set(
        (
            await db.execute(sa.select(tables.nudges.c.day).where(tables.nudges.c.person_id == k))
        ).scalars()
    )
    if kept_days:
        await db.execute(
            tables.nudges.delete().where(
                tables.nudges.c.person_id == m, tables.nudges.c.day.in_(kept_days)
            )
        )
    await db.execute(
        tables.nudges.update().where(tables.nudges.c.person_id == m).values(person_id=k)
    )
    kept_weeks = {
        r.week_of: r.id
        for r in await _rows(db, sa.select(tables.reviews).where(tables.reviews.c.person_id == k))
    }
    for row in await _rows(db, sa.select(tables.reviews).where(tables.reviews.c.person_id == m)):
        if row.week_of in kept_weeks:
            await db.execute(
                tables.journal.update()
                .where(tables.journal.c.review_id == row.id)
                .values(review_id=kept_weeks[row.week_of])
            )
            await db.execute(tables.reviews.delete().where(tables.reviews.c.id == row.id))
    await db.execute(
        tables.reviews.update().where(tables.reviews.c.person_id == m).values(person_id=k)
    )
    await db.execute(
        tables.journal.update().where(tables.journal.c.person_id == m).values(person_id=k)
    )
    if await _rows(db, sa.select(tables.coaches).where(tables.coaches.c.person_id == k)):
        await db.execute(tables.coaches.delete().where(tables.coaches.c.person_id == m))
    await db.execute(
        tables.coaches.update().where(tables.coaches.c.person_id == m).values(person_id=k)
    )
    for column in ("coach_id", "member_id"):
        await db.execute(
            tables.links.update().where(tables.links.c[column] == m).values({column: k})
        )
        await db.execute(
            tables.feedback.update().where(tables.feedback.c[column] == m).values({column: k})
        )
    await db.execute(
        tables.pieces.update().where(tables.pieces.c.author_id == m).values(author_id=k)
    )
    await _tidy_links(db, k)
    await unschedule(bot, db, m)
    await bot.scheduler.cancel(digest_key(m), db)
    plan = await load_plan(db, k)
    if plan is not None:
        await schedule(bot, db, kept, plan)
    if await coachees(db, k):
        await schedule_digest(bot, db, kept)


async def _tidy_links(db: AsyncConnection, person_id: int) -> None:
    """After a merge: no one coaches themselves, and one open link per pair (active first)."""
    rows = await _rows(
        db,
        sa.select(tables.links)
        .where(
            sa.or_(tables.links.c.coach_id == person_id, tables.links.c.member_id == person_id),
            tables.links.c.status != ENDED,
        )
        .order_by(tables.links.c.id),
    )
    seen: set[tuple[int, int]] = set()
    for row in sorted(rows, key=lambda r: (r.status != ACTIVE, r.id)):
        pair = (row.coach_id, row.member_id)
        if row.coach_id == row.member_id or pair in seen:
            await db.execute(
                tables.links.update().where(tables.links.c.id == row.id).values(status=ENDED)
            )
        seen.add(pair)
