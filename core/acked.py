"""Requests acknowledged before their work finished: one row each, shared by every worker.

A platform that wants its ack within seconds and never sends an acked request again (Slack)
would lose a member's command if the worker died between the ack and the end of the work. So
a slow request is recorded here first (``record``), acknowledged, and its row deleted when the
work ends (``finish``). Rows are owned and leased like the outbox's (the same worker name and
lease, renewed by the bot while it runs): a worker that dies leaves its rows to whichever
worker ``claim``s them next, at once on the same host, after the lease on another. On SQLite
one process serves the database, so every row it does not own is left from an earlier run.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.outbox import Outbox
from salon.core.storage import tables
from salon.core.storage.engine import Storage


def _wall_now() -> datetime:
    return datetime.now(UTC)


class AckedRequests:
    """The ``salon_acked_requests`` rows of this worker and the ones it takes over.

    :param outbox: whose worker name, lease and liveness check the rows share.
    """

    def __init__(self, storage: Storage, outbox: Outbox) -> None:
        self.storage = storage
        self.outbox = outbox

    async def record(
        self,
        source: str,
        body: Mapping[str, Any],
        *,
        owned: bool = True,
        connection: AsyncConnection | None = None,
    ) -> str:
        """Store ``body`` (received by ``source``, e.g. ``"slack:U0BOT"``), owned by this
        worker (or by none: the next ``claim`` takes it); return the row's id once committed
        (or in ``connection``'s transaction)."""
        if connection is None:
            async with self.storage.transaction() as own:
                return await self.record(source, body, owned=owned, connection=own)
        now = _wall_now()
        request_id = uuid.uuid4().hex
        await connection.execute(
            tables.acked_requests.insert().values(
                id=request_id,
                source=source,
                body=dict(body),
                received_at=now,
                owner=self.outbox.owner if owned else None,
                lease_until=now + self.outbox.lease if owned else None,
            )
        )
        return request_id

    async def finish(self, request_id: str) -> None:
        """The request's work ended (done or failed): delete its row."""
        async with self.storage.transaction() as connection:
            await connection.execute(
                tables.acked_requests.delete().where(tables.acked_requests.c.id == request_id)
            )

    async def claim(self, source: str) -> list[tuple[str, dict[str, Any]]]:
        """Take the rows of ``source`` that no live worker holds (never owned, lease run out,
        owner stopped), oldest first; return their ids and bodies."""
        table = tables.acked_requests
        now = _wall_now()
        async with self.storage.transaction() as connection:
            query = (
                sa.select(table.c.id, table.c.body, table.c.owner, table.c.lease_until)
                .where(table.c.source == source)
                .where(table.c.owner.is_distinct_from(self.outbox.owner))
                .order_by(table.c.received_at, table.c.id)
            )
            if self.storage.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = [row for row in (await connection.execute(query)).all() if self._free(row, now)]
            if rows:
                await connection.execute(
                    table.update()
                    .where(table.c.id.in_([row.id for row in rows]))
                    .values(owner=self.outbox.owner, lease_until=now + self.outbox.lease)
                )
        return [(row.id, row.body) for row in rows]

    def _free(self, row: Any, now: datetime) -> bool:
        if row.owner is None or not self.storage.shared:
            return True
        return row.lease_until is None or row.lease_until < now or self.outbox.is_gone(row.owner)

    async def renew(self) -> int:
        """Extend the lease of every row this worker holds; return how many."""
        async with self.storage.transaction() as connection:
            result = await connection.execute(
                tables.acked_requests.update()
                .where(tables.acked_requests.c.owner == self.outbox.owner)
                .values(lease_until=_wall_now() + self.outbox.lease)
            )
        return result.rowcount

    async def release(self) -> int:
        """Give up this worker's unfinished rows (on stop), so another worker need not wait."""
        async with self.storage.transaction() as connection:
            result = await connection.execute(
                tables.acked_requests.update()
                .where(tables.acked_requests.c.owner == self.outbox.owner)
                .values(owner=None, lease_until=None)
            )
        return result.rowcount
