"""The durable outbox: rows owned and leased by one worker, deleted as each is delivered."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

from salon.core import ManualClock, Member, MemberRef, Outbound, SpaceRef, md
from salon.core.errors import DeliveryError
from salon.core.memory_adapter import Delivered, MemoryAdapter
from salon.core.outbound import SendQueue
from salon.core.outbox import Outbox
from salon.core.people import People
from salon.core.storage import migrate, sa, tables
from salon.core.storage.engine import Storage

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def dm(name: str, text: str = "Check-in time") -> Outbound:
    return Outbound(md(text), recipient=MemberRef("memory", name))


async def storage_for(url: str) -> Storage:
    storage = Storage(url)
    await migrate.upgrade(storage, [])
    return storage


async def owed(storage: Storage) -> list[tuple[str, str | None]]:
    async with storage.engine.connect() as db:
        rows = await db.execute(sa.select(tables.outbox.c.recipient, tables.outbox.c.owner))
        return sorted((row.recipient, row.owner) for row in rows)


async def test_a_live_workers_rows_are_not_taken_until_its_lease_runs_out(database_url) -> None:  # type: ignore[no-untyped-def]
    storage = await storage_for(database_url)
    first, second = Outbox(storage, lease=0.4), Outbox(storage, lease=0.4)
    try:
        async with storage.transaction() as db:
            await first.store(db, [dm("alice"), dm("bob")], NOW)
        assert await second.claim() == []  # a second worker starting now leaves them alone
        await asyncio.sleep(0.25)
        assert await first.renew() == 2  # still sending: the lease is renewed
        await asyncio.sleep(0.25)
        assert await second.claim() == []
        await asyncio.sleep(0.45)  # the first worker stopped renewing: its lease runs out
        taken = await second.claim()
        assert sorted(str(outbound.recipient) for _, outbound in taken) == [
            "memory:alice",
            "memory:bob",
        ]
        assert {owner for _, owner in await owed(storage)} == {second.owner}
        assert await first.claim() == [] and await first.renew() == 0
    finally:
        await storage.dispose()


async def test_concurrent_claims_never_take_the_same_row(database_url) -> None:  # type: ignore[no-untyped-def]
    storage = await storage_for(database_url)
    writer = Outbox(storage)
    try:
        async with storage.transaction() as db:
            await writer.store(db, [dm(f"m{n}") for n in range(300)], NOW)
        await writer.release()
        workers = [Outbox(storage) for _ in range(4)]
        claims = await asyncio.gather(*(worker.claim() for worker in workers))
        ids = [outbox_id for claim in claims for outbox_id, _ in claim]
        assert len(ids) == 300 and len(set(ids)) == 300
    finally:
        await storage.dispose()


async def test_each_row_is_deleted_before_its_lane_sends_the_next(tmp_path) -> None:  # type: ignore[no-untyped-def]
    storage = await storage_for(f"sqlite:///{tmp_path / 'salon.db'}")
    outbox = Outbox(storage)
    adapter = MemoryAdapter(None)  # type: ignore[arg-type]
    remaining: list[int] = []

    def count_rows(delivered: Delivered) -> None:
        # Runs inside send: how many rows are still owed at the moment of this delivery.
        with sqlite3.connect(tmp_path / "salon.db") as db:
            remaining.append(db.execute("select count(*) from salon_outbox").fetchone()[0])

    adapter.listeners.append(count_rows)

    async def on_failure(outbound: Outbound, error: DeliveryError) -> None:
        raise AssertionError(error.reason)

    async def on_error(error: BaseException, where: str) -> None:
        raise AssertionError(where) from error

    queue = SendQueue(adapter, on_failure, on_error, outbox)
    try:
        messages = [
            Outbound(md(f"part {n}"), space=SpaceRef("memory", "general")) for n in range(5)
        ]
        async with storage.transaction() as db:
            ids = await outbox.store(db, messages, NOW)
        queue.start()
        for outbound, outbox_id in zip(messages, ids, strict=True):
            queue.put(outbound, outbox_id)
        await asyncio.wait_for(queue.drain(), 10)
        # One lane: when part n is sent, parts 0..n-1 are already deleted.
        assert remaining == [5, 4, 3, 2, 1]
        assert await owed(storage) == []
        assert [d.outbound.key for d in adapter.delivered] == ids  # the idempotency key
    finally:
        await queue.stop()
        await outbox.close()
        await storage.dispose()


async def test_forgetting_a_member_deletes_what_is_still_owed_to_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    storage = await storage_for(f"sqlite:///{tmp_path / 'salon.db'}")
    outbox = Outbox(storage)
    people = People(storage, ZoneInfo("UTC"), frozenset(), ManualClock(NOW), outbox)
    async with storage.transaction() as db:
        alice = await people.ensure(db, Member(MemberRef("memory", "alice"), "alice"), NOW)
    person = await people.get(alice)
    assert person is not None
    adapter = MemoryAdapter(None)  # type: ignore[arg-type]

    async def quiet(*args: object) -> None:
        return None

    queue = SendQueue(adapter, quiet, quiet, outbox)
    try:
        messages = [dm("alice"), dm("bob"), dm("alice", "Your buddy this week")]
        async with storage.transaction() as db:
            ids = await outbox.store(db, messages, NOW)
        for outbound, outbox_id in zip(messages, ids, strict=True):
            queue.put(outbound, outbox_id)  # queued in memory too, not yet sent
        async with storage.transaction() as db:
            await people.forget(db, person)
        assert await owed(storage) == [("memory:bob", outbox.owner)]
        queue.start()
        await asyncio.wait_for(queue.drain(), 10)
        assert [str(d.recipient) for d in adapter.delivered] == ["memory:bob"]
    finally:
        await queue.stop()
        await outbox.close()
        await storage.dispose()


async def test_a_worker_too_late_to_renew_leaves_the_rows_taken_over_to_their_new_owner(
    postgres_db_url: str,
) -> None:
    storage = await storage_for(postgres_db_url)
    first, second = Outbox(storage, lease=0.6), Outbox(storage, lease=0.6)
    late, taker = MemoryAdapter(None), MemoryAdapter(None)  # type: ignore[arg-type]

    async def quiet(*args: object) -> None:
        return None

    queues = [SendQueue(late, quiet, quiet, first), SendQueue(taker, quiet, quiet, second)]
    try:
        messages = [dm("alice"), dm("bob"), dm("carol")]
        async with storage.transaction() as db:
            ids = await first.store(db, messages, NOW)
        for outbound, outbox_id in zip(messages[:2], ids[:2], strict=True):
            queues[0].put(outbound, outbox_id)
        await asyncio.sleep(0.7)  # the first worker was too busy to renew: its leases ran out
        taken = await second.claim()
        assert len(taken) == 3
        for outbox_id, outbound in taken[:2]:
            queues[1].put(outbound, outbox_id)
        queues[0].put(messages[2], ids[2])  # queued only now, after its transaction

        for queue in queues:
            queue.start()
        await asyncio.wait_for(asyncio.gather(*(q.drain() for q in queues)), 10)

        assert late.delivered == []  # it renewed first and found the rows taken
        assert sorted(str(d.outbound.recipient) for d in taker.delivered) == [
            "memory:alice",
            "memory:bob",
        ]
        assert await owed(storage) == [("memory:carol", second.owner)]
    finally:
        for queue in queues:
            await queue.stop()
        for outbox in (first, second):
            await outbox.close()
        await storage.dispose()


async def test_a_lease_about_to_run_out_is_renewed_before_the_send(postgres_db_url: str) -> None:
    storage = await storage_for(postgres_db_url)
    outbox = Outbox(storage, lease=0.6)
    adapter = MemoryAdapter(None)  # type: ignore[arg-type]

    async def quiet(*args: object) -> None:
        return None

    queue = SendQueue(adapter, quiet, quiet, outbox)
    try:
        async with storage.transaction() as db:
            (outbox_id,) = await outbox.store(db, [dm("alice")], NOW)
        queue.put(dm("alice"), outbox_id)
        await asyncio.sleep(0.5)  # less than a third of the lease left: renew, then send
        assert not outbox.is_leased(outbox_id)
        queue.start()
        await asyncio.wait_for(queue.drain(), 10)
        assert [str(d.outbound.recipient) for d in adapter.delivered] == ["memory:alice"]
        assert await owed(storage) == []
    finally:
        await queue.stop()
        await outbox.close()
        await storage.dispose()
