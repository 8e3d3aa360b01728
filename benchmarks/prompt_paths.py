"""Prompts: the cost of picking a prompt in a space with years of history, of a prompt posted
to many spaces at once, and what the plugin adds to group messages that are not responses.

    python benchmarks/prompt_paths.py [--history 1000] [--spaces 50] [--messages 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from salon.core import ManualClock
from salon.core.storage import sa
from salon.core.testing import SalonHarness, default_config
from salon.plugins.prompts import tables
from salon.plugins.prompts.sources import builtin_prompts

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


async def history(harness: SalonHarness, days: int) -> None:
    """``days`` earlier postings' use in #general (whole cycles and the current one)."""
    ids = [p.id for p in builtin_prompts()]
    rows = [
        {
            "scope": "space:memory:general",
            "cycle": day // len(ids) + 1,
            "prompt_id": ids[day % len(ids)],
            "used_at": NOW,
        }
        for day in range(days)
    ]
    async with harness.bot.storage.transaction() as db:
        await db.execute(tables.used.insert(), rows)


async def timed(label: str, count: int, work: object) -> None:
    started = time.perf_counter()
    for _ in range(count):
        await work()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed / count * 1000:.2f} ms each ({count} runs)")


async def main(days: int, spaces: int, messages: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        config = default_config(Path(directory) / "bench.db")
        config["community"]["spaces"] = [f"memory:s{n}" for n in range(spaces)]
        harness = SalonHarness(config, ManualClock(NOW), ["prompts"])
        await harness.start()
        try:
            await history(harness, days)
            await timed(
                f"prompts now in a space with {days} days of history",
                50,
                lambda: harness.send("!prompts now", as_="olive"),
            )
            await timed(
                f"prompts now everywhere ({spaces} spaces)",
                10,
                lambda: harness.send("prompts now everywhere", as_="olive", dm=True),
            )
            async with harness.bot.read() as db:
                posted = (
                    await db.execute(sa.select(sa.func.count()).select_from(tables.postings))
                ).scalar()
            print(f"postings stored: {posted}")
            await timed(
                "a group message outside any thread",
                messages,
                lambda: harness.send("just chatting about my draft", as_="alice"),
            )
            await timed(
                "a long thread reply under a message that is not a prompt",
                messages // 4,
                lambda: harness.send("word " * 30, as_="alice", thread_id="not-a-prompt"),
            )
        finally:
            await harness.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=int, default=1000)
    parser.add_argument("--spaces", type=int, default=50)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.history, args.spaces, args.messages))
