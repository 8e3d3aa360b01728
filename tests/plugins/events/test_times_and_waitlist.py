"""A weekly workshop across DST in three zones; capacity 3 with a waitlist and promotion."""

from __future__ import annotations

from datetime import timedelta

from plugins.events.helpers import create_event, dm_texts, posts_in, press, settle, utc
from salon.core.testing import SalonHarness


async def _zones(harness: SalonHarness) -> None:
    for name, zone in (
        ("alice", "America/New_York"),
        ("bob", "Asia/Tokyo"),
        ("carol", "Europe/London"),
    ):
        replies = await harness.send(f"!tz {zone}", as_=name)
        assert "Time zone set" in replies[-1].text


async def _shown(harness: SalonHarness, name: str, event_id: int) -> str:
    replies = await harness.send(f"!event {event_id}", as_=name, dm=True)
    return replies[-1].text.splitlines()[1]


async def test_weekly_workshop_keeps_london_time_across_both_dst_changes(
    salon_bot: SalonHarness,
) -> None:
    await _zones(salon_bot)
    done = await create_event(salon_bot, repeat="weekly")
    assert "It repeats every Tuesday; planned so far: events 1, 2, 3, 4, 5, 6." in done[-1].text
    # 3 March: London GMT, New York EST. 10 March: New York on EDT already. 31 March: London BST.
    assert await _shown(salon_bot, "carol", 1) == "Tue 3 Mar, 19:00 GMT (Europe/London) · 1h30"
    assert await _shown(salon_bot, "alice", 1) == "Tue 3 Mar, 14:00 EST (America/New_York) · 1h30"
    assert await _shown(salon_bot, "bob", 1) == "Wed 4 Mar, 04:00 JST (Asia/Tokyo) · 1h30"
    assert await _shown(salon_bot, "alice", 2) == "Tue 10 Mar, 15:00 EDT (America/New_York) · 1h30"
    assert await _shown(salon_bot, "bob", 2) == "Wed 11 Mar, 04:00 JST (Asia/Tokyo) · 1h30"
    assert await _shown(salon_bot, "carol", 5) == "Tue 31 Mar, 19:00 BST (Europe/London) · 1h30"
    assert await _shown(salon_bot, "alice", 5) == "Tue 31 Mar, 14:00 EDT (America/New_York) · 1h30"
    assert await _shown(salon_bot, "bob", 5) == "Wed 1 Apr, 03:00 JST (Asia/Tokyo) · 1h30"
    # In the space, the community's zone, named.
    post = posts_in(salon_bot)[-1]
    assert "Tue 3 Mar, 19:00 GMT (Europe/London)" in post.text
    assert "Repeats every Tuesday" in post.text

    # Reminders for the occurrence after the London change come on each member's clock.
    for name in ("alice", "bob", "carol"):
        await salon_bot.send("!event rsvp 5 going", as_=name)
    await salon_bot.advance(to=utc(2026, 3, 30, 18, 0))  # 24 h before 31 March 18:00 UTC
    await settle(salon_bot)
    assert dm_texts(salon_bot, "alice")[-1].startswith(
        "Reminder: Poetry workshop starts in 24h, Tue 31 Mar, 14:00 EDT (America/New_York)."
    )
    assert dm_texts(salon_bot, "bob")[-1].startswith(
        "Reminder: Poetry workshop starts in 24h, Wed 1 Apr, 03:00 JST (Asia/Tokyo)."
    )
    assert dm_texts(salon_bot, "carol")[-1].startswith(
        "Reminder: Poetry workshop starts in 24h, Tue 31 Mar, 19:00 BST (Europe/London)."
    )


async def test_a_series_posts_its_next_occurrence_when_one_starts(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot, repeat="monthly first tuesday")
    assert len([p for p in posts_in(salon_bot) if p.outbound.edit_of is None]) == 1
    await salon_bot.advance(to=utc(2026, 3, 3, 19, 0))
    await settle(salon_bot)
    fresh = [p for p in posts_in(salon_bot) if p.outbound.edit_of is None]
    assert len(fresh) == 2
    assert "Tue 7 Apr, 19:00 BST (Europe/London)" in fresh[-1].text
    assert "Repeats monthly on the first Tuesday" in fresh[-1].text


async def test_capacity_three_waitlist_and_automatic_promotion(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot, capacity="3")
    post = posts_in(salon_bot)[-1]
    for name in ("alice", "bob", "carol"):
        await press(salon_bot, post, "Going", name)
    assert dm_texts(salon_bot, "carol")[-1].startswith("You're going to Poetry workshop")
    await press(salon_bot, post, "Going", "dave")
    assert dm_texts(salon_bot, "dave")[-1] == (
        "Poetry workshop is full; you're number 1 on the waitlist. "
        "If a place opens, you get it and I'll tell you."
    )
    await press(salon_bot, post, "Going", "erin")
    assert "number 2 on the waitlist" in dm_texts(salon_bot, "erin")[-1]
    edits = [p for p in posts_in(salon_bot) if p.outbound.edit_of == post.message_id]
    assert "Going 3/3 · Maybe 0 · Waitlist 2 · full" in edits[-1].text
    assert "Going: alice, bob, carol" in edits[-1].text

    await press(salon_bot, post, "Can't", "bob")
    assert dm_texts(salon_bot, "dave")[-1].startswith(
        "A place opened up: you're now going to Poetry workshop!"
    )
    promoted = [d for d in salon_bot.sent_to("dave") if d.outbound.files]
    assert promoted[-1].outbound.files[0].name == "event-1.ics"
    edits = [p for p in posts_in(salon_bot) if p.outbound.edit_of == post.message_id]
    assert "Going 3/3 · Maybe 0 · Waitlist 1 · full" in edits[-1].text
    assert "Going: alice, carol, dave" in edits[-1].text
    # Every edit replaces the one post: no new message was posted to the space.
    assert [p for p in posts_in(salon_bot) if p.outbound.edit_of is None] == [post]

    organiser = await salon_bot.send("!event 1", as_="olive", dm=True)
    assert "Going: alice, carol, dave" in organiser[-1].text
    assert "Waitlist: erin" in organiser[-1].text
    assert "Can't: bob" in organiser[-1].text
    member = await salon_bot.send("!event 1", as_="erin", dm=True)
    assert "Waitlist: erin" not in member[-1].text
    assert "you: waitlist" in member[-1].text


async def test_a_redelivered_press_is_applied_once(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot, capacity="1")
    post = posts_in(salon_bot)[-1]
    going = next(b for b in post.outbound.buttons if b.label == "Going")
    await salon_bot.press(going, as_="alice", event_id="press-1")
    again = await salon_bot.press(going, as_="alice", event_id="press-1")
    assert again == []
    await salon_bot.advance(timedelta(0))
