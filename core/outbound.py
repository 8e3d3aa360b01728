"""Sending: per platform, lanes per space and per recipient, each paced, scheduled fairly.

Features hand neutral messages to ``Dispatcher.enqueue``. Each platform's ``SendQueue`` keeps
one lane per space and one per recipient's DM (``Adapter.lane``); a lane delivers its messages
in order, one at a time, at its own pace (``RateLimits.per_chat``, ``per_space``), and the
lanes share the platform's ``overall`` pace and ``in_flight`` sends. The next message to go is
the one whose lane has been ready longest, so one slow or throttled lane never delays another.

``RetryAfter`` pauses the message's lane (the whole platform when ``platform_wide``) and
retries the same message; transient errors retry with backoff in that lane; a
``DeliveryError`` (or repeated failure) gives up, and the ``delivery_failed`` hook hears of it.
A durable message's outbox row is deleted before its lane sends the next message, and it is
sent only while this worker's lease on the row holds (``Outbox.may_send``).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import attrs

from salon.core.adapter import Adapter, Rate
from salon.core.degrade import fit
from salon.core.errors import DeliveryError, RetryAfter, SalonError
from salon.core.model import Outbound, Sent

if TYPE_CHECKING:
    from salon.core.metrics import Metrics
    from salon.core.outbox import Outbox

log = logging.getLogger(__name__)

OnFailure = Callable[[Outbound, DeliveryError], Awaitable[None]]
OnError = Callable[[BaseException, str], Awaitable[object]]

#: A worker with messages ready yields to the event loop after this many sends in a row.
YIELD_EVERY = 16
#: Idle lanes are forgotten once there are this many (their pacing history has expired).
LANES_KEPT = 1000


class SendHandle:
    """A message on its way out: ``await handle.sent()`` returns its ``Sent``.

    ``bot.send`` and the ``ctx`` send methods return one. A message sent from a handler leaves
    only after the handler's transaction commits, so the ``Sent`` (the platform's message id
    and space, to edit or delete the message later with ``edit_of``) is known only then:
    await it after the handler returns (e.g. in an ``after_commit`` callback or a task), never
    inside the handler's transaction. ``sent()`` raises ``DeliveryError`` when the message
    could not be delivered and ``SalonError`` when it was never sent (its transaction rolled
    back, or salon stopped first).
    """

    __slots__ = ("_error", "_future", "_sent")

    def __init__(self) -> None:
        self._sent: Sent | None = None
        self._error: SalonError | None = None
        self._future: asyncio.Future[None] | None = None

    def done(self) -> bool:
        """Whether the message has been delivered, or given up on."""
        return self._sent is not None or self._error is not None

    async def sent(self) -> Sent:
        """Wait until the message is delivered; return where and under which id."""
        if not self.done():
            if self._future is None:
                self._future = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._future)
        if self._error is not None:
            raise self._error
        assert self._sent is not None
        return self._sent

    def _settle(self, sent: Sent | None, error: SalonError | None = None) -> None:
        if self.done():
            return
        self._sent, self._error = sent, error
        if self._sent is None and self._error is None:
            self._error = SalonError("the message was not sent")
        if self._future is not None and not self._future.done():
            self._future.set_result(None)


class Window:
    """A sliding-window limiter: at most ``rate.count`` events in any ``rate.per`` seconds."""

    __slots__ = ("rate", "times")

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


@attrs.define(slots=True, eq=False)
class Item:
    """One message in a lane, with its outbox row (if durable) and its handle."""

    outbound: Outbound
    outbox_id: str | None = None
    handle: SendHandle | None = None
    attempt: int = 0
    #: When it was queued (``time.monotonic()``), for the send-wait metric.
    queued_at: float = 0.0
    #: The lane it is being sent in (set while a worker has it).
    lane: Lane | None = None


@attrs.define(slots=True, eq=False)
class Lane:
    """The messages of one space or one recipient's DM, sent in order at their own pace."""

    key: str
    windows: tuple[Window, ...]
    items: deque[Item] = attrs.field(factory=deque)
    paused_until: float = 0.0
    busy: bool = False
    scheduled: bool = False

    def delay(self, now: float) -> float:
        wait = self.paused_until - now
        for window in self.windows:
            wait = max(wait, window.delay(now))
        return max(wait, 0.0)

    def idle(self, now: float) -> bool:
        return (
            not self.items
            and not self.busy
            and self.delay(now) <= 0
            and not any(window.times for window in self.windows)
        )


