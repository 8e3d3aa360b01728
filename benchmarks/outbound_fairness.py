"""Outbound fairness: one Telegram group throttled with RetryAfter while 200 DMs are queued.

On the Telegram emulator (tests/emulators/telegram), through the real python-telegram-bot and
salon's Telegram adapter with its real pacing (30 a second overall, 20 a minute per group,
about one a second per chat): a group's messages are queued first and the emulator answers the
group's sends with ``429 retry after`` several times; then 200 DMs to other members are queued.
Each DM's delivery time (``await handle.sent()``) is compared with when the platform's overall
pace would have let it go: the k-th DM ``k / 30`` seconds after queueing. A serial queue would
hold every DM behind the group's pauses.

Prints the p50/p99 extra delay of the DMs over that pace (target: p99 <= 1 s) and the total
throughput against the allowed rate (target: >= 90%).

    python benchmarks/outbound_fairness.py [--dms 200] [--group 6] [--throttles 3]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the emulator

from emulators.telegram.emulator import TelegramEmulator

from salon.adapters.telegram import TelegramAdapter, TelegramConfig
from salon.core import Bot, MemberRef, Outbound, Sent, SpaceRef, md
from salon.core.config import config_from_mapping


async def stamp(sent: Awaitable[Sent]) -> float:
    """When the message was delivered (its ``Sent`` came back)."""
    await sent
    return time.monotonic()


async def run(dms: int, group_messages: int, throttles: int, retry_after: int) -> bool:
    async with TelegramEmulator.running() as tg:
        members = [tg.add_user(f"Member{n}", started=True) for n in range(dms)]
        group = tg.add_group("Night Owls", supergroup=True)
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{Path(directory) / 'bench.db'}"
            config = config_from_mapping({"community": {"name": "B"}, "database": {"url": url}})
            env = {"SALON_TELEGRAM_TOKEN": tg.token}
            bot = Bot(config, env=env)
            telegram = TelegramConfig(
                base_url=tg.base_url, base_file_url=tg.base_file_url, poll_timeout=1
            )
            adapter = TelegramAdapter(bot, telegram, env)
            bot.add_adapter(adapter)
            await bot.start(run_scheduler=False)
            rate = adapter.rate_limits.overall
            assert rate is not None
            try:
                tg.rate_limit("sendMessage", throttles, retry_after, chat_id=group.id)
                space = SpaceRef("telegram", str(group.id))
                started = time.monotonic()
                group_handles = [
                    bot.send(Outbound(md(f"Sprint update {n}"), space=space))
                    for n in range(group_messages)
                ]
                dm_handles = [
                    bot.send(
                        Outbound(md("Check-in time"), recipient=MemberRef("telegram", str(m.id)))
                    )
                    for m in members
                ]
                dm_times = sorted(await asyncio.gather(*(stamp(h.sent()) for h in dm_handles)))
                group_times = await asyncio.gather(*(stamp(h.sent()) for h in group_handles))
            finally:
                await bot.stop()

    per = rate.per / rate.count
    # The k-th DM is due k * per seconds after queueing at the platform's overall pace.
    extra = [max(0.0, at - started - k * per) for k, at in enumerate(dm_times)]
    ordered = sorted(extra)
    p50 = statistics.median(ordered)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    total = dms + group_messages
    elapsed = max(*dm_times, *group_times) - started
    # The fastest the platform's rule (count in any `per` seconds) lets the DMs all go.
    allowed = ((dms - 1) // rate.count) * rate.per
    dm_elapsed = dm_times[-1] - started
    efficiency = allowed / dm_elapsed if dm_elapsed > 0 else 1.0
    print(
        f"{dms} DMs queued behind {group_messages} messages to a group answered "
        f"'429 retry after {retry_after}' {throttles} times"
    )
    print(
        f"DM extra delay over the {rate.count}/{rate.per:g}s pace: p50 {p50 * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms (target p99 <= 1000 ms)"
    )
    print(
        f"DMs done in {dm_elapsed:.2f} s; the allowed rate needs {allowed:.2f} s: "
        f"{efficiency:.0%} of the allowed throughput (target >= 90%); "
        f"{dms / dm_elapsed:.1f} DMs/s against {1 / per:.0f}/s"
    )
    group_done = max(group_times) - started
    print(
        f"the throttled group's {group_messages} messages done after {group_done:.1f} s "
        f"(paused by the 429s, then paced per group); all {total} messages in {elapsed:.1f} s"
    )
    ok = p99 <= 1.0 and efficiency >= 0.9
    print("targets met" if ok else "TARGETS MISSED")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dms", type=int, default=200)
    parser.add_argument("--group", type=int, default=6)
    parser.add_argument("--throttles", type=int, default=3)
    parser.add_argument("--retry-after", type=int, default=2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    ok = asyncio.run(run(args.dms, args.group, args.throttles, args.retry_after))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
