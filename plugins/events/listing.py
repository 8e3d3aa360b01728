"""Looking at events: ``events``, ``event ID``, ``event ics ID`` and the attendee CSV."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from salon.core import Context, File, UserError, bold, bullets, code, italic, lines, md
from salon.core.storage import AsyncConnection
from salon.plugins.events import ics, posts, render, store
from salon.plugins.events.store import GOING, MAYBE, NO, WAITLIST, Stored
from salon.plugins.events.timing import when

#: How many upcoming events ``events`` lists.
LISTED = 15


def _zone(ctx: Context) -> ZoneInfo:
    """Times in a DM on the member's clock; in a space on the community's, named."""
    return ctx.person.tz if ctx.space.is_direct else posts.community_zone(ctx.bot)


async def list_events(ctx: Context) -> None:
    """``events``: what is coming up, with the member's own answer."""
    async with ctx.bot.read() as db:
        upcoming = [
            s
            for s in await store.upcoming(db, ctx.now(), limit=200)
            if not s.event.is_cancelled
            and await store.can_see(db, s, ctx.person.id, ctx.person.is_organiser)
        ][:LISTED]
        mine = await store.answers_of(db, ctx.person.id, [s.event.id for s in upcoming])
    if not upcoming:
        ctx.reply("No events are coming up.")
        return
    tz = _zone(ctx)
    items = [
        md(
            bold(s.event.title),
            f" (event {s.event.id}) · {when(s.event.starts_at, tz)} · you: ",
            render.answer_word(mine.get(s.event.id)),
        )
        for s in upcoming
    ]
    ctx.reply(
        lines(
            md(bold("Upcoming events")),
            bullets(*items),
            md(
                italic("Details and buttons: "),
                code("event ID"),
                italic("; your calendar: "),
                code("events feed"),
            ),
        )
    )


async def show_event(ctx: Context, id: int | None) -> None:
    """``event ID``: details with buttons; organisers also see who is going."""
    event_id = id
    if event_id is None:
        raise UserError("Which event? `event 3` shows event 3; `events` lists them.")
    async with ctx.bot.read() as db:
        stored = await _visible(ctx, db, event_id)
        answers = await store.rsvps(db, event_id)
        people = await ctx.bot.people.many([a.person_id for a in answers], db)
        repeat = await posts.repeat_of(db, stored)
        mine = await store.answers_of(db, ctx.person.id, [event_id])
    event = stored.event
    rows = render.summary(event, _zone(ctx), repeat=repeat)
    if not event.is_cancelled:
        rows.append(
            md(render.counts(event, answers), " · you: ", render.answer_word(mine.get(event_id)))
        )
    if _may_see_attendees(ctx, stored):
        for label, answer in (
            ("Going", GOING),
            ("Waitlist", WAITLIST),
            ("Maybe", MAYBE),
            ("Can't", NO),
        ):
            names = [
                people[a.person_id].display_name
                for a in answers
                if a.answer == answer and a.person_id in people
            ]
            if names:
                rows.append(md(f"{label}: ", ", ".join(names)))
    ctx.reply(lines(*rows), buttons=render.buttons(event) if event.starts_at > ctx.now() else ())


async def send_ics(ctx: Context, id: int) -> None:
    """``event ics ID``: the calendar file."""
    event_id = id
    async with ctx.bot.read() as db:
        stored = await _visible(ctx, db, event_id)
    ctx.reply(
        md("The calendar file for ", bold(stored.event.title), "."),
        files=(ics.attachment(stored.event, ctx.bot.community.name, ctx.now()),),
    )


async def attendees_csv(ctx: Context, id: int) -> None:
    """``event attendees ID``: who answered, as CSV (organisers)."""
    event_id = id
    async with ctx.bot.read() as db:
        stored = await _visible(ctx, db, event_id)
        if not _may_see_attendees(ctx, stored):
            raise UserError(
                "Only the event's organiser (or an organiser of the group) can do that."
            )
        answers = await store.rsvps(db, event_id)
        people = await ctx.bot.people.many([a.person_id for a in answers], db)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "answer", "waitlist_place", "accounts"])
    for answer in answers:
        person = people.get(answer.person_id)
        if person is None:
            continue
        accounts = " ".join(f"{a.platform}:{a.id}" for a in person.accounts)
        writer.writerow(
            [_cell(person.display_name), answer.answer, answer.position or "", accounts]
        )
    data = out.getvalue().encode()
    going = sum(1 for a in answers if a.answer == GOING)
    ctx.send_direct(
        ctx.member.ref,
        md(f"Attendees of {stored.event.title}: {going} going, {len(answers)} answered."),
        files=(File(f"event-{event_id}-attendees.csv", "text/csv", data),),
    )
    if not ctx.space.is_direct:
        ctx.reply("I've sent you the list in a direct message.")


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _may_see_attendees(ctx: Context, stored: Stored) -> bool:
    return ctx.person.is_organiser or stored.event.organiser_id == ctx.person.id


async def _visible(ctx: Context, db: AsyncConnection, event_id: int) -> Stored:
    stored = await store.find(db, event_id)
    if stored is None or not await store.can_see(
        db, stored, ctx.person.id, ctx.person.is_organiser
    ):
        raise UserError(f"There is no event {event_id}; `events` lists the upcoming ones.")
    return stored