def _release(waiter: asyncio.Future[Item | None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class SendQueue:
    """Delivers one adapter's messages in lanes, at the pace the platform allows.

    :param outbox: where durable messages' rows are deleted once delivered.
    :param metrics: where sends, waits, retries and failures are counted.
    """

    max_attempts = 6

    def __init__(
        self,
        adapter: Adapter,
        on_failure: OnFailure,
        on_error: OnError,
        outbox: Outbox | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.adapter = adapter
        self._metrics = metrics
        self._on_failure = on_failure
        self._on_error = on_error
        self._outbox = outbox
        limits = adapter.rate_limits
        self._limits = limits
        self._overall = Window(limits.overall) if limits.overall else None
        self._in_flight = max(1, limits.in_flight)
        self.lanes: dict[str, Lane] = {}
        self._ready: list[tuple[float, int, Lane]] = []
        self._order = itertools.count()
        self._paused_until = 0.0
        self._unfinished = 0
        self._idle = asyncio.Event()
        self._idle.set()
        #: Idle workers, each on its own future (given a message directly, or None to look).
        self._waiting: deque[asyncio.Future[Item | None]] = deque()
        self._since_pruned = 0
        self._workers: list[asyncio.Task[None]] = []
        #: Deletes of rows whose messages the platform could do nothing with.
        self._settling: set[asyncio.Task[None]] = set()
        self.sent = 0
        self.retries = 0

    def start(self) -> None:
        """Start ``RateLimits.in_flight`` workers; each sends one message at a time."""
        loop = asyncio.get_running_loop()
        name = f"send-queue:{self.adapter.platform}"
        self._workers = [
            loop.create_task(self._work(), name=f"{name}:{n}") for n in range(self._in_flight)
        ]

    async def stop(self) -> None:
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        for lane in self.lanes.values():
            for item in lane.items:
                if item.handle is not None:
                    item.handle._settle(None, SalonError("salon stopped before sending it"))
            lane.items.clear()

    def put(
        self, outbound: Outbound, outbox_id: str | None = None, handle: SendHandle | None = None
    ) -> None:
        if outbox_id is not None:
            if self._outbox is not None:
                self._outbox.hold(outbox_id)
            if outbound.key is None:
                outbound = attrs.evolve(outbound, key=outbox_id)
        key, is_group = self.adapter.lane(outbound)
        lane = self.lanes.get(key)
        if lane is None:
            lane = self.lanes[key] = Lane(key, self._windows(is_group))
        item = Item(outbound, outbox_id, handle, queued_at=time.monotonic())
        self._unfinished += 1
        if self._unfinished == 1:
            self._idle.clear()
        if lane.busy or lane.scheduled:
            lane.items.append(item)
        elif not (self._free(lane) and self._hand_over(lane, item)):
            lane.items.append(item)
            self._schedule(lane, time.monotonic())

    def done(self, outbox_id: str | None, handle: SendHandle | None = None) -> None:
        """Settle a message the platform can do nothing with (as if delivered, unsent)."""
        if outbox_id is not None and self._outbox is not None:
            task = asyncio.get_running_loop().create_task(self._outbox.delivered(outbox_id))
            self._settling.add(task)
            task.add_done_callback(self._settling.discard)
        if handle is not None:
            handle._settle(
                None, SalonError(f"nothing of it can be shown on {self.adapter.platform}")
            )

    @property
    def queued(self) -> int:
        """Messages not yet delivered or given up on."""
        return self._unfinished

    async def drain(self) -> None:
        """Wait until everything queued so far has been delivered (or given up)."""
        await self._idle.wait()

    def _windows(self, is_group: bool) -> tuple[Window, ...]:
        rates = [self._limits.per_chat, self._limits.per_space if is_group else None]
        return tuple(Window(rate) for rate in rates if rate is not None)

    def _schedule(self, lane: Lane, now: float, *, wake: bool = True) -> None:
        lane.scheduled = True
        ready = now if not lane.windows and lane.paused_until <= now else now + lane.delay(now)
        heapq.heappush(self._ready, (ready, next(self._order), lane))
        if wake:
            self._wake_one()

    def _wake_one(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _free(self, lane: Lane) -> bool:
        """Nothing paces ``lane`` and no other lane waits: its message may go at once."""
        return (
            not self._ready
            and not lane.windows
            and not lane.paused_until
            and not self._paused_until
            and self._overall is None
        )

    def _hand_over(self, lane: Lane, item: Item) -> bool:
        """Give ``item`` straight to an idle worker (the fast path of an unpaced lane)."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                lane.busy = True
                item.lane = lane
                waiter.set_result(item)
                return True
        return False

    def _after(self, lane: Lane) -> Item | float | None:
        """A worker finished a message of ``lane``: what it sends next."""
        if lane.items:
            if self._free(lane):
                item = lane.items.popleft()
                lane.busy = True
                item.lane = lane
                return item
            # This worker picks next itself; another one is woken only for a new lane.
            self._schedule(lane, time.monotonic(), wake=False)
        else:
            self._since_pruned += 1
            if self._since_pruned >= LANES_KEPT and len(self.lanes) > LANES_KEPT:
                self._since_pruned = 0
                self._forget_idle_lanes(time.monotonic())
        return self._pick()

    # --- the workers -----------------------------------------------------------------------
    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        picked = self._pick()
        in_a_row = 0
        while True:
            if isinstance(picked, Item):
                lane = picked.lane
                assert lane is not None
                await self._send(picked)
                picked = self._after(lane)
                in_a_row += 1
                if in_a_row >= YIELD_EVERY and isinstance(picked, Item):
                    # A send may never suspend (memory, console): let everything else run too.
                    in_a_row = 0
                    await asyncio.sleep(0)
                continue
            in_a_row = 0
            waiter: asyncio.Future[Item | None] = loop.create_future()
            while self._waiting and self._waiting[0].done():
                self._waiting.popleft()
            self._waiting.append(waiter)
            timer = None if picked is None else loop.call_later(picked, _release, waiter)
            try:
                handed = await waiter
            finally:
                if timer is not None:
                    timer.cancel()
            picked = handed if handed is not None else self._pick()

    def _pick(self) -> Item | float | None:
        """Take the next message that may go now; else how long until one may (None: until
        one is queued)."""
        while self._ready:
            now = time.monotonic()
            if self._paused_until and self._paused_until <= now:
                self._paused_until = 0.0
            ready_at, _, lane = self._ready[0]
            wait = max(ready_at - now, self._paused_until - now)
            if self._overall is not None:
                wait = max(wait, self._overall.delay(now))
            if wait > 0:
                return wait
            heapq.heappop(self._ready)
            lane.scheduled = False
            if lane.paused_until and lane.paused_until <= now:
                lane.paused_until = 0.0
            if not lane.items:
                continue
            if lane.delay(now) > 0:  # paused or paced since it was scheduled
                self._schedule(lane, now, wake=False)
                continue
            item = lane.items.popleft()
            lane.busy = True
            for window in lane.windows:
                window.record(now)
            if self._overall is not None:
                self._overall.record(now)
            item.lane = lane
            return item
        return None

    async def _send(self, item: Item) -> None:
        lane = item.lane
        assert lane is not None
        settled = True
        outbox, outbox_id = self._outbox, item.outbox_id
        try:
            if outbox is not None and outbox_id is not None and outbox.is_cancelled(outbox_id):
                if item.handle is not None:
                    item.handle._settle(None, SalonError("the recipient asked to be forgotten"))
                return
            if (
                outbox is not None
                and outbox_id is not None
                and not outbox.is_leased(outbox_id)
                and not await outbox.may_send(outbox_id)
            ):
                if item.handle is not None:  # another worker took the row over: it sends it
                    item.handle._settle(None, SalonError("another worker sends it"))
                return
            started = time.monotonic()
            try:
                sent = await self.adapter.send(item.outbound)
            except Exception as error:
                settled = await self._failed(lane, item, error)
                return
            self.sent += 1
            if self._metrics is not None:
                platform = self.adapter.platform
                self._metrics.messages_sent.labels(platform).inc()
                self._metrics.send_wait.labels(platform).observe(started - item.queued_at)
            if outbox is not None and outbox_id is not None:
                await outbox.delivered(outbox_id)
            if item.handle is not None:
                item.handle._settle(sent)
        except asyncio.CancelledError:
            if item.handle is not None:
                item.handle._settle(None, SalonError("salon stopped while sending it"))
            raise
        except Exception as error:  # never let one message kill the queue
            await self._on_error(error, f"send queue {self.adapter.platform}")
            self._count("delivery_failures", "error")
            if item.handle is not None:
                item.handle._settle(None, DeliveryError(f"not sent: {error}"))
        finally:
            lane.busy = False
            item.lane = None
            if settled:
                self._unfinished -= 1
                if self._unfinished == 0:
                    self._idle.set()

    async def _failed(self, lane: Lane, item: Item, error: Exception) -> bool:
        """Handle a send that raised; return whether the item is settled (False: put back
        at the head of its lane to retry)."""
        outbound = item.outbound
        if isinstance(error, RetryAfter):
            self.retries += 1
            self._count("send_retries", "retry_after")
            if self._metrics is not None:
                self._metrics.retry_after_seconds.labels(self.adapter.platform).inc(error.seconds)
            wide = " (every lane)" if error.platform_wide else ""
            log.info("%s asked us to wait %.2fs%s", self.adapter.platform, error.seconds, wide)
            until = time.monotonic() + error.seconds
            if error.platform_wide:
                self._paused_until = max(self._paused_until, until)
            else:
                lane.paused_until = max(lane.paused_until, until)
            lane.items.appendleft(item)
            return False
        if isinstance(error, DeliveryError):
            self._count("delivery_failures", "refused")
            await self._on_failure(outbound, error)
            await self._give_up(item, error)
            return True
        item.attempt += 1
        if item.attempt >= self.max_attempts:
            await self._on_error(error, f"sending on {self.adapter.platform}")
            failure = DeliveryError(f"gave up: {error}")
            self._count("delivery_failures", "gave_up")
            await self._on_failure(outbound, failure)
            await self._give_up(item, failure)
            return True
        self.retries += 1
        self._count("send_retries", "error")
        lane.paused_until = time.monotonic() + min(0.2 * 2**item.attempt, 10.0)
        lane.items.appendleft(item)
        return False

    def _count(self, counter: str, reason: str) -> None:
        if self._metrics is not None:
            getattr(self._metrics, counter).labels(self.adapter.platform, reason).inc()

    async def _give_up(self, item: Item, error: DeliveryError) -> None:
        if item.outbox_id is not None and self._outbox is not None:
            await self._outbox.delivered(item.outbox_id)
        if item.handle is not None:
            item.handle._settle(None, error)

    def _forget_idle_lanes(self, now: float) -> None:
        for key in [key for key, lane in self.lanes.items() if lane.idle(now)]:
            del self.lanes[key]


class Dispatcher:
    """Routes each outbound message to its platform's queue."""

    def __init__(self) -> None:
        self.queues: dict[str, SendQueue] = {}

    def add(self, queue: SendQueue) -> None:
        self.queues[queue.adapter.platform] = queue

    def enqueue(
        self, outbound: Outbound, outbox_id: str | None = None, handle: SendHandle | None = None
    ) -> None:
        queue = self.queues.get(outbound.platform)
        if queue is None:
            log.warning("no adapter for platform %r; message not sent", outbound.platform)
            if handle is not None:
                handle._settle(None, DeliveryError(f"no adapter for {outbound.platform!r}"))
            return
        fitted = fit(outbound, queue.adapter.capabilities)
        if fitted is None:  # nothing the platform can do with it: done, as if delivered
            queue.done(outbox_id, handle)
            return
        queue.put(fitted, outbox_id, handle)

    def start(self) -> None:
        for queue in self.queues.values():
            queue.start()

    async def drain(self) -> None:
        for queue in list(self.queues.values()):
            await queue.drain()

    async def stop(self) -> None:
        for queue in self.queues.values():
            await queue.stop()
