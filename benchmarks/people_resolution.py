"""Person resolution: what finding the person behind each event costs the router.

Three numbers: a known account (the cache hit every message after the first takes), a cache
miss for an account salon stored before (one read), and an account seen for the first time
(a person and an account row written). Also the space check every group message passes.

    python benchmarks/people_resolution.py [--accounts 2000] [--repeat 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.memory_adapter import MemoryAdapter
from salon.core.plugins import create_plugin_manager


async def run(accounts: int, repeat: int, directory: str) -> None:
    url = f"sqlite:///{Path(directory) / 'people.db'}"
    config = config_from_mapping({"database": {"url": url}})
    bot = Bot(config, pm=create_plugin_manager(load_entrypoints=False), env={})
    adapter = MemoryAdapter(bot)
    bot.add_adapter(adapter)
    await bot.start(run_scheduler=False)
    members = [adapter.member(f"writer{n}") for n in range(accounts)]
    space = adapter.space("general")

    started = time.perf_counter()
    for member in members:
        await bot.router.identify(member)
    first = (time.perf_counter() - started) / accounts

    bot.people.clear()
    started = time.perf_counter()
    for member in members:
        await bot.router.identify(member)
    stored = (time.perf_counter() - started) / accounts

    member = members[0]
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            await bot.router.identify(member)
        best = min(best, (time.perf_counter() - started) / repeat)

    space_best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            bot.spaces.needs_recording(space)
        space_best = min(space_best, (time.perf_counter() - started) / repeat)
    await bot.stop()
    print(f"known account (cache hit): {best * 1e6:.2f} µs per event (best of 5)")
    print(f"space check:               {space_best * 1e6:.2f} µs per group message (best of 5)")
    print(f"stored account, cold cache: {stored * 1e6:,.0f} µs (once per account per process)")
    print(f"new account (two inserts):  {first * 1e6:,.0f} µs (once per account, ever)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(run(args.accounts, args.repeat, directory))


if __name__ == "__main__":
    main()
