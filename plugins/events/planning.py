"""Creating events and series, and the durable jobs each event has.

Every event has a start job and one reminder job per configured offset, keyed by the event
(``events:remind:<id>:<minutes>``), so rescheduling replaces them and a restart neither loses
nor repeats one. A series plans ``plan_ahead`` occurrences; each start plans the next ones and
posts the next occurrence, so a space sees one post at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import attrs

from salon.core import Bot, Event, SpaceRef
from salon.core.hookspecs import events as event_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.events import posts, store, tables
from salon.plugins.events.config import EventsConfig
from salon.plugins.events.posts import Effects
from salon.plugins.events.store import Stored
from salon.plugins.events.timing import occurrences

REMIND_JOB = "events.remind"
START_JOB = "events.start"


@attrs.frozen
class Plan:
    """What an organiser (or another plugin, through ``schedule_event``) asked for."""

    title: str
    starts_at: datetime
    duration: timedelta
    tz: str
    organiser_id: int
    place: str = ""
    description: str = ""
    capacity: int | None = None
    spaces: tuple[SpaceRef, ...] = ()
    sprint_minutes: int | None = None
    rrule: str | None = None
    private: bool = False
    request_key: str | None = None
    invitees: tuple[int, ...] = ()


def settings(bot: Bot) -> EventsConfig:
    config: EventsConfig = bot.plugin_config("events")
    return config


async def create(tx: Effects, db: AsyncConnection, plan: Plan) -> list[Stored]:
    """Store the event (or the first occurrences of the series), schedule its jobs and post
    it; hooks fire after the commit. Returns what was stored, soonest first."""
    now = tx.bot.clock.now()
    series_id = None
    starts = [plan.starts_at]
    if plan.rrule is not None:
        tz = ZoneInfo(plan.tz)
        local = plan.starts_at.astimezone(tz).replace(tzinfo=None)
        result = await db.execute(
            tables.series.insert().values(
                rrule=plan.rrule, dtstart_local=local.isoformat(), tz=plan.tz, created_at=now
            )
        )
        series_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        starts = occurrences(plan.rrule, local, tz, now, settings(tx.bot).plan_ahead)
    created = [await _insert(tx, db, plan, start, series_id) for start in starts]
    if created and not plan.private and created[0].spaces:
        await posts.publish(tx, db, created[0])
    return created


async def _insert(
    tx: Effects, db: AsyncConnection, plan: Plan, starts_at: datetime, series_id: int | None
) -> Stored:
    now = tx.bot.clock.now()
    result = await db.execute(
        tables.events.insert().values(
            series_id=series_id,
            title=plan.title,
            starts_at=starts_at,
            duration_minutes=int(plan.duration.total_seconds() // 60),
            tz=plan.tz,
            organiser_id=plan.organiser_id,
            place=plan.place,
            description=plan.description,
            capacity=plan.capacity,
            private=plan.private,
            spaces=store.spaces_value(plan.spaces),
            sprint_minutes=plan.sprint_minutes,
            request_key=plan.request_key if series_id is None else None,
            created_at=now,
            updated_at=now,
        )
    )
    event_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    for person_id in plan.invitees:
        await db.execute(tables.invitees.insert().values(event_id=event_id, person_id=person_id))
    stored = await store.get(db, event_id)
    await schedule_jobs(tx.bot, db, stored.event)
    fire(tx, event_hooks.event_created, stored.event)
    return stored


def fire(tx: Effects, spec: object, event: Event, **extra: object) -> None:
    """Fire an events hook once the transaction has committed."""
    bot = tx.bot

    async def notify() -> None:
        await bot.notify(spec, event=event, community=bot.community, bot=bot, **extra)  # type: ignore[arg-type]

    tx.after_commit(notify)


async def schedule_jobs(bot: Bot, db: AsyncConnection, event: Event) -> None:
    """(Re)schedule the event's reminders and start job; none once cancelled or past."""
    await cancel_jobs(bot, db, event.id)
    now = bot.clock.now()
    if event.is_cancelled or event.starts_at <= now:
        return
    payload = {"event_id": event.id, "starts_at": event.starts_at.isoformat()}
    for offset in settings(bot).reminder_offsets():
        at = event.starts_at - offset
        if at <= now:
            continue
        minutes = int(offset.total_seconds() // 60)
        await bot.scheduler.schedule(
            f"events:remind:{event.id}:{minutes}",
            REMIND_JOB,
            at=at,
            payload={**payload, "minutes": minutes},
            connection=db,
        )
    await bot.scheduler.schedule(
        f"events:start:{event.id}", START_JOB, at=event.starts_at, payload=payload, connection=db
    )


async def cancel_jobs(bot: Bot, db: AsyncConnection, event_id: int) -> None:
    await bot.scheduler.cancel_prefix(f"events:remind:{event_id}:", db)
    await bot.scheduler.cancel(f"events:start:{event_id}", db)


async def plan_ahead(tx: Effects, db: AsyncConnection, series_id: int) -> Sequence[Stored]:
    """Keep ``plan_ahead`` occurrences of the series planned; post the next one if it has no
    post yet. New occurrences copy the latest one's details."""
    bot = tx.bot
    series = (
        await db.execute(sa.select(tables.series).where(tables.series.c.id == series_id))
    ).first()
    if series is None or series.status != "scheduled":
        return []
    now = bot.clock.now()
    rows = (
        await db.execute(
            sa.select(tables.events.c.id)
            .where(tables.events.c.series_id == series_id)
            .order_by(tables.events.c.starts_at)
        )
    ).all()
    planned = [await store.get(db, row.id) for row in rows]
    future = [s for s in planned if s.event.starts_at > now]
    created: list[Stored] = []
    wanted = settings(bot).plan_ahead - len(future)
    if wanted > 0 and planned:
        latest = planned[-1]
        tz = ZoneInfo(series.tz)
        start_local = datetime.fromisoformat(series.dtstart_local)
        starts = occurrences(series.rrule, start_local, tz, latest.event.starts_at, wanted)
        template = _plan_of(latest)
        created = [await _insert(tx, db, template, start, series_id) for start in starts]
    upcoming = [s for s in [*future, *created] if not s.event.is_cancelled]
    if upcoming and not upcoming[0].is_posted and not upcoming[0].event.private:
        await posts.publish(tx, db, upcoming[0])
    return created


def _plan_of(stored: Stored) -> Plan:
    event = stored.event
    return Plan(
        title=event.title,
        starts_at=event.starts_at,
        duration=event.duration,
        tz=event.tz,
        organiser_id=event.organiser_id,
        place=event.place,
        description=event.description,
        capacity=event.capacity,
        spaces=stored.spaces,
        sprint_minutes=stored.sprint_minutes,
        private=event.private,
    )
