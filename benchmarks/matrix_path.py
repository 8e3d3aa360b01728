"""The Matrix path: raw sync JSON → nio → salon → the outgoing send request, in one process.

    /work/venv/bin/python benchmarks/matrix_path.py            # in-process, no network
    SALON_SYNAPSE_VENV=... /work/venv/bin/python benchmarks/matrix_path.py --synapse

In-process (seq mode): each member message arrives as the bytes of a ``/sync`` response; it is
decoded, parsed by ``nio.SyncResponse.from_dict``, applied by ``AsyncClient.receive_response``,
handled by the adapter (``MatrixAdapter.process`` → ``bot.receive`` → router → ``ping``), queued,
rendered and sent by ``AsyncClient.room_send`` down to nio's HTTP layer, where a stand-in
transport captures the request body and answers ``{"event_id": …}`` as Synapse would. The next
message starts only when the reply's request has been captured.

Three runs side by side in one process: a bare matrix-nio bot (an ``add_event_callback`` for
``RoomMessageText`` answering ``!ping`` with ``room_send``, nio's own ``jsonschema``
validation), salon on nio's own validation (public nio only), and salon as shipped (with
``nio_patch``'s compiled validation). Both ratios are against the bare bot.

``--synapse`` also runs the bot against a real Synapse and measures, for a member's client,
the time from sending ``!ping`` to the bot's reply arriving in its own sync.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nio

from salon.adapters.matrix import MatrixAdapter, nio_patch
from salon.core import Bot
from salon.core.config import config_from_mapping

ROOM = "!bench:localhost"
BOT = "@salon:localhost"
MEMBER = "@alice:localhost"
WARMUP = 1_000
MESSAGES = 20_000


def member_event(kind: str, user: str, name: str) -> dict[str, Any]:
    return {
        "type": "m.room.member",
        "state_key": user,
        "sender": user,
        "event_id": f"$join-{name}",
        "origin_server_ts": 1,
        "content": {"membership": "join", "displayname": name},
    }


def first_sync() -> bytes:
    state = [
        {
            "type": "m.room.create",
            "state_key": "",
            "sender": MEMBER,
            "event_id": "$create",
            "origin_server_ts": 1,
            "content": {"creator": MEMBER, "room_version": "10"},
        },
        member_event("m.room.member", MEMBER, "Alice"),
        member_event("m.room.member", BOT, "salon"),
    ]
    return json.dumps(
        {"next_batch": "s0", "rooms": {"join": {ROOM: {"state": {"events": state}}}}}
    ).encode()


def message_sync(number: int) -> bytes:
    """One ``/sync`` response with one new ``!ping`` in the room, as Synapse sends it."""
    return json.dumps(
        {
            "next_batch": f"s{number}",
            "account_data": {"events": []},
            "presence": {"events": []},
            "device_one_time_keys_count": {"signed_curve25519": 0},
            "rooms": {
                "join": {
                    ROOM: {
                        "timeline": {
                            "events": [
                                {
                                    "type": "m.room.message",
                                    "sender": MEMBER,
                                    "event_id": f"$m{number}:localhost",
                                    "origin_server_ts": 1_700_000_000_000 + number,
                                    "content": {"msgtype": "m.text", "body": "!ping"},
                                    "unsigned": {"age": 3},
                                }
                            ],
                            "limited": False,
                            "prev_batch": f"p{number}",
                        },
                        "state": {"events": []},
                        "ephemeral": {"events": []},
                        "account_data": {"events": []},
                        "unread_notifications": {"notification_count": 0},
                        "summary": {},
                    }
                }
            },
        }
    ).encode()


class CapturedResponse:
    """What nio's ``_send`` reads from an aiohttp response, for a successful send."""

    status = 200
    content_type = "application/json"
    content_disposition = None

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body

    async def json(self) -> dict[str, Any]:
        return self._body


