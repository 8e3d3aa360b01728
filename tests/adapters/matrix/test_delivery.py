"""Sending through the core's queue: rate limits, retries, transaction ids (no server)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import nio
import pytest

from salon.adapters.matrix import MatrixAdapter
from salon.core import Bot, DeliveryError, Outbound, RetryAfter, SpaceRef, md
from salon.core.config import config_from_mapping

ROOM = SpaceRef("matrix", "!room:example.org")


@pytest.fixture
async def bot(tmp_path: Path) -> Any:
    config = config_from_mapping({"database": {"url": f"sqlite:///{tmp_path / 's.db'}"}})
    bot = Bot(config, env={})
    adapter = MatrixAdapter(bot, {"homeserver": "http://127.0.0.1:9"}, {})
    bot.add_adapter(adapter)
    await bot.prepare_database()
    bot.outbound.start()
    yield bot
    await bot.outbound.stop()
    await adapter.client.close()
    await bot.storage.dispose()


class FakeRoomSend:
    """Answers room_send with the given responses in turn, recording the requests."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, dict[str, Any], str]] = []

    async def __call__(self, room_id: str, kind: str, content: dict[str, Any], tx_id: str) -> Any:
        self.calls.append((room_id, kind, content, tx_id))
        answer = self.answers.pop(0)
        if "errcode" in answer:
            return nio.RoomSendError.from_dict(answer, room_id)
        return nio.RoomSendResponse.from_dict(answer, room_id)


async def test_rate_limit_is_retried_with_the_same_transaction_id(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="salon.core.outbound")
    fake = FakeRoomSend(
        {"errcode": "M_LIMIT_EXCEEDED", "error": "slow down", "retry_after_ms": 20},
        {"event_id": "$1"},
        {"event_id": "$2"},
    )
    adapter = bot.adapters["matrix"]
    adapter.client.room_send = fake  # type: ignore[method-assign]
    bot.send(Outbound(md("pong"), space=ROOM))
    bot.send(Outbound(md("pong"), space=ROOM))
    await bot.outbound.drain()

    tx_ids = [call[3] for call in fake.calls]
    assert tx_ids[0] == tx_ids[1], "a retry reuses the transaction id"
    assert tx_ids[2] != tx_ids[1], "an identical but separate message gets its own"
    assert bot.outbound.queues["matrix"].retries == 1
    assert [r.getMessage() for r in caplog.records] == ["matrix asked us to wait 0.02s"]


async def test_rate_limit_raises_retry_after() -> None:
    from salon.adapters.matrix.delivery import raise_for

    error = nio.RoomSendError.from_dict(
        {"errcode": "M_LIMIT_EXCEEDED", "error": "x", "retry_after_ms": 2500}, "!r:x"
    )
    with pytest.raises(RetryAfter) as raised:
        raise_for(error, "sending")
    assert raised.value.seconds == 2.5


async def test_forbidden_is_a_delivery_error(bot: Bot) -> None:
    class Transport:
        status = 403

    error = nio.RoomSendError.from_dict({"errcode": "M_FORBIDDEN", "error": "not in room"}, "!r:x")
    error.transport_response = Transport()  # type: ignore[assignment]
    from salon.adapters.matrix.delivery import raise_for

    with pytest.raises(DeliveryError, match="M_FORBIDDEN"):
        raise_for(error, "sending")


async def test_a_durable_message_keeps_its_transaction_id_across_a_restart(bot: Bot) -> None:
    from salon.adapters.matrix.delivery import Sender

    fake = FakeRoomSend({"event_id": "$1"}, {"event_id": "$1"})
    adapter = bot.adapters["matrix"]
    adapter.client.room_send = fake  # type: ignore[method-assign]
    # The same outbox row, sent before a crash and again by the next process (a new Sender,
    # a new Outbound object): the homeserver sees one transaction id and stores one event.
    before = Outbound(md("Check-in time"), space=ROOM, key="0f3c9a")
    after = Outbound(md("Check-in time"), space=ROOM, key="0f3c9a")
    await Sender(adapter).send(before)
    await Sender(adapter).send(after)
    assert fake.calls[0][3] == fake.calls[1][3] == "salon.0f3c9a.0"
