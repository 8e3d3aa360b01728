"""Loading challenges and working out where each member stands."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs

from salon.core import SpaceRef, UserError, shorten
from salon.core.storage import AsyncConnection, sa
from salon.plugins.challenges import tables

PLUGIN = "challenges"


@attrs.frozen
class Standing:
    """Where one member stands in one challenge.

    :param value: words (``words``), days written (``habit``) or weeks met (``pieces``).
    :param pieces: for ``pieces`` challenges, the pieces counted.
    :param last_day: for ``habit`` challenges, the last day written in the period.
    """

    person_id: int
    value: int
    pieces: int = 0
    completed: bool = False
    last_day: date | None = None


def length_days(challenge: Any) -> int:
    return int((challenge.ends_on - challenge.starts_on).days) + 1


def goal_of(challenge: Any) -> int:
    """What ``Standing.value`` must reach: words, every day, or every week."""
    if challenge.kind == "words":
        return int(challenge.target)
    if challenge.kind == "habit":
        return length_days(challenge)
    return length_days(challenge) // 7


def describe(challenge: Any) -> str:
    same_year = challenge.starts_on.year == challenge.ends_on.year
    period = (
        f"{challenge.starts_on:%d %b}{'' if same_year else challenge.starts_on.strftime(' %Y')}"
    )
    period += f" to {challenge.ends_on:%d %b %Y}"
    if challenge.kind == "words":
        return f"{challenge.target:,} words, {period}"
    if challenge.kind == "habit":
        return f"write every day for {length_days(challenge)} days, {period}"
    source = {"prompts": " from prompt responses", "critique": " from critique"}
    return (
        f"{challenge.target} piece{'s' if challenge.target != 1 else ''} a week for "
        f"{goal_of(challenge)} weeks{source.get(challenge.source, '')}, {period}"
    )


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def amount(count: int, unit: str) -> str:
    """``1 week``, ``2 weeks``, ``1,200 words`` (``unit`` is plural)."""
    return f"{count:,} {unit[:-1]}" if count == 1 else f"{count:,} {unit}"


def unit_of(challenge: Any) -> str:
    return {"words": "words", "habit": "days", "pieces": "weeks"}[challenge.kind]


def is_over(challenge: Any) -> bool:
    return challenge.ended_at is not None


async def open_challenges(db: AsyncConnection) -> list[Any]:
    rows = await db.execute(
        sa.select(tables.challenges)
        .where(tables.challenges.c.ended_at.is_(None))
        .order_by(tables.challenges.c.starts_on, tables.challenges.c.id)
    )
    return list(rows.all())


async def load(db: AsyncConnection, challenge_id: int) -> Any:
    return (
        await db.execute(sa.select(tables.challenges).where(tables.challenges.c.id == challenge_id))
    ).first()


async def find(db: AsyncConnection, name: str | None, *, person_id: int | None = None) -> Any:
    """The challenge called ``name`` (any case; the running one before an ended one), or the
    only one that fits when no name is given: the person's only running one, else the only
    running one. ``UserError`` names the choices otherwise."""
    running = await open_challenges(db)
    if name:
        wanted = name.strip().strip('"“”').casefold()
        rows = (
            await db.execute(
                sa.select(tables.challenges)
                .where(sa.func.lower(tables.challenges.c.name) == wanted)
                .order_by(tables.challenges.c.ended_at.is_not(None), tables.challenges.c.id.desc())
            )
        ).all()
        if rows:
            return rows[0]
        raise UserError(f"There's no challenge called '{shorten(name)}'. {_choices(running)}")
    if person_id is not None:
        mine = [c for c in running if c.id in await joined_ids(db, person_id)]
        if len(mine) == 1:
            return mine[0]
    if len(running) == 1:
        return running[0]
    if not running:
        raise UserError("There's no challenge running right now.")
    raise UserError(f"Which challenge? {_choices(running)}")


def _choices(running: Iterable[Any]) -> str:
    names = [f"“{c.name}”" for c in running]
    return f"Running: {', '.join(names)}." if names else "None is running right now."


async def joined_ids(db: AsyncConnection, person_id: int) -> set[int]:
    rows = await db.execute(
        sa.select(tables.members.c.challenge_id).where(tables.members.c.person_id == person_id)
    )
    return set(rows.scalars())


async def member_rows(db: AsyncConnection, challenge_id: int) -> list[Any]:
    rows = await db.execute(
        sa.select(tables.members).where(tables.members.c.challenge_id == challenge_id)
    )
    return list(rows.all())


async def spaces_of(db: AsyncConnection, challenge_id: int) -> list[SpaceRef]:
    rows = await db.execute(
        sa.select(tables.spaces).where(tables.spaces.c.challenge_id == challenge_id)
    )
    return [SpaceRef(row.space_platform, row.space_id) for row in rows]


async def add_space(bot: Any, db: AsyncConnection, challenge_id: int, space: SpaceRef) -> None:
    await db.execute(
        bot.storage.insert_ignoring_duplicates(tables.spaces).values(
            challenge_id=challenge_id, space_platform=space.platform, space_id=space.id
        )
    )


async def opted_out(db: AsyncConnection, what: str, person_ids: Iterable[int]) -> set[int]:
    rows = await db.execute(
        sa.select(tables.optouts.c.person_id).where(
            tables.optouts.c.what == what, tables.optouts.c.person_id.in_(list(person_ids))
        )
    )
    return set(rows.scalars())


async def standings(
    db: AsyncConnection, challenge: Any, person_ids: Iterable[int]
) -> dict[int, Standing]:
    """Each person's standing in ``challenge``, counted over their own local days."""
    ids = list(person_ids)
    if not ids:
        return {}
    start, end = challenge.starts_on, challenge.ends_on
    values: dict[int, int] = dict.fromkeys(ids, 0)
    counted: dict[int, int] = dict.fromkeys(ids, 0)
    last_days: dict[int, date | None] = dict.fromkeys(ids)
    days = tables.days
    in_period = [days.c.person_id.in_(ids), days.c.day >= start, days.c.day <= end]
    if challenge.kind == "words":
        rows = await db.execute(
            sa.select(days.c.person_id, sa.func.sum(days.c.amount))
            .where(*in_period, days.c.unit == "words")
            .group_by(days.c.person_id)
        )
        values.update({person_id: int(total or 0) for person_id, total in rows})
    elif challenge.kind == "habit":
        habit = await db.execute(
            sa.select(days.c.person_id, sa.func.count(), sa.func.max(days.c.day))
            .where(*in_period, days.c.amount > 0)
            .group_by(days.c.person_id)
        )
        for person_id, count, last in habit:
            values[person_id] = int(count)
            last_days[person_id] = last
    else:
        pieces = tables.pieces
        where = [pieces.c.person_id.in_(ids), pieces.c.day >= start, pieces.c.day <= end]
        if challenge.source != "any":
            where.append(pieces.c.source == challenge.source)
        weekly: dict[int, dict[int, int]] = {}
        for person_id, day in await db.execute(
            sa.select(pieces.c.person_id, pieces.c.day).where(*where)
        ):
            week = (day - start).days // 7
            weekly.setdefault(person_id, {}).setdefault(week, 0)
            weekly[person_id][week] += 1
            counted[person_id] += 1
        for person_id, weeks in weekly.items():
            values[person_id] = sum(1 for n in weeks.values() if n >= challenge.target)
    goal = goal_of(challenge)
    return {
        person_id: Standing(
            person_id,
            values[person_id],
            counted[person_id],
            values[person_id] >= goal,
            last_days[person_id],
        )
        for person_id in ids
    }


