"""``log_progress``: another feature (a sprint) adds words to today's log, as ``wc +N`` would.

The same steps as ``wc``: today's row in the person's zone, the streak, the goal (and
``goal_reached``), then ``progress_logged`` after the commit. The idempotency key is stored
with the words in the same transaction, so a second call with it adds nothing.
"""

from __future__ import annotations

from typing import Any

from salon.core import Bot, Person, ProgressEntry, UserError, bold, md
from salon.core.hookspecs import checkins as checkin_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.checkins import tables
from salon.plugins.checkins.goals import check_reached, current_goal_row, load_goal
from salon.plugins.checkins.parsing import MAX_AMOUNT
from salon.plugins.checkins.store import as_member, fire, is_person
from salon.plugins.checkins.streaks import update_streak


async def _today(db: AsyncConnection, person_id: int, today: Any) -> Any:
    query = sa.select(tables.progress).where(
        is_person(tables.progress, person_id), tables.progress.c.day == today
    )
    return (await db.execute(query)).first()


async def log_progress(
    person: Person, amount: int, note: str, source: str, key: str, bot: Bot
) -> ProgressEntry:
    if amount <= 0:
        raise UserError("Only a positive number of words can be added to your log.")
    async with bot.transaction() as tx:
        db = tx.db
        done = (
            await db.execute(sa.select(tables.logged).where(tables.logged.c.key == key))
        ).first()
        if done is not None:
            row = await _today(db, done.person_id, done.day)
            total = row.amount if row is not None else 0
            return ProgressEntry(done.person_id, done.day, total, "words", row.note if row else "")
        today = tx.now().astimezone(person.tz).date()
        goal_row = await current_goal_row(db, person.id)
        today_row = await _today(db, person.id, today)
        unit = today_row.unit if today_row is not None else "words"
        if goal_row is not None and goal_row.unit not in ("words", "sessions"):
            unit = goal_row.unit
        if unit != "words":
            raise UserError(
                f"Your log counts {unit}, so I can't add words to it; log today with wc."
            )
        before = today_row.amount if today_row is not None else 0
        total = before + amount
        if total > MAX_AMOUNT:
            raise UserError(
                f"That would make today's count {total:,} words, more than I can count."
            )
        kept_note = (today_row.note if today_row is not None else "") or note
        values = {"amount": total, "unit": unit, "note": kept_note, "updated_at": tx.now()}
        if today_row is None:
            await db.execute(
                tables.progress.insert().values(person_id=person.id, day=today, **values)
            )
        else:
            await db.execute(
                tables.progress.update()
                .where(is_person(tables.progress, person.id), tables.progress.c.day == today)
                .values(**values)
            )
        await db.execute(
            tables.logged.insert().values(
                key=key,
                person_id=person.id,
                day=today,
                amount=amount,
                source=source[:64],
                logged_at=tx.now(),
            )
        )
        member = as_member(person)
        await update_streak(tx, db, member, person, today)
        goal = await load_goal(db, person.id, today)
        await check_reached(tx, db, goal, today, member, person)
        entry = ProgressEntry(person.id, today, total, unit, kept_note)
        fire(tx, checkin_hooks.progress_logged, entry=entry, member=member, person=person)
    return entry


async def export_lines(db: AsyncConnection, person_id: int) -> list[Any]:
    """For ``my data``: the words other features added to the log."""
    rows = (
        await db.execute(
            sa.select(tables.logged)
            .where(is_person(tables.logged, person_id))
            .order_by(tables.logged.c.logged_at)
        )
    ).all()
    if not rows:
        return []
    return [md(bold("Added from other features:"))] + [
        f"- {row.day}: +{row.amount:,} words from {row.source}" for row in rows
    ]
