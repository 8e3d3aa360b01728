"""Reading and writing events and answers, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from salon.core import Event, Rsvp, SpaceRef, UserError
from salon.core.storage import AsyncConnection, sa
from salon.plugins.events import tables

#: Answers, and what counts as having answered (everyone here is told of changes).
GOING, MAYBE, NO, WAITLIST = "going", "maybe", "no", "waitlist"
ANSWERS = (GOING, MAYBE, NO)


@attrs.frozen
class Stored:
    """An event with what the plugin keeps beside the public ``Event``."""

    event: Event
    spaces: tuple[SpaceRef, ...]
    sprint_minutes: int | None
    is_posted: bool


def _event(row: Any) -> Stored:
    event = Event(
        id=row.id,
        title=row.title,
        starts_at=row.starts_at,
        duration=timedelta(minutes=row.duration_minutes),
        tz=row.tz,
        organiser_id=row.organiser_id,
        place=row.place,
        description=row.description,
        capacity=row.capacity,
        status=row.status,
        sequence=row.sequence,
        series_id=row.series_id,
        private=row.private,
    )
    spaces = tuple(SpaceRef(platform, space_id) for platform, space_id in row.spaces)
    return Stored(event, spaces, row.sprint_minutes, row.is_posted)


def event_values(event: Event) -> dict[str, Any]:
    """The columns of ``event`` that an edit may change."""
    return {
        "title": event.title,
        "starts_at": event.starts_at,
        "duration_minutes": int(event.duration.total_seconds() // 60),
        "tz": event.tz,
        "place": event.place,
        "description": event.description,
        "capacity": event.capacity,
        "status": event.status,
        "sequence": event.sequence,
    }


def spaces_value(spaces: Iterable[SpaceRef]) -> list[list[str]]:
    return [[space.platform, space.id] for space in spaces]


async def find(db: AsyncConnection, event_id: int) -> Stored | None:
    row = (await db.execute(sa.select(tables.events).where(tables.events.c.id == event_id))).first()
    return None if row is None else _event(row)


async def get(db: AsyncConnection, event_id: int) -> Stored:
    """The event, or a ``UserError`` saying there is none."""
    stored = await find(db, event_id)
    if stored is None:
        raise UserError(f"There is no event {event_id}; `events` lists the upcoming ones.")
    return stored


async def lock(db: AsyncConnection, event_id: int) -> None:
    """Hold the event's row until the transaction ends, so two answers for the last place
    (on PostgreSQL, from two workers) are counted one after the other. SQLite has one writer
    at a time anyway."""
    await db.execute(
        sa.select(tables.events.c.id).where(tables.events.c.id == event_id).with_for_update()
    )


async def by_key(db: AsyncConnection, key: str) -> Stored | None:
    row = (
        await db.execute(sa.select(tables.events).where(tables.events.c.request_key == key))
    ).first()
    return None if row is None else _event(row)


async def upcoming(db: AsyncConnection, now: datetime, limit: int = 50) -> list[Stored]:
    """Events not yet over, soonest first (cancelled ones included)."""
    rows = await db.execute(
        sa.select(tables.events)
        .where(tables.events.c.starts_at >= now - timedelta(days=7))
        .order_by(tables.events.c.starts_at)
    )
    found = [_event(row) for row in rows]
    return [s for s in found if s.event.ends_at > now][:limit]


async def since(db: AsyncConnection, moment: datetime) -> list[Stored]:
    """Events starting after ``moment``, soonest first (for the feeds)."""
    rows = await db.execute(
        sa.select(tables.events)
        .where(tables.events.c.starts_at >= moment)
        .order_by(tables.events.c.starts_at)
    )
    return [_event(row) for row in rows]


async def rsvps(db: AsyncConnection, event_id: int) -> list[Rsvp]:
    """Every answer to the event: going first, then the waitlist in order, then the rest."""
    rows = await db.execute(
        sa.select(tables.rsvps)
        .where(tables.rsvps.c.event_id == event_id)
        .order_by(tables.rsvps.c.answered_at, tables.rsvps.c.person_id)
    )
    found = [Rsvp(r.event_id, r.person_id, r.answer, r.position) for r in rows]
    order = {GOING: 0, WAITLIST: 1, MAYBE: 2, NO: 3}
    return sorted(found, key=lambda r: (order[r.answer], r.position or 0))


async def answer_of(db: AsyncConnection, event_id: int, person_id: int) -> Any:
    return (
        await db.execute(
            sa.select(tables.rsvps).where(
                tables.rsvps.c.event_id == event_id, tables.rsvps.c.person_id == person_id
            )
        )
    ).first()


async def answers_of(
    db: AsyncConnection, person_id: int, event_ids: Sequence[int]
) -> dict[int, str]:
    if not event_ids:
        return {}
    rows = await db.execute(
        sa.select(tables.rsvps.c.event_id, tables.rsvps.c.answer).where(
            tables.rsvps.c.person_id == person_id, tables.rsvps.c.event_id.in_(event_ids)
        )
    )
    return {event_id: answer for event_id, answer in rows}


async def invited(db: AsyncConnection, event_id: int) -> list[int]:
    rows = await db.execute(
        sa.select(tables.invitees.c.person_id).where(tables.invitees.c.event_id == event_id)
    )
    return [person_id for (person_id,) in rows]


async def can_see(db: AsyncConnection, stored: Stored, person_id: int, is_organiser: bool) -> bool:
    """A private event is seen by its organiser, its invitees and the community's organisers."""
    event = stored.event
    if not event.private or is_organiser or event.organiser_id == person_id:
        return True
    return person_id in await invited(db, event.id)
