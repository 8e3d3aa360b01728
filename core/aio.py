"""Small asyncio helpers shared by the core."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


async def await_maybe(value: T | Awaitable[T]) -> T:
    """Await ``value`` if it is awaitable: plugin authors write ``def`` or ``async def``."""
    if value is None or not inspect.isawaitable(value):
        return value
    return await value


async def within(step: Awaitable[T], seconds: float) -> tuple[bool, T | None]:
    """Run ``step`` for up to ``seconds``: ``(True, its result)``, or ``(False, None)`` when it
    is still running then. A late step is cancelled but not waited for: it may be stuck on a
    server that stopped answering, and so may its cancellation. Its errors propagate."""
    task = asyncio.ensure_future(step)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        task.cancel()
        return False, None
    return True, task.result()


class TaskOwner:
    """Keeps references to background tasks, reports their errors and awaits them on close."""

    def __init__(self, on_error: Callable[[BaseException, str], Coroutine[Any, Any, Any]]) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_error = on_error

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            asyncio.get_running_loop().create_task(self._on_error(error, task.get_name()))

    async def settle(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the running tasks to finish; ``True`` if they did."""
        tasks = list(self._tasks)
        if not tasks:
            return True
        _, pending = await asyncio.wait(tasks, timeout=seconds)
        return not pending

    async def close(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def until_reachable(
    connect: Callable[[], Awaitable[T]],
    *,
    unreachable: tuple[type[BaseException], ...],
    what: str,
    logger: logging.Logger,
    first_delay: float = 1.0,
    max_delay: float = 30.0,
) -> T:
    """``await connect()`` until it stops failing with one of ``unreachable``.

    Retries with exponential backoff (``first_delay`` doubling up to ``max_delay``) and says so
    once, in one warning line, however long it takes; then, once, that it is reachable. Any
    other exception propagates, and so does cancellation (``salon run`` stopped meanwhile).

    :param what: the platform and address, for the log line ("Telegram at https://…").
    """
    delay = first_delay
    told = False
    while True:
        try:
            result = await connect()
        except unreachable as error:
            if not told:
                logger.warning(
                    "%s is not reachable (%s: %s); retrying with backoff until it is",
                    what,
                    type(error).__name__,
                    str(error)[:200] or "no details",
                )
                told = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
            continue
        if told:
            logger.info("%s is reachable now", what)
        return result
