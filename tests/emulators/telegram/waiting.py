"""A broadcast "something changed" signal that synchronous code can fire."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

__all__ = ["Changed"]


class Changed:
    """Wake every coroutine waiting for a condition; ``notify`` needs no lock and no await.

    Each notify sets the current event and swaps in a fresh one, so waiters re-check their
    predicate after every change. Single-threaded asyncio makes check-then-wait race-free.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], within: float | None) -> bool:
        """Wait until ``predicate()`` holds or ``within`` seconds pass; returns its last value."""
        loop = asyncio.get_running_loop()
        deadline = None if within is None else loop.time() + within
        while not predicate():
            event = self._event
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True
