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


class Throttled(Flaky):
    """Space ``slow`` answers every first attempt with RetryAfter (one chat's flood control)."""

    def __init__(self, seconds: float, *, platform_wide: bool = False) -> None:
        super().__init__()
        self.seconds = seconds
        self.platform_wide = platform_wide
        self.refused: set[str] = set()

    async def send(self, outbound: Outbound) -> Sent:
        text = outbound.body.plain()
        if outbound.space == SpaceRef("flaky", "slow") and text not in self.refused:
            self.refused.add(text)
            raise RetryAfter(self.seconds, platform_wide=self.platform_wide)
        return await super().send(outbound)


async def _quiet(*args: object) -> None:
    return None


async def test_a_throttled_lane_does_not_delay_the_others() -> None:
    adapter = Throttled(0.5)
    queue = SendQueue(adapter, _quiet, _quiet)
    queue.start()
    started = time.monotonic()
    for n in range(3):
        queue.put(message(n, "slow"))
    for n in range(10):
        queue.put(message(100 + n, f"dm{n}"))
    await asyncio.wait_for(queue.drain(), 10)
    await queue.stop()
    at = dict(adapter.delivered)
    assert max(at[f"m{100 + n}"] for n in range(10)) - started < 0.2
    slow = [text for text, _ in adapter.delivered if int(text[1:]) < 100]
    assert slow == ["m0", "m1", "m2"]  # order kept in the throttled lane
    assert at["m0"] - started >= 0.49


async def test_a_platform_wide_retry_after_pauses_every_lane() -> None:
    adapter = Throttled(0.3, platform_wide=True)
    queue = SendQueue(adapter, _quiet, _quiet)
    queue.start()
    queue.put(message(0, "slow"))
    await asyncio.sleep(0.05)  # the refusal has come back
    started = time.monotonic()
    queue.put(message(1, "other"))
    await asyncio.wait_for(queue.drain(), 10)
    await queue.stop()
    assert dict(adapter.delivered)["m1"] - started >= 0.2


async def test_sending_yields_so_other_work_runs_during_a_long_queue() -> None:
    adapter = Flaky()  # no pacing, and send never awaits anything
    adapter.rate_limits = RateLimits()  # type: ignore[misc]
    queue = SendQueue(adapter, _quiet, _quiet)
    seen: list[int] = []

    async def ticker() -> None:
        while True:
            seen.append(len(adapter.delivered))
            await asyncio.sleep(0)

    for n in range(500):
        queue.put(message(n, f"dm{n % 50}"))
    queue.start()
    tick = asyncio.get_running_loop().create_task(ticker())
    await asyncio.wait_for(queue.drain(), 10)
    tick.cancel()
    await queue.stop()
    assert len(adapter.delivered) == 500
    assert any(0 < count < 500 for count in seen)


async def test_the_handle_gives_the_sent_message() -> None:
    from salon.core import SendHandle

    adapter = Flaky()
    failures: list[str] = []

    async def on_failure(outbound: Outbound, error: DeliveryError) -> None:
        failures.append(error.reason)

    queue = SendQueue(adapter, on_failure, _quiet)
    queue.start()
    delivered, refused = SendHandle(), SendHandle()
    adapter.script = [None, DeliveryError("blocked")]
    queue.put(message(0), handle=delivered)
    queue.put(message(1), handle=refused)
    assert await asyncio.wait_for(delivered.sent(), 5) == Sent("1", SpaceRef("flaky", "c1"))
    try:
        await asyncio.wait_for(refused.sent(), 5)
    except DeliveryError as error:
        assert error.reason == "blocked"
    else:
        raise AssertionError("a refused message has no Sent")
    await queue.stop()
