"""Answering an event: Going / Maybe / Can't, the waitlist and automatic promotion.

One transaction per answer (recorded with the press or command in the inbound ledger, so a
redelivered press changes nothing): the answer, any promotion off the waitlist, the DMs that
tell both people, and the edits of every post of the event.
"""

from __future__ import annotations

from datetime import datetime

from salon.core import ButtonPress, Context, Person, Rsvp, UserError, bold, lines, md
from salon.core.hookspecs import events as event_hooks
from salon.core.storage import AsyncConnection, sa
from salon.plugins.events import ics, planning, posts, render, store, tables
from salon.plugins.events.posts import Effects
from salon.plugins.events.store import GOING, MAYBE, NO, WAITLIST, Stored

_WORDS = {"going": GOING, "yes": GOING, "maybe": MAYBE, "no": NO, "cant": NO, "can't": NO}
#: What ``event rsvp`` accepts.
ANSWER_WORDS = ("going", "maybe", "no")


async def pressed(ctx: Context, press: ButtonPress) -> None:
    """A Going / Maybe / Can't button."""
    event_text, _, answer = press.value.partition(":")
    if not event_text.isdigit() or answer not in (GOING, MAYBE, NO):
        raise UserError("That button is not one of mine any more; nothing was changed.")
    await answer_event(ctx, int(event_text), answer)


async def rsvp_command(ctx: Context, id: int, answer: str) -> None:
    """``event rsvp ID going|maybe|no``."""
    event_id = id
    await answer_event(ctx, event_id, _WORDS[answer.lower()])


async def answer_event(ctx: Context, event_id: int, answer: str) -> None:
    person = ctx.person
    async with ctx.transaction() as db:
        await store.lock(db, event_id)
        stored = await store.find(db, event_id)
        if stored is None or not await store.can_see(db, stored, person.id, person.is_organiser):
            raise UserError(f"There is no event {event_id}; `events` lists the upcoming ones.")
        event = stored.event
        if event.is_cancelled:
            raise UserError(
                f"{event.title} was cancelled, so it takes no answers; nothing was changed."
            )
        if event.starts_at <= ctx.now():
            raise UserError(f"{event.title} has already started; nothing was changed.")
        row = await store.answer_of(db, event_id, person.id)
        previous = None if row is None else row.answer
        if previous == answer or (previous == WAITLIST and answer == GOING):
            where = "on the waitlist" if previous == WAITLIST else render.answer_word(answer)
            ctx.send_direct(
                ctx.member.ref, md("You're already ", where, " for ", bold(event.title), ".")
            )
            return
        now_answer, position = answer, None
        if answer == GOING and event.capacity is not None:
            going = await _count(db, event_id, GOING)
            if going >= event.capacity:
                now_answer, position = WAITLIST, await _next_position(db, event_id)
        await _store_answer(db, event_id, person.id, now_answer, position, ctx.now())
        files = (ics.attachment(event, ctx.bot.community.name, ctx.now()),)
        if now_answer == WAITLIST:
            position = await waitlist_place(db, event_id, person.id)
        ctx.send_direct(
            ctx.member.ref,
            render.answered(event, now_answer, person.tz, position),
            files=files if now_answer == GOING else (),
        )
        _fire(ctx, stored, person.id, now_answer, position, previous)
        if previous == GOING:
            await promote(ctx, db, stored)
        await posts.refresh(ctx, db, stored)


