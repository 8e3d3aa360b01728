"""The iCal feeds over real HTTP, schedule_event for other plugins, write-ins, privacy."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import icalendar
import pytest
import pytest_asyncio

from plugins.events.helpers import create_event, dm_texts, posts_in, press, settle, snapshot, utc
from salon.core import Event, EventRequest, Person, SpaceRef, UserError, hookimpl
from salon.core.hookspecs import events as event_hooks
from salon.core.testing import SalonHarness
from salon.core.web import WebServer

URL = re.compile(r"(http://\S+\.ics)")


@pytest_asyncio.fixture
async def web(salon_bot: SalonHarness) -> AsyncIterator[str]:
    """salon's web server with the plugins' routes, on a free port."""
    server = WebServer(salon_bot.bot, "127.0.0.1", 0)
    server.add_plugin_routes(salon_bot.bot.web_routes)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


async def _links(harness: SalonHarness, name: str) -> list[str]:
    await harness.send("!events feed", as_=name)
    return URL.findall(dm_texts(harness, name)[-1])


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_the_feeds_over_http(salon_bot: SalonHarness, web: str) -> None:
    await create_event(salon_bot, title="Poetry workshop")
    await create_event(salon_bot, title="Open mic", when="2026-03-06 20:00")
    post = posts_in(salon_bot)[-1]
    await press(salon_bot, post, "Going", "alice")
    community, mine = await _links(salon_bot, "alice")
    async with httpx.AsyncClient(base_url=web) as client:
        answer = await client.get(_path(community))
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(answer.content)
        summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
        assert summaries == ["Open mic", "Poetry workshop"]
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]

        own = icalendar.Calendar.from_ical((await client.get(_path(mine))).content)
        assert [str(e["SUMMARY"]) for e in own.walk("VEVENT")] == ["Open mic"]

        # The feed changes as events change: a cancellation shows, sequence bumped.
        await salon_bot.send("!event cancel 1", as_="olive")
        calendar = icalendar.Calendar.from_ical((await client.get(_path(community))).content)
        cancelled = next(e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Poetry workshop")
        assert cancelled["STATUS"] == "CANCELLED"
        assert cancelled["SEQUENCE"] == 1

        for wrong in (
            community[:-8] + "AAAA.ics",
            "http://x/events/.ics",
            "http://x/events/me/nothing-like-a-token-at-all.ics",
        ):
            refused = await client.get(_path(wrong))
            assert refused.status_code == 404
            assert refused.content == b"Not Found"

        # Rotating: the old community link stops working; a member's renew likewise.
        await salon_bot.send("!events feed rotate", as_="olive")
        assert (await client.get(_path(community))).status_code == 404
        new_community, _ = await _links(salon_bot, "alice")
        assert (await client.get(_path(new_community))).status_code == 200
        await salon_bot.send("!events feed renew", as_="alice")
        assert (await client.get(_path(mine))).status_code == 404
    refused = await salon_bot.send("!events feed rotate", as_="alice")
    assert "organiser" in refused[-1].outbound.body.plain()


class Coach:
    """Another plugin booking a 1:1 through the hook, and listening to the family."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, Any]] = []

    @hookimpl
    def event_created(self, event: Event) -> None:
        self.heard.append(("created", event.id))

    @hookimpl
    def rsvp_changed(self, event: Event, rsvp: Any, previous: str | None) -> None:
        self.heard.append(("rsvp", (event.id, rsvp.answer, previous)))

    @hookimpl
    def event_cancelled(self, event: Event) -> None:
        self.heard.append(("cancelled", event.id))


COACH = Coach()


@pytest.fixture
def salon_plugins() -> list[Any]:
    return ["events", ("coach", COACH)]


async def _person(harness: SalonHarness, name: str) -> Person:
    await harness.send("!ping", as_=name)
    person = await harness.bot.people.of(harness.member(name).ref)
    assert person is not None
    return person


