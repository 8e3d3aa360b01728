"""Late reporters, an early end, a cancel, a chain, a restart and ping opt-ins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from salon.core import MemberRef, Sprint, SprintResult, hookimpl
from salon.core.testing import PluginSpec, SalonHarness

from .helpers import containing, in_space, last, mentioned, plain, snapshot

MINUTE = timedelta(minutes=1)


class Finished:
    """Records ``sprint_started`` and ``sprint_finished``, as another plugin would see them."""

    def __init__(self) -> None:
        self.started: list[Sprint] = []
        self.finished: list[tuple[Sprint, tuple[SprintResult, ...]]] = []

    @hookimpl
    def sprint_started(self, sprint: Sprint) -> None:
        self.started.append(sprint)

    @hookimpl
    def sprint_finished(self, sprint: Sprint, results: tuple[SprintResult, ...]) -> None:
        self.finished.append((sprint, results))


@pytest.fixture
def listener() -> Finished:
    return Finished()


@pytest.fixture
def salon_plugins(listener: Finished) -> list[PluginSpec]:
    return ["sprints", "checkins", ("listener", listener)]


async def running(harness: SalonHarness, spec: str = "20", as_: str = "alice") -> None:
    await harness.send(f"!sprint {spec}", as_=as_, platform="slack")


async def test_late_reporters_count_until_the_window_closes(
    salon_bot: SalonHarness, listener: Finished
) -> None:
    await running(salon_bot, "10")
    await salon_bot.send("!sprint join", as_="bob", platform="telegram")
    await salon_bot.send("!sprint join", as_="carol", platform="slack")
    await salon_bot.advance(MINUTE)
    await salon_bot.advance(10 * MINUTE)
    await salon_bot.send("!sprint wc 300", as_="alice", platform="slack")
    await salon_bot.advance(2 * MINUTE)
    late = await salon_bot.send("!sprint wc 300", as_="bob", platform="telegram", dm=True)
    assert "Got it: 300 words in sprint #1" in last(late)  # in a DM, late but in time
    closed = await salon_bot.advance(MINUTE)  # carol never reports: the window closes
    text = plain(in_space(closed, "slack")[0])
    assert "1. alice: 300 words (30 wpm)\n1. bob: 300 words (30 wpm)" in text  # a shared place
    assert "carol" not in text
    too_late = await salon_bot.send("!sprint wc 200", as_="carol", platform="slack")
    assert "No sprint is taking counts right now" in last(too_late)
    [(sprint, results)] = listener.finished
    assert sprint.status == "finished" and [r.place for r in results] == [1, 1]
    assert [s.id for s in listener.started] == [1]


async def test_the_starter_or_an_organiser_ends_early(salon_bot: SalonHarness) -> None:
    await running(salon_bot, "20")
    await salon_bot.send("!sprint join", as_="bob", platform="telegram")
    await salon_bot.advance(MINUTE)
    await salon_bot.advance(5 * MINUTE)
    before = await snapshot(salon_bot)
    refused = await salon_bot.send("!sprint end", as_="bob", platform="telegram")
    assert "Only whoever started the sprint or an organiser" in last(refused)
    assert await snapshot(salon_bot) == before
    ended = await salon_bot.send("!sprint end", as_="olive", platform="slack")
    assert containing(ended, "Sprint #1 ended early.")
    assert len(containing(ended, "Time's up!")) == 2
    await salon_bot.send("!sprint wc 100", as_="alice", platform="slack")
    results = await salon_bot.send("!sprint wc 250", as_="bob", platform="telegram")
    # Five minutes were written: the speeds are per five minutes.
    assert "1. bob: 250 words (50 wpm)" in plain(results[0])
    nothing = await salon_bot.advance(20 * MINUTE)  # the original end and quarters are gone
    assert nothing == []


async def test_cancel_calls_it_off_and_frees_the_space(salon_bot: SalonHarness) -> None:
    await running(salon_bot, "20 in 10")
    refused = await salon_bot.send("!sprint cancel", as_="bob", platform="telegram")
    assert "Only whoever started" in last(refused)
    cancelled = await salon_bot.send("!sprint cancel", as_="alice", platform="slack")
    assert len(containing(cancelled, "Sprint #1 was cancelled by alice.")) == 2
    assert (await snapshot(salon_bot))["jobs"] == []
    assert await salon_bot.advance(30 * MINUTE) == []
    again = await salon_bot.send("!sprint 15", as_="bob", platform="telegram")
    assert "Sprint #2: 15 minutes" in last(again)


async def test_a_chain_of_three_keeps_a_running_scoreboard(salon_bot: SalonHarness) -> None:
    started = await salon_bot.send("!sprint chain 3 x 10 break 5", as_="alice", platform="slack")
    assert "3 sprints of 10 minutes with 5-minute breaks" in last(started)
    await salon_bot.send("!sprint join 1000", as_="bob", platform="telegram")
    boards = []
    for index, (alice, bob) in enumerate(((200, 1300), (500, 1400), (700, 1600))):
        await salon_bot.advance(MINUTE if index == 0 else 5 * MINUTE)  # the start
        await salon_bot.advance(10 * MINUTE)  # the end
        await salon_bot.send(f"!sprint wc +{alice}", as_="alice", platform="slack")
        done = await salon_bot.send(f"!sprint wc {bob}", as_="bob", platform="telegram")
        boards.append(plain(in_space(done, "slack")[0]))
    assert "sprint 1 of 3 in the chain" in boards[0]
    assert "Chain scoreboard so far:\n1. bob: 300 words in 1 sprint\n2. alice: 200" in boards[0]
    # bob carried on from his end count (1,300): 100 words in the second sprint.
    assert "1. alice: 500 words" in boards[1] and "2. bob: 100 words" in boards[1]
    assert "1. alice: 700 words in 2 sprints\n2. bob: 400 words in 2 sprints" in boards[1]
    assert "Final chain scoreboard:\n1. alice: 1,400 words in 3 sprints" in boards[2]
    assert "2. bob: 600 words in 3 sprints" in boards[2]
    assert await salon_bot.advance(30 * MINUTE) == []  # no fourth sprint


async def test_a_restart_mid_sprint_resumes_the_timers_once(salon_bot: SalonHarness) -> None:
    await running(salon_bot, "20")
    await salon_bot.send("!sprint join", as_="bob", platform="telegram")
    start = await salon_bot.advance(MINUTE)
    status_ids = {d.space: d.message_id for d in start}
    await salon_bot.advance(5 * MINUTE)
    await salon_bot.restart()
    quarter = await salon_bot.advance(5 * MINUTE)
    assert {d.space: d.outbound.edit_of for d in quarter} == status_ids  # the same messages
    rest = await salon_bot.advance(10 * MINUTE)
    assert len(containing(rest, "Time's up!")) == 2  # once per space, not twice
    await salon_bot.restart()
    assert await salon_bot.advance(MINUTE) == []
    closed = await salon_bot.advance(2 * MINUTE)
    assert len(containing(closed, "Results of sprint #1")) == 2
    assert await salon_bot.advance(10 * MINUTE) == []


async def test_pings_go_to_joiners_and_those_who_asked(salon_bot: SalonHarness) -> None:
    asked = await salon_bot.send("!sprint pingme", as_="dora", platform="slack")
    assert "I'll ping you when sprints here start and end" in last(asked)
    await running(salon_bot, "20 in 5")
    await salon_bot.send("!sprint join nowc", as_="bob", platform="telegram")
    warning = await salon_bot.advance(4 * MINUTE)
    assert len(containing(warning, "Sprint #1 starts in 1 minute")) == 2
    start = await salon_bot.advance(MINUTE)
    assert mentioned(in_space(start, "slack")[0]) == {
        MemberRef("slack", "alice"),
        MemberRef("slack", "dora"),
    }
    assert mentioned(in_space(start, "telegram")[0]) == {MemberRef("telegram", "bob")}
    await salon_bot.send("!sprint pingme off", as_="dora", platform="slack")
    end = await salon_bot.advance(20 * MINUTE)
    assert mentioned(in_space(containing(end, "Time's up")[0:1], "slack")[0]) == {
        MemberRef("slack", "alice")
    }
    # bob joined just for fun: alice's count is the last one needed.
    results = await salon_bot.send("!sprint wc 600", as_="alice", platform="slack")
    assert "1. alice: 600 words (30 wpm)\n2. bob: 0 words" in plain(results[0])


async def test_starting_later_and_at_a_minute_mark_in_the_starters_zone(
    salon_bot: SalonHarness,
) -> None:
    salon_bot.clock.set(datetime(2026, 1, 5, 12, 10, tzinfo=UTC))
    await salon_bot.send("!tz Asia/Kolkata", as_="alice", platform="slack")  # UTC+5:30
    started = await salon_bot.send("!sprint 15 at :30", as_="alice", platform="slack")
    # 17:40 in Kolkata: the next :30 is 18:30 there, 13:00 UTC.
    assert "Sprint #1: 15 minutes, starting in 50 minutes." in last(started)
    time_left = await salon_bot.send("!sprint time", as_="bob", platform="telegram")
    assert "Sprint #1 starts in 50 minutes and lasts 15 minutes." in last(time_left)
    await salon_bot.send("!sprint cancel", as_="alice", platform="slack")
    later = await salon_bot.send("!sprint 25 in 5", as_="alice", platform="slack")
    assert "Sprint #2: 25 minutes, starting in 5 minutes." in last(later)


async def test_a_high_speed_is_confirmed_first(salon_bot: SalonHarness) -> None:
    await running(salon_bot, "10")
    await salon_bot.send("!sprint join", as_="bob", platform="telegram")
    await salon_bot.advance(11 * MINUTE)
    asked = await salon_bot.send("!sprint wc 2000", as_="alice", platform="slack")
    assert "2,000 words in 10 minutes is 200 words a minute. Is that right?" in last(asked)
    [button] = asked[-1].outbound.buttons
    await salon_bot.send("!sprint wc 300", as_="bob", platform="telegram")
    confirmed = await salon_bot.press(button, as_="alice", platform="slack")
    assert "1. alice: 2,000 words (200 wpm)" in plain(confirmed[0])


async def test_stats_and_the_all_time_board(salon_bot: SalonHarness) -> None:
    for words in (300, 500):
        await running(salon_bot, "10")
        await salon_bot.send("!sprint join", as_="bob", platform="telegram")
        await salon_bot.advance(11 * MINUTE)
        await salon_bot.send(f"!sprint wc {words}", as_="alice", platform="slack")
        await salon_bot.send("!sprint wc 100", as_="bob", platform="telegram")
    stats = await salon_bot.send("!sprint stats", as_="alice", platform="slack")
    assert "Your sprints: 2 sprints, 800 words; best 500 words, fastest 50 wpm." in last(stats)
    assert "All-time board here:\n1. alice: 800 words in 2 sprints\n2. bob: 200 words" in last(
        stats
    )
    nobody = await salon_bot.send("!sprint stats", as_="carol", platform="telegram")
    assert "You have no finished sprints yet" in last(nobody)


async def test_start_sprint_hook_is_idempotent(salon_bot: SalonHarness) -> None:
    from salon.core.hookspecs import sprints

    bot = salon_bot.bot
    await salon_bot.send("!sprint time", as_="eve", platform="slack")  # eve is known
    eve = await bot.people.of(MemberRef("slack", "eve"))
    assert eve is not None
    starts = salon_bot.clock.now() + 10 * MINUTE
    space = salon_bot.space(platform="slack").ref
    first = await bot.first_result(
        sprints.start_sprint,
        space=space,
        minutes=30,
        starts_at=starts,
        starter=eve,
        key="events:7",
        bot=bot,
    )
    again = await bot.first_result(
        sprints.start_sprint,
        space=space,
        minutes=30,
        starts_at=starts,
        starter=eve,
        key="events:7",
        bot=bot,
    )
    assert first == again and first.minutes == 30 and first.starter_id == eve.id
    assert len((await snapshot(salon_bot))["sprints_sprints"]) == 1
