"""The bot's pending-update queue with ``getUpdates`` long-poll semantics.

From https://core.telegram.org/bots/api#getupdates:
- an update is confirmed (and forgotten) once ``getUpdates`` is called with an ``offset`` higher
  than its ``update_id``; a negative offset keeps only the last ``-offset`` updates;
- ``timeout`` is the long-poll wait in seconds; ``limit`` is clamped to 1-100;
- ``allowed_updates`` is remembered and applies to updates created *after* the call;
- only one ``getUpdates`` may wait at a time: a newer one ends the older with 409
  ("terminated by other getUpdates request").
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from typing import Any

from .waiting import Changed

__all__ = ["DEFAULT_ALLOWED_UPDATES", "PollTerminated", "UpdateQueue", "update_type"]

# Telegram's default when allowed_updates is unset or empty.
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


class PollTerminated(Exception):
    """A newer ``getUpdates`` took over while this one was waiting."""


def update_type(update: dict[str, Any]) -> str:
    """The update's kind: the one key besides ``update_id`` (``message``, ``callback_query``...)."""
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Pending updates, in order, with a single long-polling reader at a time."""

    def __init__(self, first_update_id: int = 100_000_001) -> None:
        self._ids = itertools.count(first_update_id)
        self._pending: list[dict[str, Any]] = []
        self._changed = Changed()
        self._generation = 0
        self._closed = False
        self._waiting = 0
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed (a copy)."""
        return list(self._pending)

    def set_allowed_updates(self, allowed: Sequence[str] | None) -> None:
        """Remember ``allowed_updates``; an empty list restores Telegram's default set."""
        if allowed is None:
            return
        self.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES

    def push(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Give ``payload`` (``{"message": ...}``) an ``update_id`` and queue it if allowed.

        Telegram never creates updates of a kind the bot did not ask for, so those are numbered
        and returned but not queued.
        """
        update = {"update_id": next(self._ids), **payload}
        if update_type(update) in self.allowed_updates:
            self._pending.append(update)
            self._changed.notify()
        return update

    def confirm(self, offset: int | None) -> None:
        """Forget confirmed updates as an ``offset`` argument does."""
        if not offset:
            return
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        else:
            self._pending = self._pending[offset:]

    def remove(self, update_id: int) -> None:
        """Forget one update (a webhook accepted it)."""
        self._pending = [u for u in self._pending if u["update_id"] != update_id]

    def requeue(self, update: dict[str, Any]) -> None:
        """Make ``update`` pending again, in ``update_id`` order (a confirmation never arrived)."""
        if any(u["update_id"] == update["update_id"] for u in self._pending):
            return
        self._pending.append(update)
        self._pending.sort(key=lambda u: u["update_id"])
        self._changed.notify()

    def drop_all(self) -> None:
        """``drop_pending_updates=True``."""
        self._pending.clear()

    async def poll(self, offset: int | None, limit: int, wait: float) -> list[dict[str, Any]]:
        """Serve one ``getUpdates``: confirm, then wait up to ``wait`` seconds for news.

        :raises PollTerminated: a newer ``getUpdates`` arrived while this one waited.
        """
        self.confirm(offset)
        limit = min(max(limit, 1), 100)
        self._generation += 1
        mine = self._generation
        self._changed.notify()  # an older poller wakes up and sees it was superseded
        if wait > 0:
            self._waiting += 1
            self._changed.notify()
            try:
                await self._changed.wait_until(
                    lambda: bool(self._pending) or self._closed or self._generation != mine, wait
                )
            finally:
                self._waiting -= 1
        if self._generation != mine:
            raise PollTerminated
        return list(self._pending[:limit])

    async def wait_for_pending(self, busy: Collection[int] = ()) -> dict[str, Any] | None:
        """The oldest pending update not ``busy`` (being posted) once there is one (None once
        closed); for webhooks."""

        def free() -> dict[str, Any] | None:
            return next((u for u in self._pending if u["update_id"] not in busy), None)

        await self._changed.wait_until(lambda: free() is not None or self._closed, None)
        return None if self._closed else free()

    @property
    def is_polled(self) -> bool:
        """Whether a ``getUpdates`` long poll is waiting right now."""
        return self._waiting > 0

    async def wait_until_polled(self, within: float) -> bool:
        """Wait until a long poll is waiting (the bot is connected); False on timeout."""
        return await self._changed.wait_until(lambda: self._waiting > 0, within)

    def close(self) -> None:
        """Release every waiter so the server can shut down promptly."""
        self._closed = True
        self._changed.notify()
