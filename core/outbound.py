"""One send queue per adapter: pacing by the platform's limits, retry-after, nothing dropped.

Features hand neutral messages to ``Dispatcher.enqueue``; each adapter's queue delivers them in
order through ``Adapter.send``. ``RetryAfter`` waits and retries the same message; transient
errors retry with backoff; only a ``DeliveryError`` (or repeated failure) gives up, and then the
``delivery_failed`` hook hears about it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

from salon.core.adapter import Adapter, Rate
from salon.core.degrade import fit
from salon.core.errors import DeliveryError, RetryAfter
from salon.core.model import Outbound

log = logging.getLogger(__name__)

OnFailure = Callable[[Outbound, DeliveryError], Awaitable[None]]
OnError = Callable[[BaseException, str], Awaitable[object]]
OnDone = Callable[[str], None]


class Window:
    """A sliding-window limiter: at most ``rate.count`` events in any ``rate.per`` seconds."""

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self.times: deque[float] = deque()

    def delay(self, now: float) -> float:
        while self.times and now - self.times[0] >= self.rate.per:
            self.times.popleft()
        if len(self.times) < self.rate.count:
            return 0.0
        return self.rate.per - (now - self.times[0])

    def record(self, now: float) -> None:
        self.times.append(now)


class SendQueue:
    """Delivers one adapter's messages in order, at the pace the platform allows."""

    max_attempts = 6

    def __init__(
        self,
        adapter: Adapter,
        on_failure: OnFailure,
        on_error: OnError,
        on_done: OnDone | None = None,
    ) -> None:
        self.adapter = adapter
        #: (message, outbox id): the id of a durable message, reported to ``on_done``.
        self.queue: asyncio.Queue[tuple[Outbound, str | None]] = asyncio.Queue()
        self._on_failure = on_failure
        self._on_error = on_error
        self._on_done = on_done
        limits = adapter.rate_limits
        self._overall = Window(limits.overall) if limits.overall else None
        self._per_space_rate = limits.per_space
        self._per_space: dict[str, Window] = {}
        self._worker: asyncio.Task[None] | None = None
        self.sent = 0
        self.retries = 0

    def start(self) -> None:
        self._worker = asyncio.get_running_loop().create_task(
            self._run(), name=f"send-queue:{self.adapter.platform}"
        )

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None

    def done(self, outbox_id: str | None) -> None:
        """Report a durable message as delivered without sending it."""
        if outbox_id is not None and self._on_done is not None:
            self._on_done(outbox_id)

    def put(self, outbound: Outbound, outbox_id: str | None = None) -> None:
        self.queue.put_nowait((outbound, outbox_id))

    async def drain(self) -> None:
        """Wait until everything queued so far has been delivered (or given up)."""
        await self.queue.join()

    async def _run(self) -> None:
        while True:
            outbound, outbox_id = await self.queue.get()
            try:
                await self._deliver(outbound)
            except Exception as error:  # never let one message kill the queue
                await self._on_error(error, f"send queue {self.adapter.platform}")
            else:
                if outbox_id is not None and self._on_done is not None:
                    self._on_done(outbox_id)
            finally:
                self.queue.task_done()

    async def _pace(self, outbound: Outbound) -> None:
        windows = []
        if self._overall is not None:
            windows.append(self._overall)
        if self._per_space_rate is not None:
            # A direct message paces with the member's DM, wherever it is addressed.
            key = outbound.space.id if outbound.space else f"dm:{outbound.recipient}"
            window = self._per_space.get(key)
            if window is None:
                window = self._per_space[key] = Window(self._per_space_rate)
            windows.append(window)
        if not windows:
            return
        while True:
            now = time.monotonic()
            wait = max(window.delay(now) for window in windows)
            if wait <= 0:
                for window in windows:
                    window.record(now)
                return
            await asyncio.sleep(wait)

    async def _deliver(self, outbound: Outbound) -> None:
        attempt = 0
        while True:
            await self._pace(outbound)
            try:
                await self.adapter.send(outbound)
                self.sent += 1
                return
            except RetryAfter as error:
                self.retries += 1
                log.info("%s asked us to wait %.2fs", self.adapter.platform, error.seconds)
                await asyncio.sleep(error.seconds)
            except DeliveryError as error:
                await self._on_failure(outbound, error)
                return
            except Exception as error:
                attempt += 1
                if attempt >= self.max_attempts:
                    await self._on_error(error, f"sending on {self.adapter.platform}")
                    await self._on_failure(outbound, DeliveryError(f"gave up: {error}"))
                    return
                self.retries += 1
                await asyncio.sleep(min(0.2 * 2**attempt, 10.0))


class Dispatcher:
    """Routes each outbound message to its platform's queue."""

    def __init__(self) -> None:
        self.queues: dict[str, SendQueue] = {}

    def add(self, queue: SendQueue) -> None:
        self.queues[queue.adapter.platform] = queue

    def enqueue(self, outbound: Outbound, outbox_id: str | None = None) -> None:
        queue = self.queues.get(outbound.platform)
        if queue is None:
            log.warning("no adapter for platform %r; message not sent", outbound.platform)
            return
        fitted = fit(outbound, queue.adapter.capabilities)
        if fitted is None:  # nothing the platform can do with it: done, as if delivered
            queue.done(outbox_id)
            return
        queue.put(fitted, outbox_id)

    def start(self) -> None:
        for queue in self.queues.values():
            queue.start()

    async def drain(self) -> None:
        for queue in list(self.queues.values()):
            await queue.drain()

    async def stop(self) -> None:
        for queue in self.queues.values():
            await queue.stop()
