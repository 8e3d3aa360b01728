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


async def _cycle(db: AsyncConnection, scope: str) -> tuple[int, set[str]]:
    """The scope's current cycle and the prompts used in it."""
    current = (
        await db.execute(
            sa.select(sa.func.max(tables.used.c.cycle)).where(tables.used.c.scope == scope)
        )
    ).scalar()
    cycle = current or 1
    used = set(
        (
            await db.execute(
                sa.select(tables.used.c.prompt_id).where(
                    tables.used.c.scope == scope, tables.used.c.cycle == cycle
                )
            )
        ).scalars()
    )
    return cycle, used


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
    cycles: dict[str, tuple[int, set[str]]] = {}
    for scope in scopes:
        cycle, used = await _cycle(db, scope)
        if ids <= used:  # every prompt was used here: a new cycle
            cycle, used = cycle + 1, set()
        cycles[scope] = (cycle, used)
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
    for scope, (cycle, used) in cycles.items():
        if chosen.id not in used:
            await db.execute(
                tables.used.insert().values(
                    scope=scope, cycle=cycle, prompt_id=chosen.id, used_at=now
                )
            )
    return chosen


def known_tags(pool: Sequence[tuple[int, Prompt]]) -> list[str]:
    return sorted({tag for _, prompt in pool for tag in prompt.tags})
