"""The scheduled work of an event: reminders to those going, and what happens at the start.

Both run in the job's transaction, so what they send is in the durable outbox with the run:
a reminder is sent exactly once, also across a restart.
"""

from __future__ import annotations

from datetime import timedelta

from salon.core import Bot, Event, Job, JobContext, Markup, Person, UserError, bold, code, lines, md
from salon.core.hookspecs import sprints
from salon.core.storage import sa
from salon.plugins.events import planning, store, tables
from salon.plugins.events.timing import length, when


async def remind(ctx: JobContext, job: Job) -> None:
    """``events.remind``: tell each person going (who did not opt out), on their clock."""
    stored = await store.find(ctx.db, int(job.payload["event_id"]))
    if stored is None or stored.event.is_cancelled:
        return
    event = stored.event
    if event.starts_at.isoformat() != job.payload["starts_at"]:
        return  # moved since; the move rescheduled its own reminders
    rows = (
        await ctx.db.execute(
            sa.select(tables.rsvps.c.person_id).where(
                tables.rsvps.c.event_id == event.id,
                tables.rsvps.c.answer == store.GOING,
                tables.rsvps.c.wants_reminders.is_(True),
            )
        )
    ).all()
    people = await ctx.bot.people.many([row.person_id for row in rows], ctx.db)
    for person in people.values():
        if not person.accounts:
            continue
        ctx.send_to(person, _reminder(event, person, int(job.payload["minutes"])))


def _reminder(event: Event, person: Person, minutes: int) -> Markup:
    soon = f"in {length(timedelta(minutes=minutes))}"
    rows = [
        md("Reminder: ", bold(event.title), f" starts {soon}, {when(event.starts_at, person.tz)}."),
    ]
    if event.place:
        rows.append(md("Where: ", event.place))
    rows.append(
        md(
            "Can't make it any more? ",
            code(f"event rsvp {event.id} no"),
            " frees your place. ",
            code(f"event remind {event.id} off"),
            " stops reminders for this event.",
        )
    )
    return lines(*rows)


async def start(ctx: JobContext, job: Job) -> None:
    """``events.start``: start the write-in's sprint, plan the series on and post its next
    occurrence."""
    stored = await store.find(ctx.db, int(job.payload["event_id"]))
    if stored is None or stored.event.is_cancelled:
        return
    if stored.event.starts_at.isoformat() != job.payload["starts_at"]:
        return
    if stored.sprint_minutes and stored.spaces:
        await _start_sprint(ctx, ctx.bot, stored)
    if stored.event.series_id is not None:
        await planning.plan_ahead(ctx, ctx.db, stored.event.series_id)


async def _start_sprint(ctx: JobContext, bot: Bot, stored: store.Stored) -> None:
    organiser = await bot.people.get(stored.event.organiser_id, ctx.db)
    if organiser is None:
        return
    space = stored.spaces[0]
    try:
        await bot.first_result(
            sprints.start_sprint,
            space=space,
            minutes=stored.sprint_minutes or 0,
            starts_at=stored.event.starts_at,
            starter=organiser,
            key=f"events:sprint:{stored.event.id}:{stored.event.sequence}",
            bot=bot,
        )
    except UserError as error:
        # A sprint already runs there, or the minutes are outside the sprint limits.
        ctx.send_to(
            organiser,
            md("The write-in's sprint for ", bold(stored.event.title), f" did not start: {error}"),
        )
    # None: no sprints plugin; the organiser was told when creating the event.
