"""The coach role: named by organisers, asked by a member, accepted with a button; viewing
only with consent; withdrawing consent takes access away at once; feedback, 1:1s, digest."""

from __future__ import annotations

import pytest

from plugins.coaching.helpers import ANSWERS, button, dms, make_plan, plain, snapshot, utc
from salon.core import hookimpl
from salon.core.testing import PLAIN, Platform, PluginSpec, SalonHarness


class Heard:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, int]] = []

    @hookimpl
    def coaching_started(self, link: object, coach: object, member: object) -> None:
        self.events.append(("started", coach.id, member.id))  # type: ignore[attr-defined]

    @hookimpl
    def coaching_ended(self, coach: object, member: object) -> None:
        self.events.append(("ended", coach.id, member.id))  # type: ignore[attr-defined]


@pytest.fixture
def heard() -> Heard:
    return Heard()


@pytest.fixture
def salon_plugins(heard: Heard) -> list[PluginSpec]:
    return ["checkins", "coaching", ("heard", heard)]


async def coached(harness: SalonHarness) -> None:
    """bob is a coach; alice asks him and he accepts with the button."""
    await harness.send("!ping", as_="bob")
    replies = await harness.send("!coach add bob", as_="olive")
    assert "bob is now a coach" in plain(replies), plain(replies)
    replies = await harness.send("!coach request bob", as_="alice")
    assert "I've asked bob" in plain(replies)
    accept = button(harness.sent_to("bob"), "Accept")
    replies = await harness.press(accept, as_="bob", dm=True)
    assert "You now coach alice" in plain(replies)
    assert "bob accepted: they are now your coach." in dms(harness, "alice")


async def test_a_coach_accepted_sees_the_plan_until_consent_is_withdrawn(
    salon_bot: SalonHarness, heard: Heard
) -> None:
    await make_plan(salon_bot)
    await salon_bot.send("!wc 700", as_="alice")
    await coached(salon_bot)
    replies = await salon_bot.send("!coach view alice", as_="bob")
    view = plain(replies)
    assert "Coaching alice" in view
    assert "alice's plan: My novel" in view
    assert "Written so far: 700 of 12,000" in view
    assert "Streak: 1 day." in view
    replies = await salon_bot.send("!coach consent off", as_="alice")
    assert "your coach can no longer see your plan" in plain(replies)
    before = await snapshot(salon_bot)
    replies = await salon_bot.send("!coach view alice", as_="bob")
    assert "alice has not given consent" in plain(replies)
    assert "My novel" not in plain(replies)
    replies = await salon_bot.send("!coach feedback alice Nice week", as_="bob")
    assert "alice has not given consent" in plain(replies)
    assert await snapshot(salon_bot) == before
    await salon_bot.send("!coach consent on", as_="alice")
    replies = await salon_bot.send("!coach view alice", as_="bob")
    assert "alice's plan: My novel" in plain(replies)
    replies = await salon_bot.send("!coach end bob", as_="alice")
    assert "Coaching with bob has ended." in plain(replies)
    replies = await salon_bot.send("!coach view alice", as_="bob")
    assert "You don't coach alice" in plain(replies)
    alice = await salon_bot.bot.people.of(salon_bot.member("alice").ref)
    bob = await salon_bot.bot.people.of(salon_bot.member("bob").ref)
    assert alice is not None and bob is not None
    assert heard.events == [("started", bob.id, alice.id), ("ended", bob.id, alice.id)]


