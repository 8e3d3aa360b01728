"""Await a log line instead of sleeping: ``async with LogLines("salon") as lines: ...``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from types import TracebackType


class LogLines(logging.Handler):
    """Records the lines of one logger (and its children) and wakes waiters on each."""

    def __init__(self, logger: str = "salon", level: int = logging.INFO) -> None:
        super().__init__(level)
        self.logger = logging.getLogger(logger)
        self.records: list[logging.LogRecord] = []
        self._changed: asyncio.Event | None = None
        self._old_level = self.logger.level

    async def __aenter__(self) -> LogLines:
        self._changed = asyncio.Event()
        self.logger.addHandler(self)
        if self.logger.getEffectiveLevel() > self.level:
            self.logger.setLevel(self.level)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.logger.removeHandler(self)
        self.logger.setLevel(self._old_level)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if self._changed is not None:
            self._changed.set()

    def lines(self, level: int = logging.WARNING) -> list[str]:
        """The messages logged at ``level`` or above."""
        return [r.getMessage() for r in self.records if r.levelno >= level]

    async def wait_for(self, predicate: Callable[[str], bool], timeout: float = 15.0) -> str:  # noqa: ASYNC109
        """The first line (logged already or later) for which ``predicate`` holds."""
        assert self._changed is not None, "use LogLines as an async context manager"

        async def scan() -> str:
            seen = 0
            while True:
                for record in self.records[seen:]:
                    if predicate(record.getMessage()):
                        return record.getMessage()
                seen = len(self.records)
                self._changed.clear()  # type: ignore[union-attr]
                await self._changed.wait()  # type: ignore[union-attr]

        return await asyncio.wait_for(scan(), timeout)
