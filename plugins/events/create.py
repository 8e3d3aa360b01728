"""Creating events: the ``event create`` dialog (a form, a modal on Slack, where the platform
shows one) and ``schedule_event`` for other plugins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from salon.core import (
    Answers,
    Bot,
    Context,
    Dialog,
    Event,
    EventRequest,
    Markup,
    Question,
    SpaceRef,
    UserError,
    bold,
    code,
    italic,
    lines,
    md,
)
from salon.core.storage import AsyncConnection
from salon.plugins.events import planning, posts, render, store
from salon.plugins.events.planning import Plan
from salon.plugins.events.timing import REPEAT_HELP, describe_repeat, length, parse_repeat, when
from salon.plugins.events.validation import (
    CAPACITY,
    FUTURE_DATETIME,
    REPEAT,
    SPRINT_MINUTES,
    check_start,
    check_title,
    end_of,
    spaces_named,
)

DIALOG = "events.create"


def dialog() -> Dialog:
    return Dialog(
        DIALOG,
        (
            Question("title", "What is the event called?", multiline=False),
            Question(
                "when",
                "When does it start, on your clock? (2026-12-03 19:00, fri 18:00, tomorrow 9am)",
                multiline=False,
                type=FUTURE_DATETIME,
            ),
            Question(
                "length",
                "How long, or until when? (1h30, 2h, or an end time like 21:00)",
                multiline=False,
            ),
            Question("place", "Where? A place or a link.", optional=True, multiline=False),
            Question("description", "What is it about?", optional=True),
            Question(
                "capacity",
                "How many places? (a number, or none for no limit)",
                optional=True,
                multiline=False,
                type=CAPACITY,
            ),
            Question(
                "repeat",
                f"Does it repeat? ({REPEAT_HELP})",
                optional=True,
                multiline=False,
                type=REPEAT,
            ),
            Question(
                "spaces",
                "Post it where? Space names like #general #workshops, or all "
                "(skip: where you asked)",
                optional=True,
                multiline=False,
            ),
            Question(
                "sprint",
                "A write-in? Minutes of a writing sprint to start on time (45, 1h)",
                optional=True,
                multiline=False,
                type=SPRINT_MINUTES,
            ),
        ),
        on_done=finished,
        title="Create an event",
    )


async def start(ctx: Context) -> None:
    """``event create``."""
    allowed = planning.settings(ctx.bot).members_can_create
    if not (ctx.person.is_organiser or allowed):
        raise UserError("Only organisers create events here.")
    here = None if ctx.space.is_direct else ctx.space.ref
    data = {"here": [here.platform, here.id] if here else None}
    await ctx.bot.dialogs.start(ctx, DIALOG, ctx.member.ref, data=data)
    if not ctx.space.is_direct:
        ctx.reply("I've sent you the questions in a direct message.")


async def finished(ctx: Context, db: AsyncConnection, answers: Answers) -> None:
    """The dialog's answers: check them all, then create; a problem is explained and
    nothing is created."""
    values = answers.values
    here_value = answers.data.get("here")
    here = SpaceRef(here_value[0], here_value[1]) if here_value else None
    try:
        plan = _plan(ctx, values, here)
    except UserError as error:
        ctx.reply(
            lines(md(str(error)), md("Nothing was created; send ", code("event create"), " again."))
        )
        return
    created = await planning.create(ctx, db, plan)
    ctx.reply(_created(ctx, plan, created))


def _plan(ctx: Context, values: Mapping[str, Any], here: SpaceRef | None) -> Plan:
    starts_at = check_start(values["when"], ctx.now())
    duration = end_of(str(values["length"]), starts_at)
    rrule = None
    if values.get("repeat"):
        local = starts_at.replace(tzinfo=None)
        try:
            rrule = parse_repeat(str(values["repeat"]), local)
        except ValueError as error:
            raise UserError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None
    spaces = spaces_named(ctx.bot, values.get("spaces"), here)
    return Plan(
        title=check_title(str(values["title"])),
        starts_at=starts_at,
        duration=duration,
        tz=ctx.person.tz.key,
        organiser_id=ctx.person.id,
        place=str(values.get("place") or ""),
        description=str(values.get("description") or ""),
        capacity=values.get("capacity"),
        spaces=spaces,
        sprint_minutes=values.get("sprint"),
        rrule=rrule,
    )


def _created(ctx: Context, plan: Plan, created: list[store.Stored]) -> Markup:
    first = created[0].event
    at = f"{when(first.starts_at, ctx.person.tz)}, {length(first.duration)}"
    rows = [md("Created ", bold(first.title), f" (event {first.id}): {at}.")]
    if plan.rrule:
        ids = ", ".join(str(s.event.id) for s in created)
        rows.append(md(f"It repeats {describe_repeat(plan.rrule)}; planned so far: events {ids}."))
    if plan.spaces:
        rows.append(md("Posted to ", ", ".join(ctx.bot.spaces.label(s) for s in plan.spaces), "."))
    else:
        rows.append(md(italic("Not posted anywhere; members see it with "), code("events"), "."))
    if plan.sprint_minutes and not ctx.bot.pm.hook.start_sprint.get_hookimpls():
        rows.append(
            md(italic("Sprints are not installed here, so no sprint will start at the start."))
        )
    rows.append(
        md(
            "Change it with ",
            code(f"event edit {first.id} when fri 19:00"),
            ", cancel with ",
            code(f"event cancel {first.id}"),
            ".",
        )
    )
    return lines(*rows)


async def schedule_event(request: EventRequest, key: str, bot: Bot) -> Event:
    """The ``schedule_event`` hook: create once per ``key``; invitees get it in a DM."""
    async with bot.transaction() as tx:
        existing = await store.by_key(tx.db, key)
        if existing is not None:
            return existing.event
        starts_at = check_start(request.starts_at, bot.clock.now())
        if request.duration.total_seconds() <= 0:
            raise UserError("An event must last longer than zero minutes.")
        organiser = await bot.people.get(request.organiser_id, tx.db)
        if organiser is None:
            raise UserError(f"There is no person {request.organiser_id} to organise it.")
        plan = Plan(
            title=check_title(request.title),
            starts_at=starts_at,
            duration=request.duration,
            tz=organiser.tz.key,
            organiser_id=organiser.id,
            place=request.place,
            description=request.description,
            private=request.private,
            spaces=() if request.private else spaces_named(bot, None, None),
            request_key=key,
            invitees=tuple(request.invitees),
        )
        created = await planning.create(tx, tx.db, plan)
        stored = created[0]
        invitees = await bot.people.many(request.invitees, tx.db)
        handles = []
        text = await posts.body(bot, tx.db, stored)
        for person in invitees.values():
            if person.accounts:
                handles.append(
                    tx.send_direct(
                        person.dm_accounts()[0],
                        md("You're invited:"),
                        text,
                        buttons=render.buttons(stored.event),
                    )
                )
        posts.track(tx, stored.event.id, handles, text)
    return stored.event
