"""Events: answering an event with a busy post, and building the calendar feed, on SQLite.

RSVP: members press Going one after another on one event with a capacity (the last ones go on
the waitlist); each press is one transaction (answer, DM, edit of the post) measured until
its messages are handed to the platform. Feed: the community feed of many events, built and
served over HTTP by salon's web server.

    python benchmarks/events_rsvp_feed.py [--members 300] [--events 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

from salon.core import EventRequest, ManualClock
from salon.core.hookspecs import events as event_hooks
from salon.core.testing import WITH_FORMS, Platform, SalonHarness, default_config
from salon.core.web import WebServer
from salon.plugins.events import feed


async def main(members: int, events: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        config = default_config(Path(directory) / "bench.db")
        config["community"]["spaces"] = ["memory:general"]
        harness = SalonHarness(
            config, ManualClock(), ["events"], platforms=[Platform("memory", WITH_FORMS)]
        )
        await harness.start()
        try:
            await rsvp(harness, members)
            await feed_over_http(harness, events)
        finally:
            await harness.stop()


async def rsvp(harness: SalonHarness, members: int) -> None:
    replies = await harness.send("!event create", as_="olive")
    form = next(d.outbound.form for d in replies if d.outbound.form is not None)
    answers = {"title": "Bench", "when": "2026-03-03 19:00", "length": "2h"}
    await harness.submit(form, {**answers, "capacity": str(members * 2 // 3)}, as_="olive", dm=True)
    await harness.bot.tasks.settle(5)
    post = next(d for d in harness.replies if d.space is not None and d.outbound.buttons)
    going = post.outbound.buttons[0]
    timings = []
    for n in range(members):
        started = time.perf_counter()
        await harness.press(going, as_=f"m{n}")
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(
        f"rsvp: {members} presses, median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)] * 1000:.1f} ms, "
        f"max {timings[-1] * 1000:.1f} ms (answer + DM + edit of the post, per press)"
    )


async def feed_over_http(harness: SalonHarness, count: int) -> None:
    bot = harness.bot
    olive = await bot.people.of(harness.member("olive").ref)
    assert olive is not None
    start = bot.clock.now() + timedelta(days=1)
    for n in range(count):
        request = EventRequest(
            f"Workshop {n}", start + timedelta(hours=n), timedelta(hours=1), olive.id, private=False
        )
        await bot.first_result(event_hooks.schedule_event, request=request, key=f"b{n}", bot=bot)
    token = await feed.community_token(bot)
    server = WebServer(bot, "127.0.0.1", 0)
    server.add_plugin_routes(bot.web_routes)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            timings = []
            for _ in range(20):
                started = time.perf_counter()
                answer = await client.get(f"/events/{token}.ics")
                timings.append(time.perf_counter() - started)
                assert answer.status_code == 200
    finally:
        await server.stop()
    print(
        f"feed: {count + 1} events, {len(answer.content) / 1024:.0f} KB, "
        f"median {statistics.median(timings) * 1000:.1f} ms per GET over HTTP (20 GETs)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.events))
