"""The per-adapter send queue: order kept, retry-after honoured, pacing, nothing dropped."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from salon.core import (
    Adapter,
    DeliveryError,
    Outbound,
    Rate,
    RateLimits,
    RetryAfter,
    Sent,
    SpaceRef,
    md,
)
from salon.core.outbound import SendQueue, Window


class Flaky(Adapter):
    platform: ClassVar[str] = "flaky"
    rate_limits: ClassVar[RateLimits] = RateLimits(per_space=Rate(5, 0.2))

    def __init__(self) -> None:
        super().__init__(None, None, {})  # type: ignore[arg-type]
        self.script: list[BaseException | None] = []
        self.delivered: list[tuple[str, float]] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, outbound: Outbound) -> Sent:
        if self.script:
            error = self.script.pop(0)
            if error is not None:
                raise error
        self.delivered.append((outbound.body.plain(), time.monotonic()))
        return Sent(str(len(self.delivered)), outbound.space)  # type: ignore[arg-type]


def message(n: int, space: str = "c1") -> Outbound:
    return Outbound(md(f"m{n}"), space=SpaceRef("flaky", space))


async def test_retry_after_waits_and_resends_the_same_message_in_order() -> None:
    adapter = Flaky()
    failures: list[str] = []

    async def on_failure(outbound: Outbound, error: DeliveryError) -> None:
        failures.append(error.reason)

    async def on_error(error: BaseException, where: str) -> None:
        failures.append(where)

    queue = SendQueue(adapter, on_failure, on_error)
    adapter.script = [RetryAfter(0.05), None, RetryAfter(0.05), ConnectionError("reset"), None]
    queue.start()
    for n in range(4):
        queue.put(message(n))
    await asyncio.wait_for(queue.drain(), 10)
    await queue.stop()
    assert [text for text, _ in adapter.delivered] == ["m0", "m1", "m2", "m3"]
    assert queue.retries == 3
    assert failures == []


async def test_per_space_pacing_and_delivery_errors() -> None:
    adapter = Flaky()
    failures: list[str] = []

    async def on_failure(outbound: Outbound, error: DeliveryError) -> None:
        failures.append(outbound.body.plain())

    async def on_error(error: BaseException, where: str) -> None:
        raise AssertionError(where)

    queue = SendQueue(adapter, on_failure, on_error)
    adapter.script = [DeliveryError("blocked", unreachable=True)]
    queue.start()
    for n in range(11):
        queue.put(message(n))
    await asyncio.wait_for(queue.drain(), 10)
    await queue.stop()
    assert failures == ["m0"]
    times = [at for _, at in adapter.delivered]
    assert len(times) == 10
    # 5 per 0.2 s in one space: the 6th waits for the window
    assert times[5] - times[0] >= 0.19


def test_window_allows_bursts_up_to_the_count() -> None:
    window = Window(Rate(2, 1.0))
    assert window.delay(0.0) == 0.0
    window.record(0.0)
    window.record(0.1)
    assert window.delay(0.5) == 0.5
    assert window.delay(1.05) == 0.0
