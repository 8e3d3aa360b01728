"""iCalendar: one event's ``.ics`` attachment and the feeds, built with ``icalendar``.

Each event is a ``VEVENT`` whose ``UID`` never changes, whose ``DTSTART``/``DTEND`` carry
the zone it was planned in (``TZID``, with its ``VTIMEZONE``), whose ``SEQUENCE`` is bumped on
every change and whose ``STATUS`` becomes ``CANCELLED``, so calendar apps update the entry
they already have rather than adding another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from salon.core import Event, File

_SLUG = re.compile(r"[^a-z0-9]+")


def uid(event: Event, community: str) -> str:
    return f"event-{event.id}@{_SLUG.sub('-', community.lower()).strip('-') or 'salon'}.salon"


def _vevent(event: Event, community: str, now: datetime) -> icalendar.Event:
    tz = ZoneInfo(event.tz)
    vevent = icalendar.Event()
    vevent.add("uid", uid(event, community))
    vevent.add("dtstamp", now)
    vevent.add("dtstart", event.starts_at.astimezone(tz))
    vevent.add("dtend", event.ends_at.astimezone(tz))
    vevent.add("summary", event.title)
    if event.place:
        vevent.add("location", event.place)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return vevent


def calendar(events: Iterable[Event], community: str, now: datetime, *, name: str = "") -> bytes:
    """A ``VCALENDAR`` with one ``VEVENT`` per event and the ``VTIMEZONE``s they use."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//salon//events//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    listed = list(events)
    for event in listed:
        cal.add_component(_vevent(event, community, now))
    if listed:
        # Only the years the events span: the zone's whole history would be kilobytes.
        first = min(e.starts_at for e in listed).date().replace(month=1, day=1)
        last = max(e.ends_at for e in listed).date().replace(month=12, day=31)
        cal.add_missing_timezones(first_date=first, last_date=last + timedelta(days=1))
    data: bytes = cal.to_ical()
    return data


def attachment(event: Event, community: str, now: datetime) -> File:
    """The event as ``event-<id>.ics``."""
    return File(f"event-{event.id}.ics", "text/calendar", calendar([event], community, now))
