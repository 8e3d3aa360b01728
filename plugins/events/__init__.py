"""Events and workshops: RSVP buttons, waitlists, reminders and live calendar feeds.

Organisers (or members, if allowed) create an event through a dialog; it is posted to the
chosen spaces with Going / Maybe / Can't buttons, and the post is edited in place as answers
change. Those going are reminded in their own time zone; changes and cancellations reach
everyone who answered with a fresh ``.ics``; the community and each member have an iCal
feed served on salon's web server. See ``docs/events.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from salon.core import (
    POSITIVE_INT,
    TEXT,
    Action,
    Arg,
    Bot,
    Command,
    Dialog,
    Event,
    EventRequest,
    JobHandler,
    Markup,
    Person,
    Role,
    WebRoute,
    choice,
    hookimpl,
)
from salon.core.storage import AsyncConnection
from salon.plugins.events import changes, create, feed, jobs, listing, planning, privacy, rsvp
from salon.plugins.events.config import EventsConfig
from salon.plugins.events.render import RSVP_ACTION

__all__ = [
    "export_person_data",
    "forget_person",
    "people_merged",
    "register_actions",
    "register_commands",
    "register_config",
    "register_dialogs",
    "register_jobs",
    "register_migrations",
    "register_routes",
    "schedule_event",
]

_ID = Arg("id", POSITIVE_INT, help="the event's number (see events)")

EVENT_HELP = (
    "event ID shows an event with its buttons (organisers also see who answered). "
    "event create asks the details in a DM: title, start on your clock, length or end time, "
    "place or link, description, capacity, repeat (weekly, monthly second tuesday, an RRULE), "
    "where to post it and an optional write-in sprint."
)


@hookimpl
def register_commands(register: Callable[[Command], None]) -> None:
    register(
        Command(
            "events",
            listing.list_events,
            help="Upcoming events with your answers; events feed for your calendar.",
            examples=("events", "events feed"),
            subcommands=(
                Command(
                    "feed",
                    feed.feed_command,
                    help="Your calendar feed links (the community's, and just yours).",
                    subcommands=(
                        Command(
                            "rotate",
                            feed.rotate,
                            help="Give the community feed a new link; the old one stops working.",
                            role=Role.ORGANISER,
                        ),
                        Command(
                            "renew",
                            feed.renew,
                            help="Give your personal feed a new link; the old one stops working.",
                        ),
                    ),
                ),
            ),
        )
    )
    register(
        Command(
            "event",
            listing.show_event,
            help="See an event (event 3), or create, change, cancel and answer events.",
            args=(Arg("id", POSITIVE_INT, optional=True, help="the event's number"),),
            details=EVENT_HELP,
            examples=(
                "event 3",
                "event create",
                "event rsvp 3 going",
                "event edit 3 when fri 19:00",
                "event cancel 3",
            ),
            subcommands=(
                Command(
                    "create", create.start, help="Create an event (I ask the details in a DM)."
                ),
                Command(
                    "rsvp",
                    rsvp.rsvp_command,
                    help="Answer an event: going, maybe or no.",
                    args=(
                        _ID,
                        Arg("answer", choice(*rsvp.ANSWER_WORDS), help="going, maybe or no"),
                    ),
                    examples=("event rsvp 3 going", "event rsvp 3 no"),
                ),
                Command(
                    "remind",
                    rsvp.set_reminders,
                    help="Turn reminders for one event off (or on again).",
                    args=(_ID, Arg("setting", choice("on", "off"), help="on or off")),
                    examples=("event remind 3 off",),
                ),
                Command(
                    "edit",
                    changes.edit,
                    help="Change an event; a new time or place is sent to all who answered.",
                    args=(
                        _ID,
                        Arg("field", choice(*changes.FIELDS), help=", ".join(changes.FIELDS)),
                        Arg("value", TEXT, rest=True, help="the new value (none to clear)"),
                    ),
                    examples=(
                        "event edit 3 when 2026-12-10 19:00",
                        "event edit 3 place https://meet.example.org/write-in",
                        "event edit 3 capacity 20",
                    ),
                ),
                Command(
                    "cancel",
                    changes.cancel,
                    help="Cancel an event (all: and every later one of its series).",
                    args=(
                        _ID,
                        Arg("scope", choice("all"), optional=True, help="all for the whole series"),
                    ),
                    examples=("event cancel 3", "event cancel 3 all"),
                ),
                Command(
                    "ics",
                    listing.send_ics,
                    help="The event's calendar file (.ics).",
                    args=(_ID,),
                ),
                Command(
                    "attendees",
                    listing.attendees_csv,
                    help="Who answered, as a CSV file (the event's organiser).",
                    args=(_ID,),
                ),
            ),
        )
    )


@hookimpl
def register_actions(register: Callable[[Action], None]) -> None:
    register(Action(RSVP_ACTION, rsvp.pressed))


@hookimpl
def register_dialogs(register: Callable[[Dialog], None]) -> None:
    register(create.dialog())


@hookimpl
def register_jobs(register: Callable[[JobHandler], None]) -> None:
    register(JobHandler(planning.REMIND_JOB, jobs.remind))
    register(JobHandler(planning.START_JOB, jobs.start))


@hookimpl
def register_config(register: Callable[[type[Any]], None]) -> None:
    register(EventsConfig)


@hookimpl
def register_migrations(register: Callable[[Path], None]) -> None:
    register(Path(__file__).parent / "migrations")


@hookimpl
def register_routes(register: Callable[[WebRoute], None]) -> None:
    for route in feed.routes():
        register(route)


@hookimpl
async def schedule_event(request: EventRequest, key: str, bot: Bot) -> Event:
    return await create.schedule_event(request, key, bot)


@hookimpl
async def people_merged(
    kept: Person, merged: Person, connection: AsyncConnection, bot: Bot
) -> None:
    await privacy.merge(kept, merged, connection, bot)


@hookimpl
async def export_person_data(person: Person, connection: AsyncConnection, bot: Bot) -> Markup:
    return await privacy.export(person, connection, bot)


@hookimpl
async def forget_person(person: Person, connection: AsyncConnection, bot: Bot) -> None:
    await privacy.forget(person, connection, bot)
