"""Changing and cancelling events: everyone who answered is told, with a fresh ``.ics``.

A change bumps the event's ``SEQUENCE`` (calendar apps replace their copy), reschedules its
reminders, edits its posts, and for a new time or place sends each person who answered the
new details on their own clock. A cancellation does the same with ``STATUS:CANCELLED``.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from salon.core import Context, Event, UserError, bold, italic, lines, md
from salon.core.argtypes import parse_datetime, parse_duration
from salon.core.hookspecs import events as event_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.events import ics, planning, posts, rsvp, store, tables
from salon.plugins.events.posts import Effects
from salon.plugins.events.store import Stored
from salon.plugins.events.timing import length, when
from salon.plugins.events.validation import check_capacity, check_start, check_title

#: What ``event edit`` can change.
FIELDS = ("title", "when", "length", "place", "description", "capacity")


def may_change(ctx: Context, stored: Stored) -> None:
    """Only the event's organiser and the community's organisers change an event."""
    if not (ctx.person.is_organiser or stored.event.organiser_id == ctx.person.id):
        raise UserError("Only the event's organiser (or an organiser of the group) can do that.")


def _changed(event: Event, field: str, value: str, ctx: Context) -> Event:
    text = value.strip()
    if field == "title":
        return attrs.evolve(event, title=check_title(text))
    if field == "when":
        try:
            starts = parse_datetime(text, ctx.person.tz, ctx.now())
        except ValueError as error:
            raise UserError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None
        return attrs.evolve(event, starts_at=check_start(starts, ctx.now()))
    if field == "length":
        try:
            duration = parse_duration(text)
        except ValueError as error:
            raise UserError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None
        return attrs.evolve(event, duration=duration)
    if field == "place":
        return attrs.evolve(event, place="" if text.lower() in ("none", "-") else text)
    if field == "description":
        return attrs.evolve(event, description="" if text.lower() in ("none", "-") else text)
    return attrs.evolve(event, capacity=check_capacity(text))


async def edit(ctx: Context, id: int, field: str, value: str) -> None:
    """``event edit ID FIELD VALUE``."""
    event_id = id
    async with ctx.transaction() as db:
        await store.lock(db, event_id)
        stored = await store.get(db, event_id)
        may_change(ctx, stored)
        previous = stored.event
        if previous.is_cancelled:
            raise UserError(f"{previous.title} was cancelled; nothing was changed.")
        if previous.starts_at <= ctx.now():
            raise UserError(f"{previous.title} has already started; nothing was changed.")
        event = _changed(previous, field.lower(), value, ctx)
        if event == previous:
            ctx.reply("That is what it already says; nothing was changed.")
            return
        event = attrs.evolve(event, sequence=previous.sequence + 1)
        await _save(db, event, ctx.now())
        stored = attrs.evolve(stored, event=event)
        await planning.schedule_jobs(ctx.bot, db, event)
        told = 0
        if (event.starts_at, event.duration, event.place) != (
            previous.starts_at,
            previous.duration,
            previous.place,
        ):
            told = await _tell_answered(ctx, db, stored)
        if event.capacity != previous.capacity:
            await rsvp.promote(ctx, db, stored)
        await posts.refresh(ctx, db, stored)
        planning.fire(ctx, event_hooks.event_changed, event, previous=previous)
    told_text = f" I told the {told} who answered." if told else ""
    ctx.reply(
        md("Changed ", bold(event.title), f" (event {event.id}).{told_text}"),
        files=(ics.attachment(event, ctx.bot.community.name, ctx.now()),),
    )


async def cancel(ctx: Context, id: int, scope: str | None) -> None:
    """``event cancel ID [all]``: this event, or with ``all`` every later one of its series."""
    event_id = id
    async with ctx.transaction() as db:
        stored = await store.get(db, event_id)
        may_change(ctx, stored)
        if stored.event.is_cancelled:
            raise UserError(f"{stored.event.title} is cancelled already; nothing was changed.")
        if stored.event.starts_at <= ctx.now():
            raise UserError(f"{stored.event.title} has already started; nothing was changed.")
        targets = [stored]
        if scope == "all" and stored.event.series_id is not None:
            later = await db.execute(
                sa.select(tables.events.c.id).where(
                    tables.events.c.series_id == stored.event.series_id,
                    tables.events.c.starts_at > stored.event.starts_at,
                    tables.events.c.status == "scheduled",
                )
            )
            targets += [await store.get(db, row.id) for row in later]
            await db.execute(
                tables.series.update()
                .where(tables.series.c.id == stored.event.series_id)
                .values(status="cancelled")
            )
        told = 0
        for target in targets:
            told += await cancel_one(ctx, db, target)
    what = f"{len(targets)} events" if len(targets) > 1 else f"event {event_id}"
    told_text = f" I told the {told} who had answered." if told else ""
    ctx.reply(md("Cancelled ", bold(stored.event.title), f" ({what}).{told_text}"))


async def cancel_one(tx: Effects, db: AsyncConnection, stored: Stored) -> int:
    """Cancel one event: status, sequence, jobs, posts, notices; returns how many were told."""
    event = attrs.evolve(stored.event, status="cancelled", sequence=stored.event.sequence + 1)
    await _save(db, event, tx.bot.clock.now())
    stored = attrs.evolve(stored, event=event)
    await planning.cancel_jobs(tx.bot, db, event.id)
    told = await _tell_answered(tx, db, stored)
    await posts.refresh(tx, db, stored)
    planning.fire(tx, event_hooks.event_cancelled, event)
    return told


async def _save(db: AsyncConnection, event: Event, now: datetime) -> None:
    await db.execute(
        tables.events.update()
        .where(tables.events.c.id == event.id)
        .values(**store.event_values(event), updated_at=now)
    )


async def _tell_answered(tx: Effects, db: AsyncConnection, stored: Stored) -> int:
    """DM everyone who answered (going, waitlist, maybe, can't) the event as it is now."""
    event = stored.event
    answers = await store.rsvps(db, event.id)
    people = await tx.bot.people.many([a.person_id for a in answers], db)
    attachment = ics.attachment(event, tx.bot.community.name, tx.bot.clock.now())
    told = 0
    for answer in answers:
        person = people.get(answer.person_id)
        if person is None or not person.accounts:
            continue
        if event.is_cancelled:
            text = lines(
                md(bold(event.title), f", {when(event.starts_at, person.tz)}, was cancelled."),
                md(italic("The attached calendar file removes it from your calendar.")),
            )
        else:
            rows = [
                md(bold(event.title), " has changed: it is now ", when(event.starts_at, person.tz)),
                md(f"Length: {length(event.duration)}"),
            ]
            if event.place:
                rows.append(md("Where: ", event.place))
            rows.append(md(italic("The attached calendar file updates your calendar.")))
            text = lines(*rows)
        tx.send_direct(person.dm_accounts()[0], text, files=(attachment,))
        told += 1
    return told