async def in_process(messages: int, warmup: int, *, compiled: bool = True) -> float:
    logging.disable(logging.WARNING)
    directory = Path(tempfile.mkdtemp(prefix="salon-bench-"))
    config = config_from_mapping({"database": {"url": f"sqlite:///{directory / 's.db'}"}})
    bot = Bot(config, env={})
    adapter = MatrixAdapter(bot, {"homeserver": "http://127.0.0.1:9", "user_id": BOT}, {})
    bot.add_adapter(adapter)
    if not compiled:
        nio_patch.uninstall()
    client = adapter.client
    client.access_token = "bench-token"
    captured: list[str] = []

    async def transport(method: str, path: str, data: Any = None, *rest: Any) -> Any:
        captured.append(data)
        return CapturedResponse({"event_id": f"$r{len(captured)}"})

    client.send = transport  # type: ignore[method-assign]
    await bot.prepare_database()
    bot.outbound.start()
    try:
        await feed(adapter, first_sync(), history=True)
        payloads = [message_sync(n) for n in range(1, warmup + messages + 1)]
        for raw in payloads[:warmup]:
            await feed(adapter, raw)
            await bot.outbound.drain()
        assert len(captured) == warmup, (len(captured), warmup)
        body = json.loads(captured[-1])
        assert body["msgtype"] == "m.notice" and body["body"] == "pong", body
        started = time.perf_counter()
        for raw in payloads[warmup:]:
            await feed(adapter, raw)
            await bot.outbound.drain()
        elapsed = time.perf_counter() - started
        assert len(captured) == warmup + messages
    finally:
        await adapter.syncer.flush()  # the last sync position being written
        await bot.outbound.stop()
        await bot.storage.dispose()
        await client.close()
        nio_patch.install()
        logging.disable(logging.NOTSET)
    return messages / elapsed


