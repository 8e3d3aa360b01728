"""How an event reads: the post in a space (edited in place), its details, a DM line.

A space sees times in the community's zone, named; a member sees them in their own zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from salon.core import Button, Event, Markup, Person, Rsvp, bold, code, italic, lines, md
from salon.plugins.events.store import GOING, MAYBE, NO, WAITLIST
from salon.plugins.events.timing import length, when

RSVP_ACTION = "events.rsvp"
#: At most this many first names on a post ("and 4 more" after).
_NAMES_SHOWN = 12


def buttons(event: Event) -> tuple[Button, ...]:
    """Going / Maybe / Can't, unless the event is cancelled."""
    if event.is_cancelled:
        return ()
    return (
        Button("Going", RSVP_ACTION, f"{event.id}:{GOING}"),
        Button("Maybe", RSVP_ACTION, f"{event.id}:{MAYBE}"),
        Button("Can't", RSVP_ACTION, f"{event.id}:{NO}"),
    )


def first_name(person: Person) -> str:
    return person.display_name.split()[0] if person.display_name.strip() else "someone"


def counts(event: Event, answers: Sequence[Rsvp]) -> str:
    going = sum(1 for a in answers if a.answer == GOING)
    maybe = sum(1 for a in answers if a.answer == MAYBE)
    waiting = sum(1 for a in answers if a.answer == WAITLIST)
    places = f"{going}/{event.capacity}" if event.capacity else str(going)
    text = f"Going {places} · Maybe {maybe}"
    if waiting:
        text += f" · Waitlist {waiting}"
    if event.capacity and going >= event.capacity:
        text += " · full"
    return text


def summary(event: Event, tz: ZoneInfo, *, repeat: str = "") -> list[Markup]:
    """Title, time, length, place and description."""
    title = md(bold(event.title), f"  (event {event.id})")
    if event.is_cancelled:
        title = md(bold("CANCELLED: "), bold(event.title), f"  (event {event.id})")
    rows = [title, md(when(event.starts_at, tz), f" · {length(event.duration)}")]
    if repeat:
        rows.append(md(italic(f"Repeats {repeat}")))
    if event.place:
        rows.append(md("Where: ", event.place))
    if event.description:
        rows.append(md(event.description))
    return rows


def post(
    event: Event,
    answers: Sequence[Rsvp],
    people: Mapping[int, Person],
    tz: ZoneInfo,
    *,
    repeat: str = "",
    sprint_minutes: int | None = None,
) -> Markup:
    """The message in a space (or an invitee's DM), edited as answers change."""
    rows = summary(event, tz, repeat=repeat)
    if sprint_minutes:
        rows.append(md(italic(f"Write-in: a {sprint_minutes}-minute sprint starts on time.")))
    if event.is_cancelled:
        rows.append(md(italic("This event was cancelled.")))
        return lines(*rows)
    rows.append(md(counts(event, answers)))
    going = [people[a.person_id] for a in answers if a.answer == GOING and a.person_id in people]
    if going:
        names = [first_name(p) for p in going[:_NAMES_SHOWN]]
        more = f" and {len(going) - _NAMES_SHOWN} more" if len(going) > _NAMES_SHOWN else ""
        rows.append(md("Going: ", ", ".join(names), more))
    return lines(*rows)


def answered(event: Event, answer: str, tz: ZoneInfo, position: int | None = None) -> Markup:
    """What a member is told after answering (in their DM, on their clock)."""
    at = when(event.starts_at, tz)
    if answer == GOING:
        return lines(
            md("You're going to ", bold(event.title), f", {at}."),
            md(
                "I'll remind you before it starts (",
                code(f"event remind {event.id} off"),
                " to stop that). The calendar file is attached.",
            ),
        )
    if answer == WAITLIST:
        return md(
            bold(event.title),
            f" is full; you're number {position} on the waitlist. "
            "If a place opens, you get it and I'll tell you.",
        )
    if answer == MAYBE:
        return md("Marked as maybe for ", bold(event.title), f", {at}.")
    return md("Noted: you can't make ", bold(event.title), ".")


def answer_word(answer: str | None) -> str:
    return {GOING: "going", MAYBE: "maybe", NO: "can't", WAITLIST: "waitlist"}.get(
        answer or "", "not answered"
    )
