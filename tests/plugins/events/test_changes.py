"""Reminders exactly once (across a restart), a time change, a cancellation, bad input."""

from __future__ import annotations

import icalendar
import pytest

from plugins.events.helpers import create_event, dm_texts, posts_in, press, settle, snapshot, utc
from salon.core.testing import SalonHarness


def _reminders(harness: SalonHarness, name: str) -> list[str]:
    return [t for t in dm_texts(harness, name) if t.startswith("Reminder:")]


def _ics(harness: SalonHarness, name: str) -> icalendar.Event:
    files = [d.outbound.files[0] for d in harness.sent_to(name) if d.outbound.files]
    calendar = icalendar.Calendar.from_ical(files[-1].data)
    return next(iter(calendar.walk("VEVENT")))


async def test_reminders_come_once_each_also_across_a_restart(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot)  # Tue 3 March 19:00 UTC
    await salon_bot.send("!event rsvp 1 going", as_="alice")
    await salon_bot.send("!event rsvp 1 going", as_="bob")
    await salon_bot.send("!event remind 1 off", as_="bob")
    await salon_bot.restart()
    await salon_bot.advance(to=utc(2026, 3, 2, 18, 59))
    assert _reminders(salon_bot, "alice") == []
    await salon_bot.advance(to=utc(2026, 3, 2, 19, 0))
    assert len(_reminders(salon_bot, "alice")) == 1
    assert "starts in 24h" in _reminders(salon_bot, "alice")[0]
    await salon_bot.restart()
    await salon_bot.advance(to=utc(2026, 3, 3, 12, 0))
    assert len(_reminders(salon_bot, "alice")) == 1
    await salon_bot.advance(to=utc(2026, 3, 3, 18, 0))
    await salon_bot.restart()
    await salon_bot.advance(to=utc(2026, 3, 4, 0, 0))
    reminders = _reminders(salon_bot, "alice")
    assert len(reminders) == 2
    assert "starts in 1h, Tue 3 Mar, 19:00 GMT (Europe/London)" in reminders[1]
    assert _reminders(salon_bot, "bob") == []  # opted out for this event


async def test_a_new_time_reaches_everyone_who_answered_and_bumps_the_sequence(
    salon_bot: SalonHarness,
) -> None:
    await create_event(salon_bot, place="Room 2")
    post = posts_in(salon_bot)[-1]
    await press(salon_bot, post, "Going", "alice")
    await press(salon_bot, post, "Maybe", "bob")
    await press(salon_bot, post, "Can't", "carol")
    assert _ics(salon_bot, "alice")["SEQUENCE"] == 0
    replies = await salon_bot.send("!event edit 1 when 2026-03-05 18:30", as_="olive")
    await settle(salon_bot)
    assert "I told the 3 who answered." in replies[-1].outbound.body.plain()
    for name in ("alice", "bob", "carol"):
        assert dm_texts(salon_bot, name)[-1].startswith(
            "Poetry workshop has changed: it is now Thu 5 Mar, 18:30 GMT (Europe/London)"
        )
        vevent = _ics(salon_bot, name)
        assert vevent["SEQUENCE"] == 1
        assert vevent["DTSTART"].dt == utc(2026, 3, 5, 18, 30)
        assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    edits = [p for p in posts_in(salon_bot) if p.outbound.edit_of == post.message_id]
    assert "Thu 5 Mar, 18:30 GMT" in edits[-1].outbound.body.plain()
    # The reminders moved with it: none at the old time, one at the new.
    await salon_bot.advance(to=utc(2026, 3, 3, 19, 0))
    assert _reminders(salon_bot, "alice") == []
    await salon_bot.advance(to=utc(2026, 3, 4, 18, 30))
    assert len(_reminders(salon_bot, "alice")) == 1
    await salon_bot.send("!event edit 1 place Library", as_="olive")
    assert _ics(salon_bot, "bob")["SEQUENCE"] == 2
    assert "Where: Library" in dm_texts(salon_bot, "bob")[-1]


async def test_cancelling_tells_everyone_and_closes_the_post(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot)
    post = posts_in(salon_bot)[-1]
    await press(salon_bot, post, "Going", "alice")
    await press(salon_bot, post, "Maybe", "bob")
    replies = await salon_bot.send("!event cancel 1", as_="olive")
    await settle(salon_bot)
    assert (
        "Cancelled Poetry workshop (event 1). I told the 2 who had answered."
        in replies[-1].outbound.body.plain()
    )
    for name in ("alice", "bob"):
        assert "was cancelled" in dm_texts(salon_bot, name)[-1]
        vevent = _ics(salon_bot, name)
        assert vevent["STATUS"] == "CANCELLED"
        assert vevent["SEQUENCE"] == 1
    last = [p for p in posts_in(salon_bot) if p.outbound.edit_of == post.message_id][-1]
    assert last.outbound.body.plain().startswith("CANCELLED: Poetry workshop")
    assert last.outbound.buttons == ()
    # No reminders for a cancelled event.
    await salon_bot.advance(to=utc(2026, 3, 4))
    assert _reminders(salon_bot, "alice") == []


