"""Challenges at scale, on SQLite: a 30-day challenge with many members.

Measures the standings of the whole challenge (what ``leaderboard <name>``, the weekly summary
and the end card compute), the community's weekly board, one ``progress_logged`` (the day's
total stored and finishing checked, as after every ``wc``), and the end summary with its card.

    python benchmarks/challenge_standings.py [--members 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from salon.core import Bot, ManualClock, ProgressEntry
from salon.core.config import config_from_mapping
from salon.core.memory_adapter import MemoryAdapter
from salon.core.storage import sa
from salon.core.storage import tables as core_tables
from salon.plugins.challenges import board, feed, summaries
from salon.plugins.challenges import tables as t
from salon.plugins.challenges.store import load, standings

START = date(2026, 11, 1)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


async def build(database: Path) -> Bot:
    config = config_from_mapping(
        {
            "community": {"name": "Bench"},
            "database": {"url": f"sqlite:///{database}"},
            "plugins": {"disabled": ["checkins"]},
        }
    )
    bot = Bot(config, clock=ManualClock(NOW), env={})
    bot.add_adapter(MemoryAdapter(bot))
    await bot.start(run_scheduler=False)
    return bot


async def populate(bot: Bot, count: int) -> None:
    async with bot.storage.transaction() as db:
        await db.execute(
            t.challenges.insert().values(
                id=1,
                name="NaNo",
                kind="words",
                target=50_000,
                starts_on=START,
                ends_on=START + timedelta(days=29),
                created_by=1,
                created_at=NOW,
            )
        )
        await db.execute(
            core_tables.persons.insert(),
            [
                {"id": i, "display_name": f"writer {i}", "created_at": NOW}
                for i in range(1, count + 1)
            ],
        )
        await db.execute(
            t.members.insert(),
            [{"challenge_id": 1, "person_id": i, "joined_at": NOW} for i in range(1, count + 1)],
        )
        await db.execute(
            t.days.insert(),
            [
                {
                    "person_id": i,
                    "day": START + timedelta(days=d),
                    "amount": 500 + i % 997,
                    "unit": "words",
                }
                for i in range(1, count + 1)
                for d in range(19)
            ],
        )


async def timed(label: str, runs: int, make: object) -> None:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await make()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    median, worst = statistics.median(samples), max(samples)
    print(f"{label}: median {median:.1f} ms, max {worst:.1f} ms ({runs} runs)")


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bot = await build(Path(folder) / "bench.db")
        try:
            await populate(bot, count)
            async with bot.read() as db:
                challenge = await load(db, 1)

            async def all_standings() -> None:
                async with bot.read() as db:
                    await standings(db, challenge, range(1, count + 1))

            async def weekly_words() -> None:
                async with bot.read() as db:
                    await board._words(db, START + timedelta(days=14))

            person = await bot.people.get(1)
            assert person is not None
            day = START + timedelta(days=19)

            async def one_log() -> None:
                entry = ProgressEntry(person.id, day, 700)
                await feed.day_logged(bot, entry, person)

            class Ctx:
                def __init__(self) -> None:
                    self.bot = bot

                def now(self) -> datetime:
                    return NOW

            async def end_summary() -> None:
                async with bot.read() as db:
                    await summaries.summary(Ctx(), db, challenge)

            print(f"{count:,} members, 19 days logged each ({count * 19:,} day rows)")
            await timed("standings of the whole challenge", 5, all_standings)
            await timed("community board, words this week", 5, weekly_words)
            await timed("one progress_logged (store the day, check finishing)", 20, one_log)
            await timed("end summary with the card (top 12 lines drawn)", 2, end_summary)
            async with bot.read() as db:
                rows = (await db.execute(sa.select(sa.func.count()).select_from(t.days))).scalar()
            assert rows == count * 19 + 1
        finally:
            await bot.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    asyncio.run(main(parser.parse_args().members))
