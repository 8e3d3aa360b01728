"""The sync loop: long-poll ``/sync``, hand each response to the adapter, keep the position.

The ``since`` token lives in salon's state table so a restart resumes where it stopped; on the
very first start the history before the first sync is skipped.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import nio

from salon.adapters.matrix.login import raise_if_unavailable
from salon.core import ConfigError

if TYPE_CHECKING:
    from salon.adapters.matrix.adapter import MatrixAdapter

log = logging.getLogger(__name__)

#: Only what the bot reads: no presence, typing or receipts, and the ``m.direct`` account data.
SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "account_data": {"types": ["m.direct"]},
    "room": {
        "ephemeral": {"not_types": ["*"]},
        "account_data": {"not_types": ["*"]},
        "timeline": {"limit": 50},
    },
}
#: A batch with nothing for the core (the bot's own echoes, typing-free quiet polls) moves the
#: stored token at most this often (and always on stop); one that carried events is saved at
#: once (``remember(now=True)``).
SAVE_SINCE_EVERY = 1.0
SINCE_KEY = "since"


class Syncer:
    """Owns the sync task and the stored ``since`` token of one adapter."""

    def __init__(self, adapter: MatrixAdapter) -> None:
        self.adapter = adapter
        self.since: str | None = None
        self.synced = asyncio.Event()
        self._saved_since: str | None = None
        self._saved_at = 0.0
        self._wanted: str | None = None
        self._saver: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Resume from the stored token, or (first start) look around without answering."""
        adapter = self.adapter
        key = adapter.state_key(SINCE_KEY)
        self.since = self._saved_since = await adapter.bot.get_state(key)
        if self.since is None:
            # First start: join what we were invited to, but answer nothing from before now.
            response = await adapter.client.sync(timeout=0, sync_filter=SYNC_FILTER)
            raise_if_unavailable(response)
            if not isinstance(response, nio.SyncResponse):
                raise ConfigError(f"adapters.matrix: the first sync failed: {response}")
            await adapter.process(response, history=True)
        self._task = adapter.bot.loops.spawn(self._run(), "matrix-sync")

    async def stop(self) -> None:
        """Cancel the long poll and write the latest token."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self.flush()
        if self.since is not None and self.since != self._saved_since:
            await self._save(self.since)

    async def remember(self, token: str, *, now: bool) -> None:
        """The batch up to ``token`` is handled; store it now or when next due.

        The write runs beside the sync loop, not in its way: the next batch is read and
        handled meanwhile, and batches handled during a write are stored together by the
        next one, so a burst costs a write per write's duration rather than per batch.
        """
        self.since = token
        if now or time.monotonic() - self._saved_at >= SAVE_SINCE_EVERY:
            self._wanted = token
            if self._saver is None or self._saver.done():
                self._saver = self.adapter.bot.loops.spawn(self._save_wanted(), "matrix-since")
        self.synced.set()

    async def flush(self) -> None:
        """Wait until the write of the last position due to be stored (if any) is done."""
        saver = self._saver
        if saver is not None:
            await asyncio.gather(saver, return_exceptions=True)

    async def _save_wanted(self) -> None:
        while self._wanted is not None and self._wanted != self._saved_since:
            await self._save(self._wanted)

    async def _save(self, token: str) -> None:
        self._saved_at = time.monotonic()
        await self.adapter.bot.set_state(self.adapter.state_key(SINCE_KEY), token)
        self._saved_since = token

    async def _run(self) -> None:
        adapter = self.adapter
        failures = 0
        while True:
            try:
                response: Any = await adapter.client.sync(
                    timeout=adapter.config.sync_timeout_ms,
                    sync_filter=SYNC_FILTER,
                    since=self.since,
                )
            except (TimeoutError, OSError, nio.exceptions.LocalProtocolError) as error:
                response = error
            except Exception as error:  # aiohttp's errors and anything unforeseen
                response = error
            if isinstance(response, nio.SyncResponse):
                failures = 0
                try:
                    await adapter.process(response)
                except Exception as error:
                    await adapter.bot.report_error(error, "matrix sync handling")
                continue
            failures += 1
            delay = min(0.5 * 2**failures, 60.0)
            log.warning("matrix: sync failed (%s); retrying in %.1fs", response, delay)
            await asyncio.sleep(delay)
