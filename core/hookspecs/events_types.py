"""Domain types of the events hook family (``events``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs


@attrs.frozen
class Event:
    """A community event (a workshop, a reading, a write-in) or one occurrence of a series.

    :param starts_at: when it starts (aware, UTC).
    :param tz: the IANA zone it was planned in (recurrences keep local time across DST).
    :param organiser_id: who organises it (``Person.id``).
    :param capacity: how many can go; ``None`` for no limit.
    :param status: ``"scheduled"`` or ``"cancelled"``.
    :param sequence: bumped on every change (the iCalendar ``SEQUENCE``).
    """

    id: int
    title: str
    starts_at: datetime
    duration: timedelta
    tz: str
    organiser_id: int
    place: str = ""
    description: str = ""
    capacity: int | None = None
    status: str = "scheduled"
    sequence: int = 0


@attrs.frozen
class EventRequest:
    """What a plugin asks the events plugin to schedule (``events.schedule_event``).

    :param invitees: people invited (``Person.id``); they get the event in a DM with RSVP
        buttons. A private event is shown only to them and the organiser.
    """

    title: str
    starts_at: datetime
    duration: timedelta
    organiser_id: int
    invitees: tuple[int, ...] = ()
    place: str = ""
    description: str = ""
    private: bool = True
