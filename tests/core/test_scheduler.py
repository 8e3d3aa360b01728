"""Durable jobs: local wall-clock times, DST, exactly once across restarts, missed runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salon.core import JobHandler, MemberRef, Misfire, hookimpl
from salon.core.clock import ManualClock
from salon.core.recurrence import next_occurrence
from salon.core.scheduler import Scheduler
from salon.core.storage import Storage, migrate

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


class Reminders:
    """A plugin with a job that DMs its payload's member."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, datetime, bool]] = []

    @hookimpl
    def register_jobs(self, register):  # type: ignore[no-untyped-def]
        register(JobHandler("test.remind", self.remind))

    def remind(self, ctx, job) -> None:  # type: ignore[no-untyped-def]
        self.runs.append((job.key, job.due_at, job.is_late))
        ctx.send_direct(MemberRef("memory", job.payload["member"]), "Time to write!")


@pytest.fixture
def reminders() -> Reminders:
    return Reminders()


@pytest.fixture
def salon_plugins(reminders: Reminders) -> list[tuple[str, object]]:
    return [("reminders", reminders)]


def test_daily_nine_stays_nine_across_dst_in_berlin() -> None:
    start = datetime(2026, 10, 20, 9, 0)
    after = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    first = next_occurrence("FREQ=DAILY", start, BERLIN, after)
    second = next_occurrence("FREQ=DAILY", start, BERLIN, first)  # type: ignore[arg-type]
    assert first == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # 09:00 CET (DST ended at 03:00)
    assert first.astimezone(BERLIN).hour == 9  # type: ignore[union-attr]
    assert second == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    before = next_occurrence("FREQ=DAILY", start, BERLIN, datetime(2026, 10, 23, 12, 0, tzinfo=UTC))
    assert before == datetime(2026, 10, 24, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_a_time_in_the_spring_gap_runs_once_an_hour_on_and_a_repeated_hour_once() -> None:
    gap = next_occurrence(
        "FREQ=DAILY", datetime(2026, 3, 1, 2, 30), LOS_ANGELES, datetime(2026, 3, 7, 12, tzinfo=UTC)
    )
    assert gap is not None and gap.astimezone(LOS_ANGELES).hour == 3  # 02:30 does not exist
    start = datetime(2026, 10, 1, 1, 30)
    first = next_occurrence(
        "FREQ=DAILY", start, LOS_ANGELES, datetime(2026, 10, 31, 12, tzinfo=UTC)
    )
    assert first == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 01:30 PDT, the first of two
    second = next_occurrence("FREQ=DAILY", start, LOS_ANGELES, first)  # type: ignore[arg-type]
    assert second == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # not 01:30 PST the same night


@settings(max_examples=200, deadline=None)
@given(
    zone=st.sampled_from(
        ["Europe/Berlin", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney"]
    ),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    days=st.integers(0, 400),
)
def test_occurrences_strictly_increase_and_are_a_day_apart(
    zone: str, hour: int, minute: int, days: int
) -> None:
    tz = ZoneInfo(zone)
    start = datetime(2026, 1, 1, hour, minute)
    after = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=days)
    first = next_occurrence("FREQ=DAILY", start, tz, after)
    assert first is not None and first > after
    second = next_occurrence("FREQ=DAILY", start, tz, first)
    assert second is not None
    assert timedelta(hours=22) <= second - first <= timedelta(hours=26)


async def test_a_job_fires_exactly_once_across_a_restart(salon_bot, reminders) -> None:  # type: ignore[no-untyped-def]
    clock: ManualClock = salon_bot.clock
    clock.set(datetime(2026, 10, 24, 6, 0, tzinfo=UTC))
    await salon_bot.bot.scheduler.schedule(
        "remind:alice",
        "test.remind",
        rrule="FREQ=DAILY",
        start=datetime(2026, 10, 24, 9, 0),
        tz=BERLIN,
        payload={"member": "alice"},
    )
    assert await salon_bot.advance(timedelta(minutes=59)) == []
    sent = await salon_bot.advance(timedelta(minutes=2))  # 07:01 UTC = 09:01 CEST
    assert [d.text for d in sent] == ["Time to write!"]
    await salon_bot.restart()
    assert await salon_bot.advance(timedelta(minutes=1)) == []
    # the next day is after the DST change: 09:00 CET = 08:00 UTC
    clock.set(datetime(2026, 10, 25, 7, 59, tzinfo=UTC))
    assert await salon_bot.advance() == []
    assert len(await salon_bot.advance(timedelta(minutes=1))) == 1
    assert [run[1] for run in reminders.runs] == [
        datetime(2026, 10, 24, 7, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 8, 0, tzinfo=UTC),
    ]


async def test_missed_runs_follow_the_jobs_policy(salon_bot, reminders) -> None:  # type: ignore[no-untyped-def]
    clock: ManualClock = salon_bot.clock
    clock.set(datetime(2026, 11, 2, 0, 0, tzinfo=UTC))
    scheduler = salon_bot.bot.scheduler
    for name, policy in (("once", Misfire.RUN_ONCE), ("skip", Misfire.SKIP)):
        await scheduler.schedule(
            f"missed:{name}",
            "test.remind",
            rrule="FREQ=DAILY",
            start=datetime(2026, 11, 2, 9, 0),
            tz=ZoneInfo("UTC"),
            payload={"member": name},
            misfire=policy,
        )
    # salon was down for three days
    sent = await salon_bot.advance(timedelta(days=3, hours=12))
    assert [d.recipient.id for d in sent] == ["once"]  # once, not three times; skip skipped
    assert reminders.runs[0][2] is True  # is_late
    assert await scheduler.next_run("missed:skip") == datetime(2026, 11, 6, 9, 0, tzinfo=UTC)
    assert await scheduler.next_run("missed:once") == datetime(2026, 11, 6, 9, 0, tzinfo=UTC)


async def test_one_off_job_runs_once_then_is_gone(salon_bot, reminders) -> None:  # type: ignore[no-untyped-def]
    at = salon_bot.clock.now() + timedelta(hours=1)
    await salon_bot.bot.scheduler.schedule(
        "once:alice", "test.remind", at=at, payload={"member": "alice"}
    )
    assert len(await salon_bot.advance(timedelta(hours=2))) == 1
    assert await salon_bot.advance(timedelta(days=1)) == []
    assert await salon_bot.bot.scheduler.next_run("once:alice") is None


async def test_two_processes_on_postgres_never_run_the_same_job(postgres_db_url: str) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    storage_a, storage_b = Storage(postgres_db_url), Storage(postgres_db_url)
    await migrate.upgrade(storage_a, [])
    runs: list[tuple[str, str]] = []

    def make(name: str, storage: Storage) -> Scheduler:
        async def run_job(handler, job, connection):  # type: ignore[no-untyped-def]
            runs.append((name, job.key))
            await asyncio.sleep(0)  # let the other process interleave

            async def after() -> None:
                return None

            return after

        scheduler = Scheduler(storage, clock, run_job, batch_size=20)
        scheduler.add_handler(JobHandler("test.claim", lambda ctx, job: None))
        return scheduler

    a, b = make("a", storage_a), make("b", storage_b)
    for n in range(200):
        await a.schedule(f"claim:{n}", "test.claim", at=clock.now() - timedelta(seconds=1))
    await asyncio.gather(a.run_due(), b.run_due())
    keys = [key for _, key in runs]
    assert sorted(keys) == sorted(f"claim:{n}" for n in range(200))  # each exactly once
    await storage_a.dispose()
    await storage_b.dispose()


async def test_a_recurring_job_starts_on_its_first_matching_day(salon_bot) -> None:  # type: ignore[no-untyped-def]
    salon_bot.clock.set(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))  # a Saturday
    next_run = await salon_bot.bot.scheduler.schedule(
        "weekly:alice",
        "test.remind",
        rrule="FREQ=WEEKLY;BYDAY=MO",
        start=datetime(2026, 11, 29, 9, 0),
        tz=BERLIN,
        payload={"member": "alice"},  # a Sunday
    )
    assert next_run == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 CET


