"""Several workers on one database: who receives over long-lived connections, and SQLite's one.

On PostgreSQL any number of ``salon run`` processes share one database. Webhook-style inbound can
reach any of them; a long-lived receiver (Telegram ``getUpdates``, Matrix ``/sync``, Slack Socket
Mode) must run in exactly one. ``Leadership`` elects that one per adapter with a session-level
advisory lock held on a connection of its own: PostgreSQL releases it the moment the holder's
connection ends, a ``kill -9`` included, and the next worker to ask (every ``poll`` seconds)
leads, resuming from the offset or ``since`` token its adapter stored. See docs/cluster.md.

On SQLite there is one process: it always leads, and ``SQLiteLock`` keeps a second ``salon run``
on the same file from starting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from salon.core.errors import ConfigError
from salon.core.outage import Outage
from salon.core.storage.engine import Storage
from salon.core.storage.locks import advisory_key

log = logging.getLogger(__name__)

#: How often a follower asks for the lock, and a leader checks that its connection is alive.
LEADER_POLL = 2.0


class Leadership:
    """One worker leads ``name`` (an adapter's receiving) at a time, cluster-wide.

    :param on_gain: called when this worker becomes the leader (start receiving).
    :param on_loss: called when it stops being one because its lock connection broke.
    """

    def __init__(
        self,
        storage: Storage,
        name: str,
        on_gain: Callable[[], Awaitable[None]],
        on_loss: Callable[[], Awaitable[None]],
        report_error: Callable[[BaseException, str], Awaitable[object]],
        *,
        poll: float = LEADER_POLL,
    ) -> None:
        self.storage = storage
        self.name = name
        self.key = advisory_key(f"leader:{name}")
        self.on_gain = on_gain
        self.on_loss = on_loss
        self.report_error = report_error
        self.poll = poll
        self.is_leader = False
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None
        #: Set when the bot stops: no lead is taken any more.
        self.closing = False
        self._outage = Outage(log, f"leader election for {name}", report_error)

    @property
    def shared(self) -> bool:
        """Whether other workers may compete (PostgreSQL); on SQLite this one always leads."""
        return self.storage.is_postgres

    async def try_lead(self) -> bool:
        """Take the lead if no other worker holds it, and start receiving; whether it leads."""
        if self.is_leader or self.closing:
            return self.is_leader
        if self.shared and not await self._acquire():
            return False
        self.is_leader = True
        log.info("leading %s (this worker receives its events)", self.name)
        try:
            await self.on_gain()
        except BaseException:
            await self._release()
            raise
        return True

    async def run(self) -> None:
        """Until cancelled: a follower asks for the lock, a leader checks that it still has it."""
        if not self.shared:
            return
        while not self.closing:
            await asyncio.sleep(self.poll)
            if self.closing:
                return
            try:
                if self.is_leader:
                    await self._check()
                else:
                    await self.try_lead()
            except Exception as error:
                await self._outage.failed(error)
            else:
                self._outage.succeeded()

    async def close(self) -> None:
        """Stop competing and release the lock (another worker takes over within ``poll``)."""
        self.closing = True
        await self._release()

    async def _acquire(self) -> bool:
        try:
            if self._connection is None:
                if self._engine is None:
                    self._engine = create_async_engine(self.storage.url, poolclass=NullPool)
                connection = await self._engine.connect()
                self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            result = await self._connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            )
            return bool(result.scalar())
        except (OSError, sa.exc.DBAPIError, sa.exc.InterfaceError):
            await self._drop_connection()
            return False

    async def _check(self) -> None:
        assert self._connection is not None
        try:
            await self._connection.execute(sa.text("SELECT 1"))
        except (OSError, sa.exc.DBAPIError, sa.exc.InterfaceError) as error:
            log.warning("lost the lead of %s (its database connection broke: %s)", self.name, error)
            self.is_leader = False
            await self._drop_connection()
            await self.on_loss()

    async def _release(self) -> None:
        was_leader, self.is_leader = self.is_leader, False
        if self._connection is not None and was_leader:
            # A connection that is gone took the lock with it.
            with contextlib.suppress(OSError, sa.exc.DBAPIError, sa.exc.InterfaceError):
                await self._connection.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
                )
        await self._drop_connection()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:
                log.debug("closing a broken lock connection failed", exc_info=True)


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (``None``: not SQLite, or in memory)."""
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database or ""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


class SQLiteLock:
    """An OS lock on ``<database>.lock`` beside a SQLite file, held while ``salon run`` runs.

    SQLite serves one ``salon run``: a second one on the same file would poll Telegram twice,
    sync Matrix twice and send what the first one sends. The lock goes with the process (also
    on ``kill -9``), so a stale file never blocks a start.
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock, or raise a ``ConfigError`` saying which process holds it."""
        try:
            import fcntl
        except ImportError:  # Windows: no advisory file locks of this kind; nothing to guard
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise ConfigError(
                f"database.url: another salon run (pid {holder}) is using "
                f"{self.database}; SQLite serves one process. Stop that one first, "
                "or use PostgreSQL to run several workers (see docs/cluster.md)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            handle.close()  # closing the descriptor releases the lock


def process_lock(url: str) -> SQLiteLock | None:
    """The lock ``salon run`` must hold for this database (``None``: none needed)."""
    database = sqlite_file(url)
    return SQLiteLock(database) if database is not None else None