async def test_schedule_event_is_idempotent_and_invites_in_a_dm(salon_bot: SalonHarness) -> None:
    COACH.heard.clear()
    coach, writer = await _person(salon_bot, "olive"), await _person(salon_bot, "alice")
    request = EventRequest(
        title="1:1 with Olive",
        starts_at=utc(2026, 1, 9, 15, 0),
        duration=timedelta(minutes=30),
        organiser_id=coach.id,
        invitees=(writer.id,),
        place="https://meet.example.org/olive",
    )
    bot = salon_bot.bot
    first = await bot.first_result(event_hooks.schedule_event, request=request, key="k1", bot=bot)
    await settle(salon_bot)
    again = await bot.first_result(event_hooks.schedule_event, request=request, key="k1", bot=bot)
    assert isinstance(first, Event) and first == again and first.private
    invite = salon_bot.sent_to("alice")[-1]
    assert invite.outbound.body.plain().startswith("You're invited:")
    assert [b.label for b in invite.outbound.buttons] == ["Going", "Maybe", "Can't"]
    assert len([d for d in salon_bot.sent_to("alice") if d.outbound.buttons]) == 1
    # Private: not listed to others, nor in the community feed; the invitee sees it.
    assert "1:1" not in (await salon_bot.send("!events", as_="bob"))[-1].outbound.body.plain()
    assert (
        "There is no event 1"
        in (await salon_bot.send("!event 1", as_="bob"))[-1].outbound.body.plain()
    )
    await salon_bot.press(invite.outbound.buttons[0], as_="alice", dm=True)
    await settle(salon_bot)
    edits = [d for d in salon_bot.sent_to("alice") if d.outbound.edit_of] + [
        d for d in salon_bot.replies if d.outbound.edit_of == invite.message_id
    ]
    assert any("Going 1" in d.outbound.body.plain() for d in edits)
    assert COACH.heard[:2] == [("created", 1), ("rsvp", (1, "going", None))]
    past = EventRequest("Late", utc(2025, 1, 1), timedelta(hours=1), coach.id)
    with pytest.raises(UserError, match="in the past"):
        await bot.first_result(event_hooks.schedule_event, request=past, key="k2", bot=bot)


class Sprints:
    def __init__(self) -> None:
        self.started: list[tuple[SpaceRef, int, str]] = []

    @hookimpl
    def start_sprint(self, space: SpaceRef, minutes: int, starter: Person, key: str) -> object:
        self.started.append((space, minutes, key))
        return object()


async def test_a_write_in_starts_a_sprint_at_its_start(salon_bot: SalonHarness) -> None:
    sprints = Sprints()
    salon_bot.bot.pm.register(sprints, name="fake-sprints")
    await create_event(salon_bot, title="Write-in", sprint="45")
    await salon_bot.advance(to=utc(2026, 3, 3, 18, 59))
    assert sprints.started == []
    await salon_bot.advance(to=utc(2026, 3, 3, 19, 0))
    assert sprints.started == [(SpaceRef("memory", "general"), 45, "events:sprint:1:0")]


async def test_without_sprints_the_organiser_is_told_at_creation(salon_bot: SalonHarness) -> None:
    replies = await create_event(salon_bot, title="Write-in", sprint="45")
    assert "Sprints are not installed here" in replies[-1].outbound.body.plain()
    await salon_bot.advance(to=utc(2026, 3, 3, 19, 0))  # nothing to start: no error


async def test_my_data_and_forget_me(salon_bot: SalonHarness) -> None:
    await create_event(salon_bot)
    post = posts_in(salon_bot)[-1]
    await press(salon_bot, post, "Going", "alice")
    await salon_bot.send("!events feed", as_="alice")
    exported = await salon_bot.send("!my data", as_="alice", dm=True)
    text = "\n".join(d.outbound.body.plain() for d in exported)
    assert "event 1: Poetry workshop: going" in text
    assert "Personal calendar feed: yes" in text
    replies = await salon_bot.send("!forget me", as_="alice", dm=True)
    yes, _no = replies[-1].outbound.buttons
    await salon_bot.press(yes, as_="alice", dm=True)
    rows = await snapshot(salon_bot)
    assert rows["events_rsvps"] == [] and rows["events_feeds"] == []
    assert len(rows["events_events"]) == 1
