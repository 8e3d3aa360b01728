"""Check-in fan-out over several workers: 100,000 members due in the same minute, PostgreSQL.

Starts a PostgreSQL server (the test suite's fixture code), fills one database per run with the
members (spread over 48 time zones, so one ask job per zone, every one due now), then starts 1
and then 2 worker processes (each a ``Bot`` with the check-ins plugin, its scheduler claiming
jobs with ``FOR UPDATE SKIP LOCKED``) and measures, from a common start signal, the time until
every member's first question is stored in the outbox and handed to the send queue. Each
member must be asked exactly once. The tables are vacuumed and analyzed before the start, as
a running community's are (the members did not all join a minute ago). Besides the time it
prints the CPU seconds salon's workers and the PostgreSQL server spent: on a small machine
their sum over the cores is what bounds the time.

    python benchmarks/cluster_fanout.py [--members 100000] [--batch 8]

``--batch``: due jobs one scheduler transaction claims (default: the scheduler's, 8 on
PostgreSQL; the 500 of SQLite would let the first worker lock every zone's job in one go and
leave nothing to the second).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import available_timezones

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # fixtures, fan-out setup

ZONE_COUNT = 48


def zones() -> tuple[str, ...]:
    """48 real zones (several per offset), in a stable order."""
    picked = sorted(z for z in available_timezones() if z.startswith(("Europe/", "America/")))
    return tuple(picked[:: max(1, len(picked) // ZONE_COUNT)][:ZONE_COUNT])


async def worker(url: str, batch: int) -> None:
    """One worker: wait for ``go`` on stdin, run every due job it can claim, report."""
    from salon.core import Bot
    from salon.core.config import config_from_mapping
    from salon.core.memory_adapter import MemoryAdapter

    config = config_from_mapping({"community": {"name": "Bench"}, "database": {"url": url}})
    bot = Bot(config, env={})
    adapter = MemoryAdapter(bot)
    adapter.keep_delivered = False
    bot.add_adapter(adapter)
    await bot.prepare_database()
    if batch:
        bot.scheduler.batch_size = batch
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    started, cpu = time.perf_counter(), time.process_time()
    runs = await bot.scheduler.run_due()
    await bot.awaited.settle()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"done {runs} {elapsed:.3f} {cpu:.3f}", flush=True)
    os._exit(0)  # the questions are handed to sending; not waiting for the in-memory sends


def server_cpu_seconds(postmaster: int) -> float:
    """CPU time of the PostgreSQL server: the postmaster, its live backends and the ones it
    has reaped (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")

    def times(pid: int) -> tuple[int, list[int]]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[1]), [int(value) for value in fields[11:15]]  # ppid; u, s, cu, cs

    _, own = times(postmaster)
    total = sum(own)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent, child = times(int(entry.name))
            except (OSError, ValueError):
                continue  # it ended meanwhile
            if parent == postmaster:
                total += child[0] + child[1]
    return total / ticks


def prepare(url: str, members: int) -> None:
    import reliability.fanout as fanout

    fanout.ZONES = zones()  # one ask job per zone
    asyncio.run(fanout.prepare(url, members, platform="memory"))


def run(url: str, members: int, workers: int, batch: int, postmaster: int) -> float:
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", url, "--batch", str(batch)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    server_cpu = server_cpu_seconds(postmaster)
    started = time.perf_counter()
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    runs, cpu = [], 0.0
    for process in processes:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        process.wait(60)
        if not line or line[0] != "done":
            raise SystemExit(f"a worker failed (exit status {process.returncode})")
        runs.append(int(line[1]))
        cpu += float(line[3])
    elapsed = time.perf_counter() - started
    time.sleep(0.5)  # the workers' backends end and are counted with the server's
    server_cpu = server_cpu_seconds(postmaster) - server_cpu
    asked = asyncio.run(count_asked(url))
    if asked != members:
        raise SystemExit(f"{asked} members asked, expected {members}")
    print(
        f"  {workers} worker(s): {members:,} questions handed to sending in {elapsed:.2f} s "
        f"(jobs run per worker: {runs}); CPU: salon {cpu:.1f} s, PostgreSQL {server_cpu:.1f} s",
        flush=True,
    )
    return elapsed


async def count_asked(url: str) -> int:
    from salon.core import Bot
    from salon.core.config import config_from_mapping
    from salon.core.storage import sa
    from salon.plugins.checkins import tables

    bot = Bot(config_from_mapping({"database": {"url": url}}), env={})
    try:
        async with bot.storage.engine.connect() as db:
            result = await db.execute(
                sa.select(sa.func.count(sa.distinct(tables.responses.c.person_id)))
            )
            return int(result.scalar() or 0)
    finally:
        await bot.storage.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker(args.worker, args.batch))
        return
    from servers.postgres import find_postgres_bin, run_postgres

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries not found; run scripts/install-test-servers")
    print(
        f"cluster fan-out: {args.members:,} members due at once over {ZONE_COUNT} zones, "
        f"PostgreSQL, {os.cpu_count()} CPUs, {args.batch or 'default'} job(s) per claim",
        flush=True,
    )
    with run_postgres(bin_dir) as server:
        times = {}
        for workers in (1, 2):
            database = server.create_database(f"fanout{workers}")
            url = server.url_for(database)
            prepare(url, args.members)
            # As a running community's tables are: statistics known, nothing left to vacuum
            # (else autovacuum, counted as the server's CPU, runs during the measurement).
            server.run_sql("VACUUM ANALYZE", database)
            times[workers] = run(url, args.members, workers, args.batch, server.pid)
            server.drop_database(database)
    print(f"  speed-up with 2 workers: {times[1] / times[2]:.2f}x", flush=True)


if __name__ == "__main__":
    main()
