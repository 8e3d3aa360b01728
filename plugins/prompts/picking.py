"""Which prompt comes next: never one a space (or a member) has had, until every prompt of the
sources has been used there; then a new cycle starts.

Each scope (``space:<platform>:<id>``, or ``person:<id>`` for ``prompt`` on demand) remembers
the prompts it had per cycle in ``prompts_used``. The group's own prompts (higher priority)
come first; within a priority the order is random but stable for a scope and cycle.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from salon.core import Prompt, SpaceRef
from salon.core.storage import AsyncConnection, sa
from salon.plugins.prompts import tables


def space_scope(space: SpaceRef) -> str:
    return f"space:{space.platform}:{space.id}"


def person_scope(person_id: int) -> str:
    return f"person:{person_id}"


async def _cycles(db: AsyncConnection, scopes: Sequence[str]) -> dict[str, tuple[int, set[str]]]:
    """Each scope's current cycle and the prompts used in it (two queries for all scopes)."""
    used = tables.used
    latest = (
        sa.select(used.c.scope, sa.func.max(used.c.cycle).label("cycle"))
        .where(used.c.scope.in_(scopes))
        .group_by(used.c.scope)
        .subquery()
    )
    found: dict[str, tuple[int, set[str]]] = {scope: (1, set()) for scope in scopes}
    for row in await db.execute(sa.select(latest)):
        found[row.scope] = (row.cycle, set())
    query = sa.select(used.c.scope, used.c.prompt_id).join(
        latest, sa.and_(used.c.scope == latest.c.scope, used.c.cycle == latest.c.cycle)
    )
    for row in await db.execute(query):
        found[row.scope][1].add(row.prompt_id)
    return found


async def pick(
    db: AsyncConnection,
    pool: Sequence[tuple[int, Prompt]],
    scopes: Sequence[str],
    now: datetime,
) -> Prompt | None:
    """Choose the next prompt for ``scopes`` (the spaces it goes to) and record it as used
    there, in ``db``'s transaction; ``None`` if ``pool`` is empty."""
    if not pool or not scopes:
        return None
    ids = {prompt.id for _, prompt in pool}
    cycles = {
        # every prompt was used here: a new cycle
        scope: (cycle + 1, set()) if ids <= used else (cycle, used)
        for scope, (cycle, used) in (await _cycles(db, scopes)).items()
    }
    taken = set().union(*(used for _, used in cycles.values()))
    fresh = [(priority, p) for priority, p in pool if p.id not in taken]
    if not fresh:  # the scopes are at different points: the fewest repeats
        counts = {p.id: sum(p.id in used for _, used in cycles.values()) for _, p in pool}
        fewest = min(counts.values())
        fresh = [(priority, p) for priority, p in pool if counts[p.id] == fewest]
    top = max(priority for priority, _ in fresh)
    candidates = sorted((p for priority, p in fresh if priority == top), key=lambda p: p.id)
    first = scopes[0]
    seed = f"{first}:{cycles[first][0]}:{len(cycles[first][1])}"
    chosen = random.Random(seed).choice(candidates)
    fresh_in = [
        {"scope": scope, "cycle": cycle, "prompt_id": chosen.id, "used_at": now}
        for scope, (cycle, used) in cycles.items()
        if chosen.id not in used
    ]
    if fresh_in:
        await db.execute(tables.used.insert(), fresh_in)
    return chosen


def known_tags(pool: Sequence[tuple[int, Prompt]]) -> list[str]:
    return sorted({tag for _, prompt in pool for tag in prompt.tags})
