"""Durable scheduled jobs: one-off and recurring, in a member's time zone, each run exactly once.

A job is a row in ``salon_jobs``. A due run is claimed, handled and advanced in one
transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two processes never take the same
run; SQLite serialises writers), so a run that committed is never repeated after a restart and
one that did not commit runs again. What a handler sends leaves after the commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.clock import Clock
from salon.core.errors import PluginError
from salon.core.outage import Outage
from salon.core.recurrence import next_occurrence, to_local_naive, validate_rrule
from salon.core.storage import tables
from salon.core.storage.engine import Storage

if TYPE_CHECKING:
    from salon.core.context import JobContext
    from salon.core.metrics import Metrics

log = logging.getLogger(__name__)

UTC_ZONE = ZoneInfo("UTC")
#: Seconds between the scheduler's attempts while its pass fails (the database is down).
RETRY_SECONDS = 1.0


class Misfire(enum.Enum):
    """What to do with runs missed while salon was down (later than the grace period)."""

    RUN_ONCE = "run_once"
    """Run once now for all the missed runs, then carry on with the schedule."""
    SKIP = "skip"
    """Drop the missed runs and wait for the next one."""


@attrs.frozen
class Job:
    """One due run of a scheduled job, as a handler sees it.

    :param key: the caller's unique name for the job (``"checkins:ask:slack:U1"``).
    :param due_at: when this run was due (UTC); ``is_late`` when it runs after the grace period.
    """

    id: int
    kind: str
    key: str
    payload: Mapping[str, Any]
    tz: ZoneInfo
    due_at: datetime
    rrule: str | None = None
    is_late: bool = False


JobRun = Callable[["JobContext", Job], Awaitable[None] | None]


@attrs.frozen
class JobHandler:
    """Runs the jobs of one ``kind``; registered through the ``register_jobs`` hook.

    :param kind: namespaced by convention (``"myplugin.remind"``).
    :param run: ``def``/``async def run(ctx: JobContext, job: Job)``; it runs in the job's
        transaction (``ctx.db``), and what it sends (``ctx.send``, ``ctx.send_direct``) is
        stored in the durable outbox with it. A run that raises is rolled back and reported.
    """

    kind: str
    run: JobRun
    plugin: str = ""


RunJob = Callable[[JobHandler, Job, AsyncConnection], Awaitable[Callable[[], Awaitable[None]]]]


@attrs.frozen
class ScheduledJob:
    """A stored job, as ``salon jobs`` lists it.

    :param next_run_at: the next run (UTC); ``None`` only for a job that will not run again.
    :param tz: the zone name its recurrence is computed in.
    """

    id: int
    kind: str
    key: str
    payload: Mapping[str, Any]
    tz: str
    next_run_at: datetime | None
    rrule: str | None = None
    runs: int = 0
    last_run_at: datetime | None = None


def _scheduled(row: sa.RowMapping) -> ScheduledJob:
    return ScheduledJob(
        id=row["id"],
        kind=row["kind"],
        key=row["key"],
        payload=row["payload"] or {},
        tz=row["tz"],
        next_run_at=row["next_run_at"],
        rrule=row["rrule"],
        runs=row["runs"],
        last_run_at=row["last_run_at"],
    )


#: Due jobs one transaction claims: one process on SQLite takes many at a time; on PostgreSQL a
#: few, so the claims of several workers interleave (``FOR UPDATE SKIP LOCKED``).
SQLITE_BATCH = 500
POSTGRES_BATCH = 8


class Scheduler:
    """Stores jobs and runs the due ones.

    :param run_job: the bot's runner; it builds the handler's context on the transaction's
        connection and returns what to do once the transaction has committed.
    :param batch_size: due jobs claimed and run in one transaction (default: 500 on SQLite;
        on PostgreSQL 8, so that several workers share a busy minute's jobs instead of the
        first one locking them all).
    :param metrics: where runs due, late and skipped are counted (the runner counts the rest).
    """

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        run_job: RunJob,
        *,
        grace: timedelta = timedelta(minutes=10),
        batch_size: int | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.storage = storage
        self.metrics = metrics
        self.clock = clock
        self.handlers: dict[str, JobHandler] = {}
        self._run_job = run_job
        self.grace = grace
        self.batch_size = batch_size or (POSTGRES_BATCH if storage.is_postgres else SQLITE_BATCH)
        self._wake = asyncio.Event()

    def add_handler(self, handler: JobHandler) -> None:
        existing = self.handlers.get(handler.kind)
        if existing is not None:
            raise PluginError(
                f"job kind {handler.kind!r} is registered twice: by plugin "
                f"{existing.plugin!r} and by plugin {handler.plugin!r}"
            )
        self.handlers[handler.kind] = handler

    # --- scheduling ------------------------------------------------------------------------
    def remove_plugin(self, plugin: str) -> None:
        """Drop the job handlers of ``plugin`` (it was disabled); its jobs wait for it."""
        self.handlers = {k: h for k, h in self.handlers.items() if h.plugin != plugin}

    async def schedule(
        self,
        key: str,
        kind: str,
        *,
        at: datetime | None = None,
        rrule: str | None = None,
        start: datetime | None = None,
        tz: ZoneInfo = UTC_ZONE,
        payload: Mapping[str, Any] | None = None,
        misfire: Misfire = Misfire.RUN_ONCE,
        connection: AsyncConnection | None = None,
    ) -> datetime | None:
        """Create or replace the job called ``key``; return its next run time (UTC).

        One-off: give ``at`` (aware). Recurring: give ``rrule`` (e.g.
        ``"FREQ=WEEKLY;BYDAY=MO,TH"``) and ``start``, the first wall-clock time in ``tz``
        (naive, or aware and then converted); runs keep that wall-clock time across DST.
        Pass ``connection`` to schedule inside the caller's transaction.

        :param key: your unique name for the job (namespace it: ``"myplugin:remind:42"``);
            scheduling the same key again replaces the job.
        :param kind: the ``JobHandler.kind`` that runs it (registered by ``register_jobs``).
        :param payload: JSON-serialisable values the handler gets as ``job.payload``.
        :param misfire: what to do with runs missed while salon was down: ``RUN_ONCE``
            (default: one catch-up run) or ``SKIP``.
        :raises ValueError: for an unknown kind, a bad rule or a missing ``at``/``start``.
        """
        if kind not in self.handlers:
            raise ValueError(f"no handler is registered for job kind {kind!r}")
        dtstart_local: datetime | None = None
        if rrule is not None:
            if start is None:
                raise ValueError("a recurring job needs start")
            dtstart_local = to_local_naive(start, tz) if start.tzinfo else start
            validate_rrule(rrule, dtstart_local)
            # The start itself counts only if it matches the rule (dateutil's semantics):
            # "every Monday" starting on a Sunday first runs on the Monday.
            first = dtstart_local.replace(tzinfo=tz)
            now = self.clock.now()
            after = first - timedelta(microseconds=1) if first > now else now
            next_run = next_occurrence(rrule, dtstart_local, tz, after)
            if next_run is None:
                raise ValueError(f"the rule {rrule!r} has no occurrence after {after.isoformat()}")
        elif at is not None:
            if at.tzinfo is None:
                raise ValueError("at must be an aware datetime")
            next_run = at
        else:
            raise ValueError("give either at (one-off) or rrule and start (recurring)")
        values = {
            "kind": kind,
            "payload": dict(payload or {}),
            "rrule": rrule,
            "dtstart_local": dtstart_local.isoformat() if dtstart_local else None,
            "tz": tz.key,
            "next_run_at": next_run,
            "misfire": misfire.value,
        }
        if connection is None:
            async with self.storage.transaction() as own:
                await self._upsert(own, key, values)
        else:
            await self._upsert(connection, key, values)
        self._wake.set()
        return next_run

    async def _upsert(self, connection: AsyncConnection, key: str, values: dict[str, Any]) -> None:
        # One statement: workers starting together schedule the same startup jobs at once.
        upsert = self.storage.upsert(tables.jobs, ["key"])
        await connection.execute(upsert.values(key=key, **values))

    async def cancel(self, key: str, connection: AsyncConnection | None = None) -> bool:
        """Delete the job called ``key``; return whether there was one."""
        if connection is None:
            async with self.storage.transaction() as own:
                return await self.cancel(key, own)
        result = await connection.execute(tables.jobs.delete().where(tables.jobs.c.key == key))
        return bool(result.rowcount)

    async def cancel_prefix(self, prefix: str, connection: AsyncConnection) -> int:
        """Delete every job whose key starts with ``prefix`` (a member's, a space's)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        result = await connection.execute(
            tables.jobs.delete().where(tables.jobs.c.key.like(escaped + "%", escape="\\"))
        )
        return result.rowcount

    async def scheduled(self) -> list[ScheduledJob] | None:
        """Every stored job, the next to run first; ``None`` if the database has no jobs
        table yet (never migrated)."""
        async with self.storage.engine.connect() as connection:
            exists = await connection.run_sync(
                lambda sync: sa.inspect(sync).has_table(tables.jobs.name)
            )
            if not exists:
                return None
            rows = (
                await connection.execute(
                    sa.select(tables.jobs).order_by(
                        tables.jobs.c.next_run_at.is_(None),
                        tables.jobs.c.next_run_at,
                        tables.jobs.c.id,
                    )
                )
            ).mappings()
            return [_scheduled(row) for row in rows]

    async def cancel_id(self, job_id: int) -> ScheduledJob | None:
        """Delete the job with this id (as ``salon jobs`` shows it); return it, or ``None``."""
        async with self.storage.transaction() as connection:
            row = (
                (await connection.execute(sa.select(tables.jobs).where(tables.jobs.c.id == job_id)))
                .mappings()
                .first()
            )
            if row is None:
                return None
            await connection.execute(tables.jobs.delete().where(tables.jobs.c.id == job_id))
        return _scheduled(row)

    async def next_run(self, key: str) -> datetime | None:
        async with self.storage.engine.connect() as connection:
            row = (
                await connection.execute(
                    sa.select(tables.jobs.c.next_run_at).where(tables.jobs.c.key == key)
                )
            ).first()
        return None if row is None else row[0]

    # --- running ---------------------------------------------------------------------------
    async def run_due(self) -> int:
        """Run every job due by now, batch by batch; return how many runs were handled."""
        total = 0
        while True:
            handled, after_commit = await self._run_batch()
            for callback in after_commit:
                await callback()
            total += handled
            if handled < self.batch_size:
                return total

    async def _run_batch(self) -> tuple[int, list[Callable[[], Awaitable[None]]]]:
        now = self.clock.now()
        after_commit: list[Callable[[], Awaitable[None]]] = []
        async with self.storage.transaction() as connection:
            query = (
                sa.select(tables.jobs)
                .where(tables.jobs.c.next_run_at <= now)
                # Jobs of a disabled or uninstalled plugin wait, untouched, until it is back.
                .where(tables.jobs.c.kind.in_(list(self.handlers)))
                .order_by(tables.jobs.c.next_run_at, tables.jobs.c.id)
                .limit(self.batch_size)
            )
            if self.storage.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = (await connection.execute(query)).mappings().all()
            for row in rows:
                callback = await self._run_one(connection, row, now)
                if callback is not None:
                    after_commit.append(callback)
        return len(rows), after_commit

    async def _run_one(
        self, connection: AsyncConnection, row: sa.RowMapping, now: datetime
    ) -> Callable[[], Awaitable[None]] | None:
        tz = ZoneInfo(row["tz"])
        due: datetime = row["next_run_at"]
        is_late = now - due > self.grace
        misfire = Misfire(row["misfire"])
        if self.metrics is not None:
            kind = row["kind"]
            self.metrics.jobs_due.labels(kind).inc()
            self.metrics.job_delay.labels(kind).observe(max((now - due).total_seconds(), 0.0))
            if is_late:
                self.metrics.jobs_late.labels(kind).inc()
        following = None
        if row["rrule"]:
            start = datetime.fromisoformat(row["dtstart_local"])
            # After downtime, coalesce missed runs: the next one is after *now*.
            following = next_occurrence(row["rrule"], start, tz, max(due, now))
        if following is None:
            await connection.execute(tables.jobs.delete().where(tables.jobs.c.id == row["id"]))
        else:
            await connection.execute(
                tables.jobs.update()
                .where(tables.jobs.c.id == row["id"])
                .values(next_run_at=following, last_run_at=now, runs=tables.jobs.c.runs + 1)
            )
        if is_late and misfire is Misfire.SKIP:
            log.info("skipped missed run of job %s (due %s)", row["key"], due.isoformat())
            if self.metrics is not None:
                self.metrics.jobs_run.labels(row["kind"], "skipped").inc()
            return None
        handler = self.handlers[row["kind"]]  # the query selects only kinds with a handler
        job = Job(
            id=row["id"],
            kind=row["kind"],
            key=row["key"],
            payload=row["payload"],
            tz=tz,
            due_at=due,
            rrule=row["rrule"],
            is_late=is_late,
        )
        return await self._run_job(handler, job, connection)

    async def next_due(self) -> datetime | None:
        async with self.storage.engine.connect() as connection:
            result = await connection.execute(
                sa.select(sa.func.min(tables.jobs.c.next_run_at)).where(
                    tables.jobs.c.kind.in_(list(self.handlers))
                )
            )
        value = result.scalar()
        # min() over a TypeDecorator column comes back raw on SQLite: normalise it here.
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value if isinstance(value, datetime) else None

    async def run_forever(self, *, idle: float = 30.0) -> None:
        """Run due jobs as they fall due; ``schedule`` wakes the loop early."""
        outage = Outage(log, "the scheduler's pass over due jobs")
        while True:
            self._wake.clear()
            delay = idle
            try:
                await self.run_due()
                next_due = await self.next_due()
            except Exception as error:
                await outage.failed(error)
                delay = min(idle, RETRY_SECONDS)
            else:
                outage.succeeded()
                if next_due is not None:
                    delay = min(idle, max(0.0, (next_due - self.clock.now()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay + 0.01)
