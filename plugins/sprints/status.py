"""The one status message a sprint keeps in each space, edited in place at each quarter.

A message's platform id is known only once it was delivered, after the job's commit: a task
awaits its ``SendHandle`` and stores the id, so a later job (even after a restart) edits it.
Where the id is unknown (not delivered yet), a fresh status message is posted instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from salon.core import (
    Markup,
    Outbound,
    Person,
    SalonError,
    SendHandle,
    SpaceRef,
    lines,
    md,
    mention_person,
)
from salon.core.storage import AsyncConnection, sa
from salon.plugins.sprints import tables
from salon.plugins.sprints.arena import Arena

log = logging.getLogger(__name__)
BodyFor = Callable[[str], Markup]


def pings(people: list[Person], platform: str) -> Markup:
    """Mentions of ``people`` for ``platform`` (their names where they have no account)."""
    parts: list[Any] = []
    for index, person in enumerate(people):
        if index:
            parts.append(" ")
        parts.append(mention_person(person, platform))
    return md(*parts)


def progress_bar(done: int, total: int) -> str:
    """``▓▓░░`` for two quarters of four."""
    return "▓" * done + "░" * (total - done)


def post(ctx: Any, arena: Arena, body_for: BodyFor) -> None:
    """Post a message (not the status) to every space of the arena."""
    bodies: dict[str, Markup] = {}
    for space in arena.spaces:
        if space.platform not in bodies:
            bodies[space.platform] = body_for(space.platform)
        ctx.send(Outbound(bodies[space.platform], space=space))


def post_status(ctx: Any, sprint_id: int, arena: Arena, body_for: BodyFor) -> None:
    """Post the sprint's status message in every space; remember each id once delivered."""
    handles = [
        (space, ctx.send(Outbound(body_for(space.platform), space=space))) for space in arena.spaces
    ]
    _remember_after_commit(ctx, sprint_id, handles)


async def edit_status(
    ctx: Any, db: AsyncConnection, sprint_id: int, arena: Arena, body_for: BodyFor
) -> None:
    """Replace the status message in every space (post it where it is not known yet)."""
    known = await _known_ids(db, sprint_id)
    fresh: list[tuple[SpaceRef, SendHandle]] = []
    for space in arena.spaces:
        body = body_for(space.platform)
        message_id = known.get(space)
        if message_id is None:
            fresh.append((space, ctx.send(Outbound(body, space=space))))
        else:
            ctx.send(Outbound(body, space=space, edit_of=message_id))
    if fresh:
        _remember_after_commit(ctx, sprint_id, fresh)


async def _known_ids(db: AsyncConnection, sprint_id: int) -> dict[SpaceRef, str]:
    rows = await db.execute(
        sa.select(tables.status_messages).where(tables.status_messages.c.sprint_id == sprint_id)
    )
    return {SpaceRef(row.space_platform, row.space_id): row.message_id for row in rows}


def _remember_after_commit(
    ctx: Any, sprint_id: int, handles: list[tuple[SpaceRef, SendHandle]]
) -> None:
    bot = ctx.bot

    def spawn() -> None:
        bot.tasks.spawn(_remember(bot, sprint_id, handles), f"sprints: status of #{sprint_id}")

    ctx.after_commit(spawn)


async def _remember(bot: Any, sprint_id: int, handles: list[tuple[SpaceRef, SendHandle]]) -> None:
    sent: list[tuple[SpaceRef, str]] = []
    for space, handle in handles:
        try:
            sent.append((space, (await handle.sent()).message_id))
        except SalonError as error:  # not delivered: the next update posts a fresh one
            log.warning(
                "sprint #%s: status message to %s not delivered: %s", sprint_id, space, error
            )
    if not sent:
        return
    async with bot.transaction() as tx:
        for space, message_id in sent:
            where = sa.and_(
                tables.status_messages.c.sprint_id == sprint_id,
                tables.status_messages.c.space_platform == space.platform,
                tables.status_messages.c.space_id == space.id,
            )
            await tx.db.execute(tables.status_messages.delete().where(where))
            await tx.db.execute(
                tables.status_messages.insert().values(
                    sprint_id=sprint_id,
                    space_platform=space.platform,
                    space_id=space.id,
                    message_id=message_id,
                )
            )


def status_lines(*rows: Markup | str) -> Markup:
    return lines(*rows)
