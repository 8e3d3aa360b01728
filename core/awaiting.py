"""Members a plugin is waiting on for a free-text reply in a direct message.

While a member is awaited, their plain DM text goes to the ``message_received`` hook *before*
command parsing, so "stats homework, then chapter 5" answers a check-in question instead of
running ``stats``. With the prefix (``!stats``) it is always a command.

This is a hint, rebuilt by plugins at ``startup``: if a plugin finds nothing open it returns
``None`` and the text is parsed as a command as usual, so a stale entry costs one look and never
a wrong answer. In one process it lives in memory. With several workers on one database
(``Storage.shared``) it is also written to ``salon_awaited_replies``, so the answer reaches the
plugin whichever worker it arrives at: ``expect`` and ``release`` stay synchronous and their
writes leave in order, batched, right away (long before a member can type an answer).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from salon.core.clock import Clock, SystemClock
from salon.core.model import MemberRef
from salon.core.storage import tables
from salon.core.storage.engine import Storage

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]


class AwaitedReplies:
    """Which members which plugins expect a reply from.

    :param storage: the database to share the hint through when it is ``shared``.
    :param spawn: starts the background write (the bot's task owner, awaited on stop).
    """

    def __init__(
        self,
        storage: Storage | None = None,
        clock: Clock | None = None,
        spawn: Spawn | None = None,
    ) -> None:
        self._plugins: dict[MemberRef, set[str]] = {}
        self._storage = storage if storage is not None and storage.shared else None
        self._clock: Clock = clock or SystemClock()
        self._spawn = spawn
        self._pending: list[tuple[bool, MemberRef, str]] = []
        self._writer: asyncio.Task[Any] | None = None

    def expect(self, member: MemberRef, plugin: str) -> None:
        """``plugin`` asked ``member`` something and waits for the answer."""
        self._plugins.setdefault(member, set()).add(plugin)
        self._share(True, member, plugin)

    def release(self, member: MemberRef, plugin: str) -> None:
        """``plugin`` no longer waits for ``member``."""
        plugins = self._plugins.get(member)
        if plugins is not None:
            plugins.discard(plugin)
            if not plugins:
                del self._plugins[member]
        self._share(False, member, plugin)

    def plugins(self, member: MemberRef) -> frozenset[str]:
        """The plugins this worker knows to be waiting on ``member``."""
        return frozenset(self._plugins.get(member, ()))

    async def waiting(self, member: MemberRef) -> frozenset[str]:
        """The plugins waiting on ``member``, on any worker: only they are offered the member's
        reply first. One indexed read when shared and this worker knows of none."""
        local = self.plugins(member)
        if local or self._storage is None:
            return local
        awaited = tables.awaited_replies
        async with self._storage.engine.connect() as db:
            rows = await db.execute(
                sa.select(awaited.c.plugin).where(
                    awaited.c.platform == member.platform, awaited.c.member_id == member.id
                )
            )
            return frozenset(rows.scalars())

    async def settle(self) -> None:
        """Wait until every ``expect`` and ``release`` so far is written (when shared)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.wait([self._writer])

    async def prune(self, older_than: datetime) -> int:
        """Forget hints older than ``older_than`` (plugins renew theirs at every start)."""
        if self._storage is None:
            return 0
        async with self._storage.transaction() as db:
            result = await db.execute(
                tables.awaited_replies.delete().where(tables.awaited_replies.c.since < older_than)
            )
        return result.rowcount

    def __contains__(self, member: object) -> bool:
        return member in self._plugins

    def __len__(self) -> int:
        return len(self._plugins)

    # --- sharing ---------------------------------------------------------------------------
    def _share(self, expected: bool, member: MemberRef, plugin: str) -> None:
        if self._storage is None:
            return
        self._pending.append((expected, member, plugin))
        if self._writer is None or self._writer.done():
            write = self._write()
            self._writer = (
                self._spawn(write, "awaited-replies")
                if self._spawn is not None
                else asyncio.get_running_loop().create_task(write)
            )

    async def _write(self) -> None:
        assert self._storage is not None
        storage = self._storage
        awaited = tables.awaited_replies
        while self._pending:
            batch, self._pending = self._pending, []
            now = self._clock.now()
            async with storage.transaction() as db:
                # Consecutive operations of one kind go in one statement; the order is kept.
                for expected, group in _runs(batch):
                    if expected:
                        keys = ["platform", "member_id", "plugin"]
                        rows = [
                            {"platform": m.platform, "member_id": m.id, "plugin": p, "since": now}
                            for m, p in group
                        ]
                        await db.execute(storage.upsert(awaited, keys).many(["since"]), rows)
                    else:
                        for member, plugin in group:
                            await db.execute(
                                awaited.delete().where(
                                    awaited.c.platform == member.platform,
                                    awaited.c.member_id == member.id,
                                    awaited.c.plugin == plugin,
                                )
                            )


def _runs(
    batch: list[tuple[bool, MemberRef, str]],
) -> list[tuple[bool, list[tuple[MemberRef, str]]]]:
    runs: list[tuple[bool, list[tuple[MemberRef, str]]]] = []
    for expected, member, plugin in batch:
        if runs and runs[-1][0] is expected:
            runs[-1][1].append((member, plugin))
        else:
            runs.append((expected, [(member, plugin)]))
    return runs