async def test_bad_coaching_requests_get_a_clear_reply_and_change_nothing(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send("!ping", as_="carol")
    await salon_bot.send("!ping", as_="bob")
    before = await snapshot(salon_bot)
    cases = [
        ("!coach request carol", "alice", "carol is not a coach"),
        ("!coach request nobody", "alice", "I don't know a member “nobody” here"),
        ("!coach view carol", "alice", "You don't coach carol"),
        ("!coach add carol", "alice", "organisers"),
        ("!coach consent off", "alice", "You have no coach"),
        ("!coach end bob", "alice", "You have no coaching with bob"),
    ]
    for text, who, says in cases:
        replies = await salon_bot.send(text, as_=who)
        assert says in plain(replies), (text, plain(replies))
    assert await snapshot(salon_bot) == before


async def test_a_coach_gives_feedback_and_schedules_a_session_as_a_reminder(
    salon_bot: SalonHarness,
) -> None:
    await make_plan(salon_bot, answers=ANSWERS)
    await coached(salon_bot)
    await salon_bot.advance(to=utc(2026, 1, 11, 18))  # alice's Sunday review
    await salon_bot.send("A slow start.", as_="alice", dm=True)
    digest = await salon_bot.advance(to=utc(2026, 1, 12, 9))  # bob's Monday digest
    text = plain(digest)
    assert "Your coachees' week" in text
    assert "alice: 0 of 3,000 words, 0 writing days, streak 0." in text
    assert "A slow start." in text
    replies = await salon_bot.send("!coach feedback alice Try mornings.", as_="bob")
    assert "Sent to alice" in plain(replies)
    assert any("Feedback from your coach bob" in t for t in dms(salon_bot, "alice"))
    replies = await salon_bot.send("journal", as_="alice", dm=True)
    assert "Try mornings." in plain(replies)
    replies = await salon_bot.send("!coach session alice 2026-01-14 18:00", as_="bob")
    assert "I'll remind you both 30 minutes before" in plain(replies)
    reminders = await salon_bot.advance(to=utc(2026, 1, 14, 17, 30))
    assert sorted(d.recipient.id for d in reminders if d.recipient) == ["alice", "bob"]
    replies = await salon_bot.send("!coach session alice 2026-01-01 18:00", as_="bob")
    assert "That time has passed" in plain(replies)


async def test_forget_me_removes_plan_journal_and_coaching_links(salon_bot: SalonHarness) -> None:
    await make_plan(salon_bot)
    await coached(salon_bot)
    await salon_bot.send("!journal write Notes to self", as_="alice")
    replies = await salon_bot.send("!forget me", as_="alice")
    confirm = next(b for d in reversed(replies) for b in d.outbound.buttons)
    await salon_bot.press(confirm, as_="alice")
    after = await snapshot(salon_bot)
    assert after["coaching_plans"] == []
    assert after["coaching_journal"] == []
    assert after["coaching_links"] == []
    alice_jobs = [key for key, _ in after["jobs"] if not key.startswith("coaching:digest:")]
    assert alice_jobs == []  # bob's digest stays: it is quiet with no coachee
    assert after["coaching_coaches"] != []  # bob stays a coach


async def test_removing_a_coach_ends_their_coaching(salon_bot: SalonHarness, heard: Heard) -> None:
    await coached(salon_bot)
    replies = await salon_bot.send("!coach remove bob", as_="olive")
    assert "bob is no longer a coach." in plain(replies)
    assert "bob is no longer a coach, so your coaching has ended." in dms(salon_bot, "alice")
    assert [kind for kind, *_ in heard.events] == ["started", "ended"]
    replies = await salon_bot.send("!coach view alice", as_="bob")
    assert "You don't coach alice" in plain(replies)
    replies = await salon_bot.send("!coach request bob", as_="alice")
    assert "bob is not a coach" in plain(replies)


@pytest.mark.parametrize("salon_platforms", [[Platform("memory", PLAIN)]])
async def test_without_buttons_the_coach_accepts_by_command(
    salon_bot: SalonHarness, salon_platforms: list[Platform]
) -> None:
    await salon_bot.send("!ping", as_="bob")
    await salon_bot.send("!coach add bob", as_="olive")
    await salon_bot.send("!coach request bob", as_="alice")
    alice = await salon_bot.bot.people.of(salon_bot.member("alice").ref)
    assert alice is not None
    [request] = [t for t in dms(salon_bot, "bob") if "asks you to coach them" in t]
    assert f"coach accept #{alice.id}" in request
    replies = await salon_bot.send(f"coach accept #{alice.id}", as_="bob", dm=True)
    assert "You now coach alice" in plain(replies)
    replies = await salon_bot.send(f"coach accept #{alice.id}", as_="bob", dm=True)
    assert "alice has no request waiting for you" in plain(replies)
