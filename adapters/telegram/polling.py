"""Long polling: ``getUpdates`` with an offset that salon keeps in its own database.

Telegram forgets an update once ``getUpdates`` is called with a higher ``offset``
(https://core.telegram.org/bots/api#getupdates). The poller stores the next offset in salon's
state table after each update is handed to the core, so a restart resumes after the last
handled update instead of seeing it again, even if the process died before telling Telegram.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from salon.adapters.telegram.delivery import retry_seconds
from salon.adapters.telegram.raw_bot import TelegramBot
from salon.core import Bot

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
_MAX_BACKOFF = 30.0


class Poller:
    """Owns the polling task: fetch, hand each update to ``handle``, store the offset."""

    def __init__(
        self,
        ptb: TelegramBot,
        storage: Bot,
        handle: Callable[[Update], Awaitable[None]],
        report_error: Callable[[BaseException, str], Awaitable[object]],
        *,
        state_key: str,
        timeout: int,
        read_timeout: float | None = None,
    ) -> None:
        """:param read_timeout: that of the ``get_updates_request`` (the long poll is added)."""
        self.ptb = ptb
        self.storage = storage
        self.handle = handle
        self.report_error = report_error
        self.state_key = state_key
        self.timeout = timeout
        self.read_timeout = read_timeout
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._waiting = False

    async def start(self) -> None:
        offset = await self.storage.get_state(self.state_key)
        self._stopping = False
        self._task = asyncio.get_running_loop().create_task(
            self._run(offset if isinstance(offset, int) else None), name="telegram-polling"
        )

    async def stop(self) -> None:
        """Stop polling; an update being handled is finished first, a long poll is cancelled."""
        self._stopping = True
        task, self._task = self._task, None
        if task is None:
            return
        if self._waiting:
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def _run(self, offset: int | None) -> None:
        backoff = 1.0
        while not self._stopping:
            self._waiting = True
            try:
                raw_updates = await self.ptb.get_raw_updates(
                    offset, self.timeout, ALLOWED_UPDATES, read_timeout=self.read_timeout
                )
            except RetryAfter as error:
                await asyncio.sleep(retry_seconds(error))
                continue
            except InvalidToken as error:
                await self.report_error(error, "telegram polling (the token was rejected)")
                return
            except (Conflict, NetworkError) as error:
                # Conflict: a webhook is set or another instance polls; both may pass.
                log.warning("telegram getUpdates failed (%s); retrying in %.0fs", error, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
                continue
            except TelegramError as error:
                await self.report_error(error, "telegram polling")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
                continue
            finally:
                self._waiting = False
            backoff = 1.0
            for raw in raw_updates:
                if self._stopping:
                    return
                update_id = raw.get("update_id") if isinstance(raw, dict) else None
                if not isinstance(update_id, int) or isinstance(update_id, bool):
                    log.warning("telegram: skipped an update without an update_id")
                    continue
                update = self._parse(raw, update_id)
                if update is not None:
                    try:
                        await self.handle(update)
                    except Exception as error:  # one bad update must not stop the stream
                        await self.report_error(error, f"telegram update {update_id}")
                offset = update_id + 1
                await self.storage.set_state(self.state_key, offset)

    def _parse(self, raw: dict[str, Any], update_id: int) -> Update | None:
        """The update, or ``None`` (logged, then skipped for good) if PTB cannot read it."""
        try:
            return Update.de_json(raw, self.ptb)
        except Exception as error:
            # Not the payload: it is members' text. The kinds of field are enough to look into it.
            log.warning(
                "telegram: skipped update %d that could not be read (%s: %s; fields %s)",
                update_id,
                type(error).__name__,
                error,
                sorted(raw),
            )
            return None
