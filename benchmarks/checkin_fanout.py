"""Check-in fan-out: 10,000 members whose check-in is due in the same minute, on SQLite.

Measures the time from the due moment (clock moved, ``bot.scheduler.run_due()``) until every
member's first question has been handed to the outbound queue, and checks that each member
was asked exactly once (also after a second pass and a restart of the scheduler pass).

    python benchmarks/checkin_fanout.py [--members 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salon.core import Bot, ManualClock, MemberRef, Outbound
from salon.core.config import config_from_mapping
from salon.core.memory_adapter import MemoryAdapter
from salon.core.storage import sa
from salon.core.storage import tables as core_tables
from salon.plugins.checkins import tables
from salon.plugins.checkins.schedule import DEFAULT_QUESTIONS, sync_zones

#: Zones that all read 09:00 at the same instant in January (UTC+1).
ZONES = ("Europe/Berlin", "Europe/Paris", "Europe/Rome", "Europe/Madrid")
START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # a Monday
DUE = datetime(2026, 1, 8, 8, 0, tzinfo=UTC)  # Thursday 09:00 in every zone above


async def build(database: Path, clock: ManualClock) -> Bot:
    config = config_from_mapping(
        {"community": {"name": "Bench"}, "database": {"url": f"sqlite:///{database}"}}
    )
    bot = Bot(config, clock=clock, env={})
    bot.add_adapter(MemoryAdapter(bot))
    await bot.start(run_scheduler=False)
    return bot


async def populate(bot: Bot, count: int) -> None:
    """Members, their time zones and the check-in, written directly for setup speed."""
    now = bot.clock.now()
    async with bot.storage.transaction() as db:
        await db.execute(
            tables.checkins.insert().values(
                space_platform="memory",
                space_id="general",
                days="MO,TH",
                ask_time="09:00",
                digest_time=None,
                questions=list(DEFAULT_QUESTIONS),
                created_at=now,
            )
        )
        people = [
            {"id": i + 1, "display_name": f"m{i}", "tz": ZONES[i % len(ZONES)], "created_at": now}
            for i in range(count)
        ]
        await db.execute(core_tables.persons.insert(), people)
        await db.execute(
            core_tables.members.insert(),
            [
                {
                    "platform": "memory",
                    "member_id": p["display_name"],
                    "person_id": p["id"],
                    "display_name": p["display_name"],
                    "created_at": now,
                }
                for p in people
            ],
        )
        await db.execute(
            tables.participants.insert(),
            [
                {"checkin_id": 1, "person_id": p["id"], "tz": p["tz"], "joined_at": now}
                for p in people
            ],
        )
        checkin = (await db.execute(sa.select(tables.checkins))).one()
        await sync_zones(bot, db, checkin)


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "bench.db"
        clock = ManualClock(START)
        bot = await build(database, clock)
        setup_started = time.perf_counter()
        await populate(bot, count)
        print(f"setup: {count:,} members in {time.perf_counter() - setup_started:.2f} s")

        asked: Counter[MemberRef] = Counter()
        last_question = 0.0
        enqueue = bot.outbound.enqueue

        def counting(outbound: Outbound, outbox_id: str | None = None, handle: Any = None) -> None:
            nonlocal last_question
            if outbound.recipient is not None and "Check-in time" in outbound.body.plain():
                asked[outbound.recipient] += 1
                last_question = time.perf_counter()
            enqueue(outbound, outbox_id, handle)

        bot.outbound.enqueue = counting  # type: ignore[method-assign]
        clock.set(DUE)
        started = time.perf_counter()
        runs = await bot.scheduler.run_due()
        returned = time.perf_counter()
        elapsed = last_question - started
        print(f"fan-out: {len(asked):,} members asked by {runs} job runs in {elapsed:.3f} s")
        print(f"run_due returned after {returned - started:.3f} s")

        drain_started = time.perf_counter()
        await bot.outbound.drain()
        adapter = bot.adapters["memory"]
        assert isinstance(adapter, MemoryAdapter)
        print(
            f"delivered {len(adapter.delivered):,} messages through the send queue "
            f"in {time.perf_counter() - drain_started:.2f} s more"
        )
        await bot.scheduler.run_due()  # the same minute again: nothing may repeat
        await bot.stop()
        bot = await build(database, clock)  # and after a restart
        bot.outbound.enqueue = counting  # type: ignore[method-assign]
        await bot.scheduler.run_due()
        await bot.stop()

        expected = {MemberRef("memory", f"m{i}") for i in range(count)}
        assert set(asked) == expected, f"{len(expected - set(asked))} members never asked"
        repeats = [ref for ref, times in asked.items() if times != 1]
        assert not repeats, f"{len(repeats)} members asked more than once"
        verdict = "OK" if elapsed <= 5.0 else "SLOWER THAN TARGET"
        print(f"each member asked exactly once; target 5 s: {verdict}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().members))