async def promote(tx: Effects, db: AsyncConnection, stored: Stored) -> list[int]:
    """Give free places to the first on the waitlist, telling each; returns who moved up."""
    event = stored.event
    if event.is_cancelled:
        return []
    moved: list[int] = []
    while event.capacity is None or await _count(db, event.id, GOING) < event.capacity:
        first = (
            await db.execute(
                sa.select(tables.rsvps.c.person_id)
                .where(tables.rsvps.c.event_id == event.id, tables.rsvps.c.answer == WAITLIST)
                .order_by(tables.rsvps.c.position, tables.rsvps.c.answered_at)
                .limit(1)
            )
        ).scalar()
        if first is None:
            break
        await db.execute(
            tables.rsvps.update()
            .where(tables.rsvps.c.event_id == event.id, tables.rsvps.c.person_id == first)
            .values(answer=GOING, position=None)
        )
        moved.append(first)
        person = await tx.bot.people.get(first, db)
        if person is not None and person.accounts:
            _tell_promoted(tx, person, stored)
        _fire(tx, stored, first, GOING, None, WAITLIST)
    return moved


def _tell_promoted(tx: Effects, person: Person, stored: Stored) -> None:
    event = stored.event
    tx.send_direct(
        person.dm_accounts()[0],
        lines(
            md("A place opened up: you're now going to ", bold(event.title), "!"),
            render.answered(event, GOING, person.tz),
        ),
        files=(ics.attachment(event, tx.bot.community.name, tx.bot.clock.now()),),
    )


def _fire(
    tx: Effects,
    stored: Stored,
    person_id: int,
    answer: str,
    position: int | None,
    previous: str | None,
) -> None:
    planning.fire(
        tx,
        event_hooks.rsvp_changed,
        stored.event,
        rsvp=Rsvp(stored.event.id, person_id, answer, position),
        previous=previous,
    )


async def _count(db: AsyncConnection, event_id: int, answer: str) -> int:
    return int(
        (
            await db.execute(
                sa.select(sa.func.count()).where(
                    tables.rsvps.c.event_id == event_id, tables.rsvps.c.answer == answer
                )
            )
        ).scalar()
        or 0
    )


async def _next_position(db: AsyncConnection, event_id: int) -> int:
    highest = (
        await db.execute(
            sa.select(sa.func.max(tables.rsvps.c.position)).where(
                tables.rsvps.c.event_id == event_id
            )
        )
    ).scalar()
    return int(highest or 0) + 1


async def waitlist_place(db: AsyncConnection, event_id: int, person_id: int) -> int:
    """1 for the next to be promoted."""
    rows = (
        await db.execute(
            sa.select(tables.rsvps.c.person_id)
            .where(tables.rsvps.c.event_id == event_id, tables.rsvps.c.answer == WAITLIST)
            .order_by(tables.rsvps.c.position, tables.rsvps.c.answered_at)
        )
    ).all()
    return next((i for i, row in enumerate(rows, 1) if row.person_id == person_id), 0)


async def _store_answer(
    db: AsyncConnection,
    event_id: int,
    person_id: int,
    answer: str,
    position: int | None,
    now: datetime,
) -> None:
    updated = await db.execute(
        tables.rsvps.update()
        .where(tables.rsvps.c.event_id == event_id, tables.rsvps.c.person_id == person_id)
        .values(answer=answer, position=position, answered_at=now)
    )
    if updated.rowcount == 0:
        await db.execute(
            tables.rsvps.insert().values(
                event_id=event_id,
                person_id=person_id,
                answer=answer,
                position=position,
                answered_at=now,
            )
        )


async def set_reminders(ctx: Context, id: int, setting: str) -> None:
    """``event remind ID on|off``."""
    event_id = id
    async with ctx.transaction() as db:
        stored = await store.get(db, event_id)
        row = await store.answer_of(db, event_id, ctx.person.id)
        if row is None or row.answer not in (GOING, WAITLIST):
            raise UserError(
                f"You're not going to {stored.event.title}, so there are no reminders to change."
            )
        wanted = setting.lower() == "on"
        await db.execute(
            tables.rsvps.update()
            .where(tables.rsvps.c.event_id == event_id, tables.rsvps.c.person_id == ctx.person.id)
            .values(wants_reminders=wanted)
        )
    if wanted:
        ctx.reply(md("Reminders for ", bold(stored.event.title), " are on."))
    else:
        ctx.reply(md("No more reminders for ", bold(stored.event.title), "."))
