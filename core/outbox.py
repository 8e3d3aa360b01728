"""The durable outbox: what a scheduled job sends survives a crash between commit and send.

A job's messages are written to ``salon_outbox`` inside the job's own transaction, so the job
advancing and its messages being owed commit together. The send queue reports each delivery
(or final failure) and the row is deleted, in small batches; at startup, rows still there are
sent again. Delivery is therefore at-least-once across a crash, exactly once otherwise.
Command replies do not go through here: they answer a live message and stay in memory.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.model import Outbound
from salon.core.serialization import outbound_from_json, outbound_to_json
from salon.core.storage import tables
from salon.core.storage.engine import Storage

log = logging.getLogger(__name__)


class Outbox:
    """Stores owed messages and forgets them once delivered."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._done: list[str] = []
        self._flusher: asyncio.Task[None] | None = None

    async def store(
        self, connection: AsyncConnection, outbounds: Sequence[Outbound], now: datetime
    ) -> list[str]:
        """Write ``outbounds`` in the caller's transaction; return their ids, in order."""
        if not outbounds:
            return []
        ids = [uuid.uuid4().hex for _ in outbounds]
        rows = [
            {
                "id": outbox_id,
                "position": position,
                "platform": outbound.platform,
                "payload": outbound_to_json(outbound),
                "created_at": now,
            }
            for position, (outbox_id, outbound) in enumerate(zip(ids, outbounds, strict=True))
        ]
        await connection.execute(tables.outbox.insert(), rows)
        return ids

    def mark_done(self, outbox_id: str) -> None:
        """The message was delivered (or given up on): delete its row soon, with others."""
        self._done.append(outbox_id)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        while self._done:
            batch, self._done = self._done[:500], self._done[500:]
            try:
                async with self.storage.transaction() as connection:
                    await connection.execute(
                        tables.outbox.delete().where(tables.outbox.c.id.in_(batch))
                    )
            except Exception:
                log.exception("could not clear %d delivered outbox rows", len(batch))
                return

    async def settle(self) -> None:
        """Wait until every delivered message's row is deleted."""
        if self._flusher is not None:
            await self._flusher
        if self._done:
            await self._flush()

    close = settle

    async def pending(self) -> list[tuple[str, Outbound]]:
        """Messages owed from before the last stop, oldest first."""
        order = (tables.outbox.c.created_at, tables.outbox.c.position)
        async with self.storage.engine.connect() as connection:
            rows = await connection.execute(sa.select(tables.outbox).order_by(*order))
            owed = []
            for row in rows:
                try:
                    owed.append((row.id, outbound_from_json(row.payload)))
                except Exception:
                    log.exception("outbox row %d cannot be read; dropped", row.id)
                    self.mark_done(row.id)
            return owed
