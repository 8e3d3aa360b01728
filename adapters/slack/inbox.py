"""Slack requests are acknowledged only once their work is done or durably recorded.

Slack wants an ack within 3 seconds and does not send an acked request again, so a crash
between the ack and the work would lose a member's command. ``Inbox.take`` starts the work and
waits for it up to ``within`` seconds (nearly every command finishes in milliseconds): then the
ack goes out after the work. A slower command is first recorded, one row per request, in the
core's acknowledged requests (``salon.core.acked``), then acknowledged; the row is deleted when
the work ends. Rows a dead worker left are taken over and handled again (``replay``): at the
next start, and every third of the lease by every running worker, so with several workers on
PostgreSQL another one finishes what a dead one had acked. What remains: a crash after a
recorded command finished but before its row was deleted handles it once more; commands that
change state are still applied once (the core's event ledger), and on PostgreSQL a read-only
one is answered once too (the claimed replies).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from salon.core import Bot
from salon.core.aio import TaskOwner

log = logging.getLogger(__name__)

Work = Coroutine[Any, Any, None]
WorkFor = Callable[[dict[str, Any]], Work | None]
#: How long an ack may wait for the work: well inside Slack's 3 s, with room for the write.
ACK_WITHIN = 2.0
#: Until the adapter knows its bot user and sets ``Inbox.source`` to one per bot.
INBOX_SOURCE = "slack"


class _Entry:
    """One request's work: its row's id once recorded, and whether it has ended."""

    def __init__(self, key: str | None = None) -> None:
        self.key = key
        self.finished = False


class Inbox:
    """Acked-but-unfinished Slack requests, one row each until their work ends."""

    def __init__(self, bot: Bot, tasks: TaskOwner, *, within: float = ACK_WITHIN) -> None:
        self.bot = bot
        self.tasks = tasks
        self.within = within
        self.source = INBOX_SOURCE

    async def take(self, body: dict[str, Any], work: Work) -> None:
        """Run ``work``; return when it is done, or after ``within`` seconds once ``body`` is
        recorded. Either way the caller may then acknowledge the request."""
        entry = _Entry()
        task = self.tasks.spawn(self._run(work, entry), "slack-inbound")
        done, _ = await asyncio.wait({task}, timeout=self.within)
        if done:
            return
        entry.key = await self.bot.acked.record(self.source, body)
        if entry.finished:  # it ended while the row was being written
            await self.bot.acked.finish(entry.key)

    async def replay(self, work_for: WorkFor) -> int:
        """Start again the work of every request a stopped worker had recorded; how many."""
        await self._import_state_row()
        started = 0
        for key, body in await self.bot.acked.claim(self.source):
            work = work_for(body) if isinstance(body, dict) else None
            if work is None:
                await self.bot.acked.finish(key)
                continue
            started += 1
            self.tasks.spawn(self._run(work, _Entry(key)), "slack-inbound-replay")
        if started:
            log.info("slack: handling %d request(s) acknowledged by a stopped worker", started)
        return started

    async def watch(self, work_for: WorkFor, every: float) -> None:
        """Take over, every ``every`` seconds, what workers that died had acknowledged."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.replay(work_for)
            except Exception as error:
                await self.bot.report_error(error, "slack: taking over acknowledged requests")

    async def _import_state_row(self) -> None:
        # Before core_0007 the requests were kept in one state row per bot: move them over.
        legacy_key = f"{self.source}:inbox"
        recorded = await self.bot.get_state(legacy_key)
        if not recorded:
            return
        async with self.bot.storage.transaction() as db:
            for body in recorded.values() if isinstance(recorded, dict) else ():
                if isinstance(body, dict):
                    await self.bot.acked.record(self.source, body, owned=False, connection=db)
            await self.bot.set_state(legacy_key, None, db)

    async def _run(self, work: Work, entry: _Entry) -> None:
        cancelled = False
        try:
            await work
        except asyncio.CancelledError:
            # salon stopped before the work was done: the row stays for the next start.
            cancelled = True
            raise
        finally:
            # Done, or failed (reported by the task owner; handling it again would only fail
            # again): the row goes.
            if not cancelled:
                entry.finished = True
                if entry.key is not None:
                    await self.bot.acked.finish(entry.key)