async def bare_nio(messages: int, warmup: int) -> float:
    """What one would write with matrix-nio alone, on nio's own validation."""
    nio_patch.uninstall()
    client = nio.AsyncClient(
        "http://127.0.0.1:9",
        BOT,
        config=nio.AsyncClientConfig(encryption_enabled=False, store_sync_tokens=False),
    )
    client.access_token = "bench-token"
    captured: list[str] = []

    async def transport(method: str, path: str, data: Any = None, *rest: Any) -> Any:
        captured.append(data)
        return CapturedResponse({"event_id": f"$r{len(captured)}"})

    async def answer(room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        if event.sender != BOT and event.body == "!ping":
            await client.room_send(
                room.room_id, "m.room.message", {"msgtype": "m.notice", "body": "pong"}
            )

    client.send = transport  # type: ignore[method-assign]
    client.add_event_callback(answer, nio.RoomMessageText)  # type: ignore[arg-type]
    try:
        await client.receive_response(nio.SyncResponse.from_dict(json.loads(first_sync())))
        payloads = [message_sync(n) for n in range(1, warmup + messages + 1)]
        for raw in payloads[:warmup]:
            await client.receive_response(nio.SyncResponse.from_dict(json.loads(raw)))
        assert len(captured) == warmup, (len(captured), warmup)
        started = time.perf_counter()
        for raw in payloads[warmup:]:
            await client.receive_response(nio.SyncResponse.from_dict(json.loads(raw)))
        elapsed = time.perf_counter() - started
        assert len(captured) == warmup + messages
    finally:
        await client.close()
        nio_patch.install()
    return messages / elapsed


async def feed(adapter: MatrixAdapter, raw: bytes, *, history: bool = False) -> None:
    response = nio.SyncResponse.from_dict(json.loads(raw))
    await adapter.client.receive_response(response)
    await adapter.process(response, history=history)


# --- through a real Synapse -----------------------------------------------------------------


TESTS = Path(__file__).resolve().parent.parent / "tests"


async def through_synapse(count: int) -> dict[str, float]:
    sys.path.insert(0, str(TESTS))
    from servers.synapse import find_synapse_venv, run_synapse

    venv = find_synapse_venv()
    if venv is None:
        raise SystemExit("--synapse needs SALON_SYNAPSE_VENV (a virtualenv with Synapse)")
    logging.disable(logging.WARNING)
    with run_synapse(venv) as synapse:
        return await _measure(synapse, count)


async def _measure(synapse: Any, count: int) -> dict[str, float]:
    bot_user = await synapse.register_user("benchbot", "bench password")
    member = await synapse.register_user("benchmember", "bench password")
    directory = Path(tempfile.mkdtemp(prefix="salon-bench-"))
    config = config_from_mapping(
        {
            "database": {"url": f"sqlite:///{directory / 's.db'}"},
            "adapters": {"matrix": {"homeserver": synapse.url}},
        }
    )
    env = {"SALON_MATRIX_ACCESS_TOKEN": bot_user.access_token}
    bot = Bot(config, env=env)
    bot.add_adapter(MatrixAdapter(bot, {"homeserver": synapse.url}, env))
    await bot.start(run_scheduler=False)
    client = nio.AsyncClient(synapse.url, member.user_id, device_id=member.device_id)
    client.access_token = member.access_token
    arrived: asyncio.Queue[float] = asyncio.Queue()
    joined = asyncio.Event()
    try:
        room = (await client.room_create(invite=[bot_user.user_id])).room_id
        await client.sync(timeout=0)

        async def listen() -> None:
            while True:
                response = await client.sync(timeout=30_000)
                if not isinstance(response, nio.SyncResponse):
                    continue
                now = time.perf_counter()
                for event in response.rooms.join.get(room, nio.RoomInfo).timeline.events:
                    source = event.source
                    if source["sender"] != bot_user.user_id:
                        continue
                    if source["type"] == "m.room.member":
                        joined.set()
                    elif source["type"] == "m.room.message":
                        arrived.put_nowait(now)

        listener = asyncio.get_running_loop().create_task(listen())
        await asyncio.wait_for(joined.wait(), 30)
        latencies = []
        for _ in range(count):
            sent = time.perf_counter()
            await client.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "!ping"})
            latencies.append(await asyncio.wait_for(arrived.get(), 30) - sent)
        started = time.perf_counter()
        for _ in range(count):
            await client.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "!ping"})
        member_sends = time.perf_counter() - started
        for _ in range(count):
            await asyncio.wait_for(arrived.get(), 60)
        burst = time.perf_counter() - started
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
    finally:
        await client.close()
        await bot.stop()
        logging.disable(logging.NOTSET)
    latencies.sort()
    return {
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "replies_per_s": count / burst,
        "member_sends_per_s": count / member_sends,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--synapse", action="store_true", help="also measure via a real Synapse")
    parser.add_argument("--synapse-messages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1, help="best of this many, each side")
    args = parser.parse_args()
    best = {"bare": 0.0, "public": 0.0, "salon": 0.0}
    for _ in range(args.rounds):
        best["bare"] = max(best["bare"], asyncio.run(bare_nio(args.messages, args.warmup)))
        public = asyncio.run(in_process(args.messages, args.warmup, compiled=False))
        best["public"] = max(best["public"], public)
        salon = asyncio.run(in_process(args.messages, args.warmup))
        best["salon"] = max(best["salon"], salon)
    print(f"in-process, seq: {args.messages:,} messages after {args.warmup:,} warm-up")
    for name, label in (
        ("bare", "bare matrix-nio"),
        ("public", "salon, nio's own validation"),
        ("salon", "salon (compiled validation)"),
    ):
        rate = best[name]
        print(f"  {label:30} {rate:8,.0f} msgs/s  ({1e6 / rate:.0f} µs per message)")
    print(f"  ratio salon / bare: {best['salon'] / best['bare']:.2f}x  (target >= 0.85x)")
    print(
        f"  ratio salon on nio's own validation / bare: {best['public'] / best['bare']:.2f}x "
        f"(what nio_patch buys: {best['salon'] / best['public']:.2f}x)"
    )
    if args.synapse:
        numbers = asyncio.run(through_synapse(args.synapse_messages))
        print(f"through Synapse: {args.synapse_messages} sequential !ping → reply at the member")
        print(f"  median {numbers['median_ms']:.1f} ms, p99 {numbers['p99_ms']:.1f} ms")
        print(
            f"  burst of {args.synapse_messages}: {numbers['replies_per_s']:,.0f} replies/s "
            f"(the member's own sends alone: {numbers['member_sends_per_s']:,.0f}/s)"
        )


if __name__ == "__main__":
    main()
