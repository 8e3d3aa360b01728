"""Several workers on one database: answers claimed once, awaited replies shared, one leader,
one migrating worker, adapters started together, and SQLite refusing a second ``salon run``."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from salon.core import Context, JobHandler, Message, hookimpl
from salon.core.clock import ManualClock
from salon.core.cluster import Leadership
from salon.core.memory_adapter import MemoryAdapter
from salon.core.scheduler import Scheduler
from salon.core.storage import Storage, migrate, tables
from salon.core.testing import Platform, SalonHarness

SALON = [sys.executable, "-m", "salon.core.cli"]
NOW = datetime(2026, 12, 2, 9, 0)


class Survey:
    """Takes the plain DM of a member it waits on (on whichever worker it arrives)."""

    def __init__(self) -> None:
        self.answers: list[str] = []

    @hookimpl
    def message_received(self, message: Message, ctx: Context) -> bool | None:
        self.answers.append(message.text)
        ctx.reply("Noted.")
        return True


def config(url: str) -> dict[str, Any]:
    return {"community": {"name": "Cluster"}, "database": {"url": url}}


async def two_workers(url: str, *plugins: tuple[str, object]) -> tuple[SalonHarness, ...]:
    clock = ManualClock()
    workers = tuple(SalonHarness(config(url), clock, list(plugins)) for _ in range(2))
    for worker in workers:
        await worker.start()
    return workers


async def test_an_event_delivered_to_two_workers_is_answered_once(postgres_db_url: str) -> None:
    first, second = await two_workers(postgres_db_url)
    try:
        replies = await first.send("ping", event_id="ev-1", dm=True)
        again = await second.send("ping", event_id="ev-1", dm=True)  # Telegram retried elsewhere
        assert first.texts(replies) == ["pong"]
        assert again == []
        async with first.bot.read() as db:
            claimed = (await db.execute(sa.select(tables.replied_events))).all()
        assert [(row.platform, row.event_id) for row in claimed] == [("memory", "ev-1")]
        # The answer went through the outbox, and left it once delivered.
        await first.bot.outbox.settle()
        async with first.bot.read() as db:
            owed = (
                await db.execute(sa.select(sa.func.count()).select_from(tables.outbox))
            ).scalar()
        assert owed == 0
    finally:
        for worker in (first, second):
            await worker.stop()


async def test_a_member_awaited_on_one_worker_answers_on_the_other(postgres_db_url: str) -> None:
    survey = Survey()
    first, second = await two_workers(postgres_db_url, ("survey", survey))
    try:
        alice = first.member("alice").ref
        first.bot.awaited.expect(alice, "survey")
        await first.bot.awaited.settle()
        assert alice not in second.bot.awaited  # not in that worker's memory...
        replies = await second.send("stats homework then chapter 5", dm=True)
        assert second.texts(replies) == ["Noted."]  # ...but shared through the database
        assert survey.answers == ["stats homework then chapter 5"]
        first.bot.awaited.release(alice, "survey")
        await first.bot.awaited.settle()
        assert await second.bot.awaited.waiting(alice) == frozenset()
    finally:
        for worker in (first, second):
            await worker.stop()


async def test_on_sqlite_the_hint_stays_in_memory(tmp_path: Path) -> None:
    harness = SalonHarness(config(f"sqlite:///{tmp_path / 'salon.db'}"), ManualClock())
    await harness.start()
    try:
        alice = harness.member("alice").ref
        harness.bot.awaited.expect(alice, "survey")
        await harness.bot.awaited.settle()
        async with harness.bot.read() as db:
            assert (await db.execute(sa.select(tables.awaited_replies))).all() == []
        assert await harness.bot.awaited.waiting(alice) == {"survey"}
        replies = await harness.send("ping", event_id="ev-1", dm=True)
        assert harness.texts(replies) == ["pong"]
    finally:
        await harness.stop()


async def test_prune_forgets_old_claims_and_hints(postgres_db_url: str) -> None:
    (worker,) = (await two_workers(postgres_db_url))[:1]
    try:
        await worker.send("ping", event_id="old", dm=True)
        worker.bot.awaited.expect(worker.member("bob").ref, "survey")
        await worker.bot.awaited.settle()
        worker.clock.advance(timedelta(days=31))
        await worker.bot.prune()
        async with worker.bot.read() as db:
            assert (await db.execute(sa.select(tables.replied_events))).all() == []
            assert (await db.execute(sa.select(tables.awaited_replies))).all() == []
    finally:
        await worker.bot.stop()


async def test_one_worker_leads_and_another_takes_over(postgres_db_url: str) -> None:
    storage = Storage(postgres_db_url)
    events: list[str] = []

    def leadership(name: str) -> Leadership:
        async def gain() -> None:
            events.append(f"{name} leads")

        async def loss() -> None:
            events.append(f"{name} lost")

        async def report(error: BaseException, where: str) -> None:
            raise AssertionError(where) from error

        return Leadership(storage, "receiver:telegram", gain, loss, report, poll=0.05)

    first, second = leadership("first"), leadership("second")
    try:
        assert await first.try_lead()
        assert not await second.try_lead()
        follower = asyncio.ensure_future(second.run())
        await first.close()  # or killed: PostgreSQL drops the lock with the connection
        started = time.monotonic()
        while not second.is_leader:
            assert time.monotonic() - started < 5, "the standby never took the lead"
            await asyncio.sleep(0.02)
        assert events == ["first leads", "second leads"]
        follower.cancel()
        await asyncio.gather(follower, return_exceptions=True)
    finally:
        await second.close()
        await storage.dispose()


async def test_on_sqlite_the_only_worker_always_leads(tmp_path: Path) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'salon.db'}")
    gained: list[bool] = []

    async def gain() -> None:
        gained.append(True)

    async def nothing(*_args: object) -> None:
        return None

    leader = Leadership(storage, "receiver:matrix", gain, nothing, nothing)
    assert await leader.try_lead()
    assert gained == [True]
    await leader.run()  # returns at once: nobody to compete with
    await leader.close()
    await storage.dispose()


async def test_workers_starting_together_migrate_once(postgres_db_url: str) -> None:
    storages = [Storage(postgres_db_url) for _ in range(3)]
    try:
        results = await asyncio.gather(*(migrate.upgrade(s, []) for s in storages))
        assert sorted(len(applied) for applied in results) == [0, 0, 7]
        assert await migrate.pending_heads(storages[0], []) == set()
    finally:
        for storage in storages:
            await storage.dispose()


async def test_workers_starting_together_schedule_the_same_job_once(postgres_db_url: str) -> None:
    """Every worker's plugins schedule their startup jobs (a weekly round, say) at once."""
    storages = [Storage(postgres_db_url) for _ in range(4)]
    await migrate.upgrade(storages[0], [])

    async def run_job(*_: Any) -> Any:
        raise AssertionError("nothing is due")

    schedulers = [Scheduler(storage, ManualClock(), run_job) for storage in storages]
    for scheduler in schedulers:
        scheduler.add_handler(JobHandler("t.round", lambda ctx, job: None))
    try:
        await asyncio.gather(*(storage.ping() for storage in storages))
        for n in range(10):
            await asyncio.gather(
                *(
                    s.schedule(f"t:round:{n}", "t.round", rrule="FREQ=WEEKLY", start=NOW)
                    for s in schedulers
                )
            )
        jobs = await schedulers[0].scheduled() or []
        assert sorted(job.key for job in jobs) == sorted(f"t:round:{n}" for n in range(10))
    finally:
        for storage in storages:
            await storage.dispose()