def elapsed_days(challenge: Any, today: date) -> int:
    """Days of the challenge that have begun on ``today`` (the member's), today included."""
    return max(0, min(length_days(challenge), int((today - challenge.starts_on).days) + 1))


def pace_line(challenge: Any, standing: Standing, today: date) -> str:
    """Where a member stands, their pace, and what finishing takes from ``today`` (theirs)."""
    goal = goal_of(challenge)
    if standing.completed:
        return "finished! 🎉"
    if today < challenge.starts_on:
        days = (challenge.starts_on - today).days
        return f"starts in {days} day{'s' if days != 1 else ''}"
    elapsed = elapsed_days(challenge, today)
    left = max(0, (challenge.ends_on - today).days + 1)
    if challenge.kind == "words":
        remaining = goal - standing.value
        average = standing.value // elapsed if elapsed else 0
        line = f"{standing.value:,} of {goal:,} words ({average:,} a day so far)"
        if left:
            need = -(-remaining // left)
            return line + f"; {need:,} words a day to finish"
        return line + "; the last day is over"
    if challenge.kind == "habit":
        line = f"{standing.value} of {goal} days written"
        before_today = standing.value - (1 if standing.last_day == today else 0)
        if before_today < elapsed - 1:
            return line + "; a day was missed, so it can't be finished this time"
        return line + f"; {left} day{'s' if left != 1 else ''} to go, today included"
    return (
        f"{standing.value} of {goal} weeks met ({standing.pieces} "
        f"piece{'s' if standing.pieces != 1 else ''} so far)"
    )