async def test_a_jobs_messages_survive_a_crash_before_they_were_sent(
    salon_bot, reminders, salon_config, salon_plugins
) -> None:  # type: ignore[no-untyped-def]
    from salon.core.storage import sa, tables
    from salon.core.testing import SalonHarness

    # A short lease: the crashed worker runs in this very process, so only its lease tells.
    config = {**salon_config, "database": {**salon_config["database"], "outbox_lease": 0.3}}
    await salon_bot.stop()
    first = SalonHarness(config, salon_bot.clock, salon_plugins)
    await first.start()
    at = first.clock.now() + timedelta(minutes=5)
    await first.bot.scheduler.schedule("once:bob", "test.remind", at=at, payload={"member": "bob"})
    # the send queue dies before delivering: the job has committed, its message is owed
    await first.bot.outbound.queues["memory"].stop()
    first.clock.advance(timedelta(minutes=10))
    await first.bot.scheduler.run_due()
    assert first.sent_to("bob") == []
    await first.bot.loops.close()  # the process is gone: nothing drained, nothing stopped
    await first.bot.storage.dispose()

    again = SalonHarness(config, first.clock, salon_plugins)
    await again.start()
    try:
        assert again.sent_to("bob") == []  # still leased to the crashed worker
        await asyncio.sleep(0.5)  # the lease runs out; the renewal pass takes the row over
        await again.bot.outbound.drain()
        await again.bot.outbox.settle()
        assert again.texts(again.sent_to("bob")) == ["Time to write!"]
        assert await again.advance(timedelta(days=1)) == []  # the job itself did not run twice
        async with again.bot.storage.engine.connect() as db:
            assert (
                await db.execute(sa.select(sa.func.count()).select_from(tables.outbox))
            ).scalar() == 0
    finally:
        await again.stop()
    assert len(reminders.runs) == 1


async def test_scheduled_lists_jobs_next_first_and_cancel_id_deletes_one(database_url: str) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    storage = Storage(database_url)

    async def run_job(handler, job, connection):  # type: ignore[no-untyped-def]
        raise AssertionError("not run here")

    scheduler = Scheduler(storage, clock, run_job)
    scheduler.add_handler(JobHandler("test.list", lambda ctx, job: None))
    try:
        assert await scheduler.scheduled() is None  # never migrated: no jobs table
        await migrate.upgrade(storage, [])
        assert await scheduler.scheduled() == []
        await scheduler.schedule("later", "test.list", at=clock.now() + timedelta(days=2))
        await scheduler.schedule(
            "daily", "test.list", rrule="FREQ=DAILY", start=datetime(2026, 11, 27, 9, 0), tz=BERLIN
        )
        jobs = await scheduler.scheduled()
        assert jobs is not None
        assert [(job.key, job.tz, job.rrule) for job in jobs] == [
            ("daily", "Europe/Berlin", "FREQ=DAILY"),
            ("later", "UTC", None),
        ]
        assert jobs[0].next_run_at == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
        cancelled = await scheduler.cancel_id(jobs[1].id)
        assert cancelled is not None and cancelled.key == "later"
        assert await scheduler.cancel_id(jobs[1].id) is None
        assert [job.key for job in await scheduler.scheduled() or []] == ["daily"]
    finally:
        await storage.dispose()
