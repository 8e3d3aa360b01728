"""Storage on SQLite and PostgreSQL: migrations, transactions, the inbound-event ledger."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from salon.core import Command, Context, hookimpl
from salon.core.errors import AlreadyHandled, ConfigError
from salon.core.storage import Storage, migrate, tables
from salon.core.testing import SalonHarness

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def test_migrations_apply_once_and_report_nothing_pending(database_url: str) -> None:
    storage = Storage(database_url)
    try:
        assert await migrate.pending_heads(storage, []) == {"core_0007"}
        assert await migrate.upgrade(storage, []) == [
            "core_0001",
            "core_0002",
            "core_0003_interactions",
            "core_0004",
            "core_0005_people",
            "core_0006",
            "core_0007",
        ]
        assert await migrate.pending_heads(storage, []) == set()
        assert await migrate.upgrade(storage, []) == []
    finally:
        await storage.dispose()


async def test_ledger_refuses_a_second_delivery_in_the_same_transaction_scope(
    database_url: str,
) -> None:
    storage = Storage(database_url)
    await migrate.upgrade(storage, [])
    try:
        async with storage.transaction() as db:
            await storage.record_event(db, "slack", "Ev1", NOW)
        with pytest.raises(AlreadyHandled):
            async with storage.transaction() as db:
                await storage.record_event(db, "slack", "Ev1", NOW)
        async with storage.transaction() as db:
            await storage.record_event(db, "telegram", "Ev1", NOW)  # other platform, other id
    finally:
        await storage.dispose()


async def test_state_values_round_trip(database_url: str) -> None:
    storage = Storage(database_url)
    await migrate.upgrade(storage, [])
    try:
        assert await storage.get_state("matrix.since", "none") == "none"
        await storage.set_state("matrix.since", {"token": "s1"})
        await storage.set_state("matrix.since", {"token": "s2"})
        assert await storage.get_state("matrix.since") == {"token": "s2"}
    finally:
        await storage.dispose()


class Counter:
    """A plugin whose command writes, so redelivery and rollback are observable."""

    def __init__(self) -> None:
        self.fail = False

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(Command("count", self.count, help="Count one."))

    async def count(self, ctx: Context) -> None:
        async with ctx.transaction() as db:
            await db.execute(tables.state.insert().values(key=f"count-{ctx.event_id}", value=1))
            if self.fail:
                raise RuntimeError("after the write")
        ctx.reply("counted")


async def _rows(harness: SalonHarness) -> int:
    async with harness.bot.storage.engine.connect() as db:
        query = sa.select(sa.func.count()).where(tables.state.c.key.like("count-%"))
        return int((await db.execute(query)).scalar_one())


async def test_redelivered_event_is_applied_once_even_after_a_restart(
    database_url: str, salon_clock
) -> None:  # type: ignore[no-untyped-def]
    counter = Counter()
    harness = SalonHarness({"database": {"url": database_url}}, salon_clock, [("counter", counter)])
    await harness.start()
    try:
        assert harness.texts(await harness.send("!count", event_id="Ev42")) == ["counted"]
        await harness.restart()  # the in-memory duplicate check is gone; the ledger is not
        assert await harness.send("!count", event_id="Ev42") == []
        assert await _rows(harness) == 1
    finally:
        await harness.stop()


async def test_a_failing_handler_changes_nothing(database_url: str, salon_clock) -> None:  # type: ignore[no-untyped-def]
    counter = Counter()
    counter.fail = True
    harness = SalonHarness(
        {"database": {"url": database_url}},
        salon_clock,
        [("counter", counter)],
        allow_errors=True,
    )
    await harness.start()
    try:
        [reply] = harness.texts(await harness.send("!count", event_id="Ev7"))
        assert reply.startswith("Something went wrong")
        assert await _rows(harness) == 0
        counter.fail = False  # the platform retries: the event was not recorded, so it runs
        await harness.restart()
        assert harness.texts(await harness.send("!count", event_id="Ev7")) == ["counted"]
    finally:
        await harness.stop()


def test_postgres_without_its_driver_names_the_pip_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if salon[postgres] were not installed
    with pytest.raises(ConfigError) as raised:
        Storage("postgresql://salon:secret@db.example.org/salon")
    assert str(raised.value) == (
        "database.url: cannot use 'postgresql+asyncpg://salon:***@db.example.org/salon': "
        "asyncpg is not installed; run `pip install 'salon[postgres]'`"
    )
