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
    :param series_id: the recurring series this is one occurrence of, if any.
    :param private: shown only to its organiser and invitees (a coach's 1:1).
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
    series_id: int | None = None
    private: bool = False

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + self.duration

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"


@attrs.frozen
class Rsvp:
    """One person's answer to an event.

    :param answer: ``"going"``, ``"maybe"``, ``"no"`` or ``"waitlist"`` (wanted to go, but
        the event was full).
    :param position: the place on the waitlist (1 is next), ``None`` for other answers.
    """

    event_id: int
    person_id: int
    answer: str
    position: int | None = None


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