class SlowAdapter(MemoryAdapter):
    """A platform that is not reachable until ``reachable`` is set."""

    platform = "slow"
    reachable: asyncio.Event

    async def start(self) -> None:
        await self.reachable.wait()
        await super().start()


class QuickAdapter(MemoryAdapter):
    platform = "quick"
    started = False

    async def start(self) -> None:
        self.started = True


async def test_adapters_start_together(tmp_path: Path) -> None:
    harness = SalonHarness(
        config(f"sqlite:///{tmp_path / 'salon.db'}"), ManualClock(), platforms=[Platform()]
    )
    slow = SlowAdapter(harness.bot)
    slow.reachable = asyncio.Event()
    harness.bot.add_adapter(slow)
    quick = QuickAdapter(harness.bot)
    harness.bot.add_adapter(quick)
    starting = asyncio.ensure_future(harness.start())
    deadline = time.monotonic() + 20
    while not quick.started:  # the reachable platform does not wait for the slow one
        assert time.monotonic() < deadline, "the quick adapter never started"
        await asyncio.sleep(0.01)
    assert not starting.done()
    slow.reachable.set()
    await starting
    await harness.stop()


def write_sqlite_config(tmp_path: Path) -> Path:
    path = tmp_path / "salon.toml"
    path.write_text(
        '[community]\nname = "Lock"\n[database]\n'
        f'url = "sqlite:///{tmp_path / "salon.db"}"\n[adapters.console]\nmember = "o"\n'
    )
    return path


def test_a_second_salon_run_on_one_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    path = write_sqlite_config(tmp_path)
    first = subprocess.Popen(
        [*SALON, "run", "--config", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 30
        lock = tmp_path / "salon.db.lock"
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
            assert first.poll() is None, first.stderr.read() if first.stderr else b""
            assert time.monotonic() < deadline, "the first salon run never took the lock"
            time.sleep(0.05)
        second = subprocess.run(
            [*SALON, "run", "--config", str(path)],
            input=b"",
            capture_output=True,
            cwd=tmp_path,
            timeout=60,
        )
        assert second.returncode != 0
        message = second.stderr.decode()
        assert f"another salon run (pid {first.pid}) is using" in message
        assert "use PostgreSQL to run several workers" in message
        assert first.poll() is None  # the first one is untouched
    finally:
        first.kill()  # kill -9: the OS lock goes with the process
        first.wait(10)
    again = subprocess.run(
        [*SALON, "run", "--config", str(path)],
        input=b"",
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr.decode()[-2000:]


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "postgresql://x@127.0.0.1/db"])
def test_only_sqlite_files_are_locked(url: str) -> None:
    from salon.core.cluster import process_lock

    assert process_lock(url) is None
