"""Slack requests are acknowledged only once their work is done or durably recorded.

Slack wants an ack within 3 seconds and does not send an acked request again, so a crash
between the ack and the work would lose a member's command. ``Inbox.take`` starts the work and
waits for it up to ``within`` seconds (nearly every command finishes in milliseconds): then the
ack goes out after the work. A slower command is first written to salon's state table (under
``slack:<bot user>:inbox``), then acknowledged; the row is removed when the work ends. At the
next start, rows left by a crash are handled again (``replay``). What remains: a crash after a
recorded command finished but before its row was removed handles it once more; commands that
change state are still applied once (the core's event ledger), a read-only one answers twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from salon.core import Bot
from salon.core.aio import TaskOwner

log = logging.getLogger(__name__)

Work = Coroutine[Any, Any, None]
#: How long an ack may wait for the work: well inside Slack's 3 s, with room for the write.
ACK_WITHIN = 2.0
#: Until the adapter knows its bot user and sets ``Inbox.state_key`` to one per bot.
INBOX_KEY = "slack:inbox"


class _Entry:
    """One request's work: its row's key once recorded, and whether it has ended."""

    def __init__(self, key: str | None = None) -> None:
        self.key = key
        self.finished = False


class Inbox:
    """Acked-but-unfinished Slack requests, kept in one state row until their work ends."""

    def __init__(self, storage: Bot, tasks: TaskOwner, *, within: float = ACK_WITHIN) -> None:
        self.storage = storage
        self.tasks = tasks
        self.within = within
        self.state_key = INBOX_KEY
        self._open: dict[str, dict[str, Any]] = {}
        self._lock = asyncio.Lock()

    async def take(self, body: dict[str, Any], work: Work) -> None:
        """Run ``work``; return when it is done, or after ``within`` seconds once ``body`` is
        recorded. Either way the caller may then acknowledge the request."""
        entry = _Entry()
        task = self.tasks.spawn(self._run(work, entry), "slack-inbound")
        done, _ = await asyncio.wait({task}, timeout=self.within)
        if done:
            return
        entry.key = uuid.uuid4().hex
        await self._change(entry.key, body)
        if entry.finished:  # it ended while the row was being written
            await self._change(entry.key, None)

    async def replay(self, work_for: Callable[[dict[str, Any]], Work | None]) -> int:
        """Start again the work of every request recorded before a crash; how many."""
        recorded = await self.storage.get_state(self.state_key, {})
        self._open = dict(recorded) if isinstance(recorded, dict) else {}
        started = 0
        for key, body in list(self._open.items()):
            work = work_for(body) if isinstance(body, dict) else None
            if work is None:
                await self._change(key, None)
                continue
            started += 1
            self.tasks.spawn(self._run(work, _Entry(key)), "slack-inbound-replay")
        if started:
            log.info("slack: handling %d request(s) acknowledged before the last stop", started)
        return started

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
                    await self._change(entry.key, None)

    async def _change(self, key: str, body: dict[str, Any] | None) -> None:
        async with self._lock:
            if body is None:
                if self._open.pop(key, None) is None:
                    return
            else:
                self._open[key] = body
            await self.storage.set_state(self.state_key, self._open)
