"""An append-only log that tests can await on: "wait until something matching arrives"."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Recorder(Generic[T]):
    """A list of recorded items plus ``wait_for``, which also sees items recorded earlier."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._changed = asyncio.Condition()

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> T:
        return self._items[index]

    @property
    def items(self) -> list[T]:
        """The recorded items, oldest first (the live list)."""
        return self._items

    async def record(self, item: T) -> None:
        """Append ``item`` and wake the waiters."""
        self._items.append(item)
        async with self._changed:
            self._changed.notify_all()

    # A default timeout here (not the caller's asyncio.timeout) keeps every test bounded.
    async def wait_for(self, predicate: Callable[[T], bool], timeout: float = 5.0) -> T:  # noqa: ASYNC109
        """The first item (already recorded or arriving within ``timeout``) matching ``predicate``.

        :raises TimeoutError: nothing matched in time; the message lists what was recorded.
        """

        def first_match() -> T | None:
            return next((item for item in self._items if predicate(item)), None)

        try:
            async with asyncio.timeout(timeout), self._changed:
                while (found := first_match()) is None:
                    await self._changed.wait()
                return found
        except TimeoutError:
            raise TimeoutError(
                f"nothing matched within {timeout}s; recorded: {self._items!r}"
            ) from None
