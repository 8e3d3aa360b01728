"""Core throughput: in-memory adapter → router → command → neutral markup → plain render → queue.

Sends 1,000 warm-up then 20,000 messages of a command whose reply is markup containing the
member's text. Two modes: ``seq`` (one message in flight) and ``burst`` (all injected, then wait
for all). Prints msgs/s, p50/p99 latency, CPU time per message (steadier than msgs/s on a
busy machine) and peak RSS, and checks that every reply arrived exactly once and intact.

``--transactional`` runs the command in ``ctx.transaction()``, as a command that changes state
does: the event is recorded in the ledger and the reply is stored in the durable outbox in the
same transaction, then deleted once delivered (the cost of durable replies).

    python benchmarks/core_throughput.py [--messages 20000] [--warmup 1000] [--transactional]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from salon.core import Arg, Command, Context, Message, bold, hookimpl, md
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.memory_adapter import Delivered, MemoryAdapter
from salon.core.plugins import create_plugin_manager


class EchoPlugin:
    def __init__(self, transactional: bool = False) -> None:
        self.transactional = transactional

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        handler = self.echo_in_transaction if self.transactional else self.echo
        register(Command("echo", handler, help="Echo.", args=(Arg("text", rest=True),)))

    def echo(self, ctx: Context, text: str) -> None:
        ctx.reply(md("You wrote ", bold(text), "."))

    async def echo_in_transaction(self, ctx: Context, text: str) -> None:
        async with ctx.transaction():
            ctx.reply(md("You wrote ", bold(text), "."))


def expected(n: int) -> str:
    return f"You wrote *draft {n} @everyone <b>*."


def prepare_database(directory: str) -> str:
    """As deployed: `salon db upgrade` once, then `salon run` finds nothing pending."""
    url = f"sqlite:///{Path(directory) / 'b.db'}"
    (Path(directory) / "salon.toml").write_text(f'[database]\nurl = "{url}"\n')
    subprocess.run(
        [sys.executable, "-m", "salon.core.cli", "db", "upgrade", "--config", "salon.toml"],
        cwd=directory,
        check=True,
        capture_output=True,
    )
    return url


async def run(messages: int, warmup: int, url: str, transactional: bool = False) -> None:
    config = config_from_mapping({"database": {"url": url}})
    pm = create_plugin_manager(extra=[("echo", EchoPlugin(transactional))])
    bot = Bot(config, pm=pm, env={})
    adapter = MemoryAdapter(bot)
    bot.add_adapter(adapter)
    await bot.start(run_scheduler=False)
    member = adapter.member("alice")
    space = adapter.space("general")
    adapter.keep_delivered = False  # the listener keeps only what the checks need

    def inbound(numbers: range) -> Iterator[Message]:
        for n in numbers:
            yield adapter.message(member, space, f"!echo draft {n} @everyone <b>")

    arrived: list[float] = []
    texts: list[str] = []
    waiter: list[asyncio.Future[None]] = []

    def on_delivered(delivered: Delivered) -> None:
        arrived.append(time.perf_counter())
        texts.append(delivered.text)
        if waiter and not waiter[0].done():
            waiter[0].set_result(None)

    adapter.listeners.append(on_delivered)
    loop = asyncio.get_running_loop()

    # --- seq: one in flight ---------------------------------------------------------
    for message in inbound(range(warmup)):
        waiter[:] = [loop.create_future()]
        await bot.receive(message)
        await waiter[0]
    texts.clear()
    arrived.clear()
    gc.collect()
    latencies = []
    cpu = time.process_time()
    start = time.perf_counter()
    for message in inbound(range(warmup, warmup + messages)):
        waiter[:] = [loop.create_future()]
        sent = time.perf_counter()
        await bot.receive(message)
        await waiter[0]
        latencies.append(time.perf_counter() - sent)
    seq_seconds = time.perf_counter() - start
    report("seq", messages, seq_seconds, latencies, texts, warmup, time.process_time() - cpu)

    # --- burst: all injected, then wait for all ------------------------------------
    texts.clear()
    arrived.clear()
    waiter.clear()
    gc.collect()
    injected: list[float] = []
    cpu = time.process_time()
    start = time.perf_counter()
    for message in inbound(range(warmup, warmup + messages)):
        injected.append(time.perf_counter())
        await bot.receive(message)
    await bot.outbound.drain()
    burst_seconds = time.perf_counter() - start
    burst_cpu = time.process_time() - cpu
    burst_latencies = [arrived[i] - injected[i] for i in range(len(arrived))]
    report("burst", messages, burst_seconds, burst_latencies, texts, warmup, burst_cpu)
    await bot.stop()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak_kib / 1024:.1f} MiB")


def report(
    mode: str,
    count: int,
    seconds: float,
    latencies: list[float],
    raw_texts: list[str],
    offset: int,
    cpu_seconds: float,
) -> None:
    texts = [text.replace("\u2060", "") for text in raw_texts]
    want = {expected(n) for n in range(offset, offset + count)}
    lost = len(want - set(texts))
    duplicated = len(texts) - len(set(texts))
    malformed = sum(1 for text in texts if text not in want)
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1e6
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1e6
    print(
        f"{mode:5s}: {count / seconds:,.0f} msgs/s  p50 {p50:,.0f} µs  p99 {p99:,.0f} µs  "
        f"CPU {cpu_seconds / count * 1e6:,.1f} µs/msg  "
        f"replies {len(texts)}  lost {lost}  duplicated {duplicated}  malformed {malformed}"
    )
    if lost or duplicated or malformed:
        sys.exit(f"{mode}: replies were lost, duplicated or malformed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--warmup", type=int, default=1_000)
    parser.add_argument("--transactional", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = prepare_database(directory)
        asyncio.run(run(args.messages, args.warmup, url, args.transactional))


if __name__ == "__main__":
    main()
