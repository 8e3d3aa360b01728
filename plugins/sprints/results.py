"""Ranking a sprint, the results message, a chain's running scoreboard and the stats."""

from __future__ import annotations

from typing import Any

from salon.core import (
    Button,
    Markup,
    Outbound,
    Person,
    SpaceRef,
    SprintResult,
    bold,
    lines,
    md,
)
from salon.core.storage import AsyncConnection, sa
from salon.plugins.sprints import tables
from salon.plugins.sprints.store import entries_of, name_of, plural

LOG_ACTION = "sprints.log"
BOARD_SIZE = 10


def places(values: list[float]) -> list[int]:
    """Competition ranking of values sorted best first: ties share a place (1, 1, 3)."""
    ranked: list[int] = []
    for index, value in enumerate(values):
        ranked.append(ranked[-1] if index and value == values[index - 1] else index + 1)
    return ranked


def wpm(words: int, minutes: int) -> float:
    return round(words / max(1, minutes), 1)


async def rank(db: AsyncConnection, sprint_id: int) -> list[SprintResult]:
    """Everyone who reported, by words (ties share a place), then the just-for-fun."""
    counted = []
    for_fun = []
    for entry in await entries_of(db, sprint_id):
        if entry.words is not None:
            counted.append((entry.person_id, entry.words, wpm(entry.words, entry.minutes)))
        elif entry.mode == "nowc":
            for_fun.append((entry.person_id, 0, 0.0))
    counted.sort(key=lambda r: (-r[1], -r[2], r[0]))
    ordered = counted + for_fun
    shared = places([float(words) for _pid, words, _wpm in ordered])
    return [
        SprintResult(person_id=pid, words=words, wpm=speed, place=place)
        for (pid, words, speed), place in zip(ordered, shared, strict=True)
    ]


async def load_chain(db: AsyncConnection, chain_id: int | None) -> Any:
    if chain_id is None:
        return None
    query = sa.select(tables.chains).where(tables.chains.c.id == chain_id)
    return (await db.execute(query)).first()


async def chain_board(db: AsyncConnection, chain: Any) -> list[tuple[int, int, int]]:
    """``(person_id, words, sprints reported)`` across the chain so far, most words first."""
    total = sa.func.sum(tables.entries.c.words)
    query = (
        sa.select(tables.entries.c.person_id, total, sa.func.count(tables.entries.c.words))
        .join(tables.sprints, tables.sprints.c.id == tables.entries.c.sprint_id)
        .where(tables.sprints.c.chain_id == chain.id, tables.entries.c.words.is_not(None))
        .group_by(tables.entries.c.person_id)
        .order_by(total.desc(), tables.entries.c.person_id)
    )
    return [(pid, int(words), int(count)) for pid, words, count in await db.execute(query)]


def log_buttons(row: Any, ranked: list[SprintResult]) -> tuple[Button, ...]:
    if not any(result.words > 0 for result in ranked):
        return ()
    return (Button("Add my words to my log", LOG_ACTION, str(row.id)),)


def _result_rows(ranked: list[SprintResult], people: dict[int, Person]) -> list[Markup]:
    rows = []
    for result in ranked:
        name = name_of(people, result.person_id)
        if result.words == 0 and result.wpm == 0.0:
            rows.append(md(f"{result.place}. ", bold(name), ": 0 words"))
            continue
        rows.append(
            md(
                f"{result.place}. ",
                bold(name),
                f": {plural(result.words, 'word')} ({result.wpm:g} wpm)",
            )
        )
    return rows


def _by_speed(ranked: list[SprintResult], people: dict[int, Person]) -> Markup | None:
    """The ranking by words per minute, when late joiners make it differ from words."""
    fast = sorted((r for r in ranked if r.words > 0), key=lambda r: (-r.wpm, r.person_id))
    if [r.person_id for r in fast] == [r.person_id for r in ranked if r.words > 0]:
        return None
    shared = places([r.wpm for r in fast])
    parts: list[Any] = ["By speed: "]
    for index, (result, place) in enumerate(zip(fast, shared, strict=True)):
        if index:
            parts.append(", ")
        parts.extend([f"{place}. ", name_of(people, result.person_id), f" {result.wpm:g} wpm"])
    return md(*parts)


def outbound(
    row: Any,
    ranked: list[SprintResult],
    people: dict[int, Person],
    chain: Any,
    board: list[tuple[int, int, int]] | None,
    space: SpaceRef,
    buttons: tuple[Button, ...],
) -> Outbound:
    chain_note = ""
    if chain is not None:
        chain_note = f" (sprint {row.chain_index} of {chain.count} in the chain)"
    rows: list[Any] = [md(bold(f"Results of sprint #{row.id}"), chain_note, ":")]
    if ranked:
        rows.extend(_result_rows(ranked, people))
        speed = _by_speed(ranked, people)
        if speed is not None:
            rows.append(speed)
    else:
        rows.append("Nobody sent a count this time.")
    if board:
        last = chain is not None and row.chain_index >= chain.count
        rows.append(md(bold("Final chain scoreboard:" if last else "Chain scoreboard so far:")))
        shared = places([float(words) for _pid, words, _n in board])
        for (pid, words, count), place in zip(board, shared, strict=True):
            rows.append(
                md(
                    f"{place}. ",
                    name_of(people, pid),
                    f": {plural(words, 'word')} in {plural(count, 'sprint')}",
                )
            )
    if buttons:
        rows.append("Press the button (or send sprint log) to add your words to your daily log.")
    return Outbound(lines(*rows), space=space, buttons=buttons)


# --- stats --------------------------------------------------------------------------------
async def personal(db: AsyncConnection, person_id: int) -> Any:
    e, s = tables.entries, tables.sprints
    query = (
        sa.select(
            sa.func.count(e.c.words),
            sa.func.coalesce(sa.func.sum(e.c.words), 0),
            sa.func.coalesce(sa.func.max(e.c.words), 0),
        )
        .join(s, s.c.id == e.c.sprint_id)
        .where(e.c.person_id == person_id, e.c.words.is_not(None), s.c.status == "finished")
    )
    count, total, best = (await db.execute(query)).one()
    best_wpm = await _best_wpm(db, person_id)
    return int(count), int(total), int(best), best_wpm


async def _best_wpm(db: AsyncConnection, person_id: int) -> float:
    e, s = tables.entries, tables.sprints
    rows = await db.execute(
        sa.select(e.c.words, e.c.minutes)
        .join(s, s.c.id == e.c.sprint_id)
        .where(e.c.person_id == person_id, e.c.words.is_not(None), s.c.status == "finished")
    )
    return max((wpm(words, minutes) for words, minutes in rows), default=0.0)


async def board(db: AsyncConnection, arena: str) -> list[tuple[int, int, int]]:
    """The arena's all-time board: ``(person_id, words, sprints)``, most words first."""
    e, s = tables.entries, tables.sprints
    total = sa.func.sum(e.c.words)
    query = (
        sa.select(e.c.person_id, total, sa.func.count(e.c.words))
        .join(s, s.c.id == e.c.sprint_id)
        .where(s.c.arena == arena, s.c.status == "finished", e.c.words.is_not(None))
        .group_by(e.c.person_id)
        .order_by(total.desc(), e.c.person_id)
        .limit(BOARD_SIZE)
    )
    return [(pid, int(words), int(count)) for pid, words, count in await db.execute(query)]
