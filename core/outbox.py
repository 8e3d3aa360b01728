"""The durable outbox: what a scheduled job sends survives a crash, and is sent once.

A job's messages are written to ``salon_outbox`` inside the job's own transaction, so the job
advancing and its messages being owed commit together. Each row belongs to the worker that
wrote (or claimed) it, for a lease it renews while it sends; another worker takes a row over
only once the lease has run out (or, on the same host, once the owning process has died), and
claims go through ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two live workers never send the
same row. A worker sends a row only while its lease is known to hold for a third of the lease
more (``is_leased``); past that (its renewals were late: a busy or paused process) it renews
first and drops the rows another worker took meanwhile, so a worker too slow to renew in time
does not send what its successor sends too.

A row is deleted as soon as its message is delivered: the send queue awaits ``delivered``
before it sends the next message of that lane, and concurrent lanes share one commit (group
commit). So after a crash at most the messages in flight at that instant (one per lane being
sent, at most ``RateLimits.in_flight`` per platform) can be sent again: the platform accepted
them but the process died before the delete committed. That window cannot be closed on a
platform with no idempotency key (Telegram, Slack, a terminal): accepting the message and
committing the delete are two systems, and either order loses or repeats the one message
between them. Matrix closes it: its transaction id is derived from the row's id
(``Outbound.key``), and the homeserver stores a repeated transaction once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.model import MemberRef, Outbound, SpaceRef
from salon.core.outage import Outage
from salon.core.serialization import outbound_from_json, outbounds_to_json
from salon.core.storage import tables
from salon.core.storage.engine import Storage
from salon.core.storage.lists import in_batches, one_of

log = logging.getLogger(__name__)

#: How many rows one claim takes at most (the rest wait for the next pass).
CLAIM_BATCH = 5000


def _pid_namespace() -> str:
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "-"


def _wall_now() -> datetime:
    # Leases measure real time passing between processes, not the bot's (possibly manual) clock.
    return datetime.now(UTC)


class Outbox:
    """Stores owed messages, leases them to this worker, and deletes each once delivered.

    :param lease: seconds a worker holds the rows it sends; renewed every third of it.
    """

    def __init__(self, storage: Storage, *, lease: float = 60.0) -> None:
        self.storage = storage
        self.lease = timedelta(seconds=lease)
        #: Where this worker runs: the host and its process-id namespace (containers that share
        #: a host name have their own), so a process id means the same process only there.
        self.host = f"{socket.gethostname()[:24]}/{_pid_namespace()}"
        #: This worker's name on its rows: host, process id and a random part.
        self.owner = f"{self.host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        #: Ids of rows this worker has queued and not yet settled.
        self.held: set[str] = set()
        self._deleting: list[str] = []
        self._commit: asyncio.Future[None] | None = None
        self._committer: asyncio.Task[None] | None = None
        self._deleter: AsyncConnection | None = None
        #: Rows deleted by ``forget_addressed_to`` whose messages may still be queued here.
        self.cancelled: set[str] = set()
        #: Rows another worker took over while this one could not renew; it sends them.
        self.taken: set[str] = set()
        #: The rows this worker owns, each with its lease as last written (epoch seconds).
        self._leases: dict[str, float] = {}
        #: A send needs its lease to hold this much longer (a third of it: one renewal late).
        self._margin = self.lease.total_seconds() / 3
        self._renewing: asyncio.Task[int] | None = None
        #: Sends wait while renewals fail; the log says so once, not once per attempt.
        self._renewals = Outage(log, "renewing the outbox leases before sending (sending waits)")

    # --- writing ---------------------------------------------------------------------------
    async def store(
        self, connection: AsyncConnection, outbounds: Sequence[Outbound], now: datetime
    ) -> list[str]:
        """Write ``outbounds`` in the caller's transaction, owned by this worker; return their
        ids, in order."""
        if not outbounds:
            return []
        ids = [uuid.uuid4().hex for _ in outbounds]
        lease_until = _wall_now() + self.lease
        expires = lease_until.timestamp()
        for outbox_id in ids:
            self._leases[outbox_id] = expires
        rows = [
            {
                "id": outbox_id,
                "position": position,
                "platform": outbound.platform,
                "payload": payload,
                "created_at": now,
                "owner": self.owner,
                "lease_until": lease_until,
                "recipient": str(outbound.recipient) if outbound.recipient else None,
                "space": str(outbound.space) if outbound.space else None,
            }
            for position, (outbox_id, outbound, payload) in enumerate(
                zip(ids, outbounds, outbounds_to_json(outbounds), strict=True)
            )
        ]
        await connection.execute(tables.outbox.insert(), rows)
        return ids

    async def size(self) -> int:
        """How many owed messages the outbox holds (every worker's rows)."""
        async with self.storage.engine.connect() as connection:
            count = await connection.scalar(sa.select(sa.func.count()).select_from(tables.outbox))
        return int(count or 0)

    def hold(self, outbox_id: str) -> None:
        """The row's message has been handed to a send queue (after its transaction committed)."""
        self.held.add(outbox_id)

    # --- settling --------------------------------------------------------------------------
    async def delivered(self, outbox_id: str) -> None:
        """The message was delivered (or given up on): delete its row; return once committed.

        Rows settled while a commit is running share the next one.
        """
        self._deleting.append(outbox_id)
        if self._commit is None:
            self._commit = asyncio.get_running_loop().create_future()
        commit = self._commit
        if self._committer is None or self._committer.done():
            self._committer = asyncio.get_running_loop().create_task(self._delete_settled())
        await asyncio.shield(commit)

    async def _delete_settled(self) -> None:
        while self._deleting:
            await asyncio.sleep(0)  # let the lanes finishing this very moment join the batch
            batch, self._deleting = self._deleting, []
            commit, self._commit = self._commit, None
            try:
                await self._delete(batch)
            except Exception:
                log.exception("could not delete %d delivered outbox rows", len(batch))
            finally:
                self.held.difference_update(batch)
                for outbox_id in batch:
                    self._leases.pop(outbox_id, None)
                if commit is not None and not commit.done():
                    commit.set_result(None)

    async def _delete(self, ids: list[str]) -> None:
        # One connection kept for these deletes: a commit per delivery is the hot path, and a
        # pool checkout and reset cost as much again as the delete itself.
        if self._deleter is None:
            self._deleter = await self.storage.engine.connect()
        connection = self._deleter
        try:
            async with connection.begin():
                for batch in in_batches(connection, ids):
                    chunk = one_of(connection, tables.outbox.c.id, batch)
                    await connection.execute(tables.outbox.delete().where(chunk))
        except Exception:
            self._deleter = None
            with contextlib.suppress(Exception):
                await connection.close()
            raise

    async def settle(self) -> None:
        """Wait until every settled message's row is deleted."""
        while self._committer is not None and not self._committer.done():
            await asyncio.shield(self._committer)

    # --- leases ----------------------------------------------------------------------------
    async def claim(self) -> list[tuple[str, Outbound]]:
        """Take the rows no live worker holds (never owned, lease run out, owner dead on this
        host), oldest first, and lease them to this worker."""
        now = _wall_now()
        async with self.storage.transaction() as connection:
            await self._expire_dead_owners(connection, now)
            free = sa.or_(tables.outbox.c.owner.is_(None), tables.outbox.c.lease_until < now)
            query = (
                sa.select(tables.outbox.c.id, tables.outbox.c.payload)
                .where(free, tables.outbox.c.owner.is_distinct_from(self.owner))
                .order_by(tables.outbox.c.created_at, tables.outbox.c.position)
                .limit(CLAIM_BATCH)
            )
            if self.storage.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = (await connection.execute(query)).all()
            ids = [row.id for row in rows]
            for batch in in_batches(connection, ids):
                await connection.execute(
                    tables.outbox.update()
                    .where(one_of(connection, tables.outbox.c.id, batch))
                    .values(owner=self.owner, lease_until=now + self.lease)
                )
        expires = (now + self.lease).timestamp()
        for outbox_id in ids:
            self._leases[outbox_id] = expires
        owed = []
        for row in rows:
            try:
                owed.append((row.id, outbound_from_json(row.payload)))
            except Exception:
                log.exception("outbox row %s cannot be read; dropped", row.id)
                await self.delivered(row.id)
        return owed

    async def _expire_dead_owners(self, connection: AsyncConnection, now: datetime) -> None:
        owners = await connection.execute(
            sa.select(tables.outbox.c.owner)
            .where(tables.outbox.c.owner.is_not(None), tables.outbox.c.lease_until >= now)
            .distinct()
        )
        dead = [owner for (owner,) in owners if owner != self.owner and self.is_gone(owner)]
        if dead:
            log.info("taking over the outbox rows of %d stopped workers on this host", len(dead))
            await connection.execute(
                tables.outbox.update().where(tables.outbox.c.owner.in_(dead)).values(owner=None)
            )

    def is_gone(self, owner: str) -> bool:
        """Whether the worker called ``owner`` has stopped: on this host, its process is gone
        (on another host only its lease can tell, so never)."""
        host, _, rest = owner.partition(":")
        pid_text = rest.partition(":")[0]
        if host != self.host or not pid_text.isdigit():
            return False  # another machine's worker: only its lease tells
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False

    async def renew(self) -> int:
        """Extend the lease of every row this worker holds; return how many.

        When a lease had run out before the renewal committed, another worker may have taken
        the row: such rows are looked up and cancelled here (that worker sends them)."""
        # Only rows whose transaction has committed (held: queued after it) are sure to be
        # renewed by the update; a row still being written keeps the lease it was written with.
        renewing = [(i, self._leases[i]) for i in list(self.held) if i in self._leases]
        lease_until = _wall_now() + self.lease
        async with self.storage.transaction() as connection:
            result = await connection.execute(
                tables.outbox.update()
                .where(tables.outbox.c.owner == self.owner)
                .values(lease_until=lease_until)
            )
            lapsed = [outbox_id for outbox_id, expires in renewing if expires <= time.time()]
            if lapsed and self.storage.shared:
                mine: set[str] = set()
                for chunk in in_batches(connection, lapsed):
                    rows = await connection.execute(
                        sa.select(tables.outbox.c.id).where(
                            one_of(connection, tables.outbox.c.id, chunk),
                            tables.outbox.c.owner == self.owner,
                        )
                    )
                    mine.update(rows.scalars())
                lost = [outbox_id for outbox_id in lapsed if outbox_id not in mine]
                if lost:
                    log.warning(
                        "%d outbox rows were taken over by another worker while this one was "
                        "too busy to renew their lease; it sends them",
                        len(lost),
                    )
                    self.taken.update(lost)
        expires = lease_until.timestamp()
        for outbox_id, _ in renewing:
            if outbox_id in self._leases and outbox_id not in self.taken:
                self._leases[outbox_id] = expires
            else:
                self._leases.pop(outbox_id, None)
        return result.rowcount

    def is_leased(self, outbox_id: str) -> bool:
        """Whether this worker may send the row now: its lease holds long enough (always on
        SQLite, where no other process takes rows over)."""
        if not self.storage.shared:
            return True
        expires = self._leases.get(outbox_id)
        if expires is None:
            return outbox_id not in self.taken
        return time.time() < expires - self._margin

    async def may_send(self, outbox_id: str) -> bool:
        """Renew until the row's lease holds (``is_leased``); ``False`` if another worker took
        it over meanwhile (then that one sends it)."""
        while not self.is_leased(outbox_id):
            if self._renewing is None or self._renewing.done():
                self._renewing = asyncio.get_running_loop().create_task(self.renew())
            try:
                await asyncio.shield(self._renewing)
            except Exception as error:
                await self._renewals.failed(error)
                await asyncio.sleep(min(self._margin, 1.0))
            else:
                self._renewals.succeeded()
            if outbox_id in self.taken:
                self.taken.discard(outbox_id)
                self.held.discard(outbox_id)
                return False
        return True

    async def release(self) -> int:
        """Give up this worker's unsent rows (on stop), so another worker need not wait."""
        async with self.storage.transaction() as connection:
            result = await connection.execute(
                tables.outbox.update()
                .where(tables.outbox.c.owner == self.owner)
                .values(owner=None, lease_until=None)
            )
        self.held.clear()
        self._leases.clear()
        return result.rowcount

    async def close(self) -> None:
        """Wait for the last deletes and close their connection."""
        await self.settle()
        if self._deleter is not None:
            connection, self._deleter = self._deleter, None
            await connection.close()

    # --- privacy ---------------------------------------------------------------------------
    async def forget_addressed_to(
        self,
        connection: AsyncConnection,
        members: Sequence[MemberRef] = (),
        spaces: Sequence[SpaceRef] = (),
    ) -> int:
        """Delete owed messages addressed to ``members`` (DMs) or posted in ``spaces`` (their DM
        spaces), in the caller's transaction; return how many. Used by ``forget me``."""
        targets = []
        if members:
            targets.append(tables.outbox.c.recipient.in_([str(ref) for ref in members]))
        if spaces:
            targets.append(tables.outbox.c.space.in_([str(ref) for ref in spaces]))
        if not targets:
            return 0
        addressed = sa.or_(*targets)
        ids = [
            row.id
            for row in await connection.execute(sa.select(tables.outbox.c.id).where(addressed))
        ]
        if not ids:
            return 0
        await connection.execute(tables.outbox.delete().where(addressed))
        # The queue skips these if they are still waiting (a rollback would leave them owed
        # until this worker's next start).
        self.cancelled.update(ids)
        for outbox_id in ids:
            self._leases.pop(outbox_id, None)
        return len(ids)

    def is_cancelled(self, outbox_id: str) -> bool:
        """Whether the row was forgotten while its message waited in a send queue."""
        if outbox_id in self.cancelled:
            self.cancelled.discard(outbox_id)
            self.held.discard(outbox_id)
            self._leases.pop(outbox_id, None)
            return True
        return False