async def test_a_series_can_be_cancelled_from_one_occurrence_on(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot, repeat="weekly")
    replies = await salon_bot.send("!event cancel 3 all", as_="olive")
    assert "(4 events)" in replies[-1].outbound.body.plain()
    listed = await salon_bot.send("!events", as_="alice")
    assert (
        "(event 1)" in listed[-1].outbound.body.plain()
        and "(event 2)" in listed[-1].outbound.body.plain()
    )
    assert "(event 3)" not in listed[-1].outbound.body.plain()


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"length": "18:00"}, "before it starts"),
        ({"when": "2026-01-01 10:00"}, "is in the past"),
        ({"capacity": "0"}, "A capacity of 0 leaves no places"),
        ({"repeat": "every blue moon"}, "is not a repeat I know"),
        ({"spaces": "#nowhere"}, "I know no community space called '#nowhere'"),
    ],
)
async def test_bad_answers_to_create_change_nothing(
    salon_bot: SalonHarness, answers: dict[str, str], problem: str
) -> None:
    before = await snapshot(salon_bot)
    replies = await create_event(salon_bot, **answers)
    assert problem in replies[-1].outbound.body.plain()
    assert await snapshot(salon_bot) == before


async def test_bad_commands_get_a_clear_reply_and_change_nothing(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot)
    await salon_bot.send("!event cancel 1", as_="olive")
    before = await snapshot(salon_bot)
    cases = [
        ("!event 99", "alice", "There is no event 99"),
        ("!event rsvp 99 going", "alice", "There is no event 99"),
        ("!event rsvp 1 going", "alice", "was cancelled, so it takes no answers"),
        ("!event edit 1 title New", "olive", "was cancelled; nothing was changed"),
        ("!event cancel 1", "olive", "is cancelled already"),
        ("!event rsvp 1 perhaps", "alice", "answer"),
    ]
    for text, who, expected in cases:
        replies = await salon_bot.send(text, as_=who)
        assert expected in replies[-1].outbound.body.plain(), (
            text,
            replies[-1].outbound.body.plain(),
        )
    post = posts_in(salon_bot)[0]
    assert post.outbound.buttons
    replies = await salon_bot.press(post.outbound.buttons[0], as_="bob")
    assert "was cancelled, so it takes no answers" in replies[-1].outbound.body.plain()
    assert await snapshot(salon_bot) == before


async def test_bad_edits_change_nothing(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot)
    before = await snapshot(salon_bot)
    cases = [
        ("!event edit 1 when 2026-01-01 09:00", "olive", "is in the past"),
        ("!event edit 1 capacity 0", "olive", "A capacity of 0 leaves no places"),
        ("!event edit 1 length forever", "olive", "is not a duration"),
        ("!event edit 1 title Mine now", "alice", "Only the event's organiser"),
        ("!event cancel 1", "alice", "Only the event's organiser"),
        ("!event attendees 1", "alice", "Only the event's organiser"),
    ]
    for text, who, expected in cases:
        replies = await salon_bot.send(text, as_=who)
        assert expected in replies[-1].outbound.body.plain(), (
            text,
            replies[-1].outbound.body.plain(),
        )
    assert await snapshot(salon_bot) == before


async def test_members_cannot_create_unless_allowed(salon_bot: SalonHarness) -> None:
    replies = await salon_bot.send("!event create", as_="alice")
    assert "Only organisers create events here." in replies[-1].outbound.body.plain()


async def test_attendees_csv_and_listing(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot, capacity="1")
    post = posts_in(salon_bot)[-1]
    await press(salon_bot, post, "Going", "alice")
    await press(salon_bot, post, "Going", "=bob")
    await salon_bot.send("!event attendees 1", as_="olive")
    csv_file = next(d for d in reversed(salon_bot.sent_to("olive")) if d.outbound.files)
    rows = csv_file.outbound.files[0].data.decode().splitlines()
    assert rows[0] == "name,answer,waitlist_place,accounts"
    assert rows[1] == "alice,going,,memory:alice"
    assert rows[2] == "'=bob,waitlist,1,memory:=bob"
    listed = await salon_bot.send("!events", as_="alice", dm=True)
    assert "Poetry workshop (event 1) · Tue 3 Mar, 19:00 GMT (Europe/London) · you: going" in (
        listed[-1].outbound.body.plain()
    )
