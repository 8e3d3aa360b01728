"""One interactions store: what buttons and forms mean, with an expiry and pruning."""

from __future__ import annotations

from datetime import timedelta

from salon.core import Button, ManualClock
from salon.core.interactions import EXPIRED, Interactions
from salon.core.storage import Storage, migrate, sa, tables


async def test_values_are_kept_until_they_expire_then_pruned(
    database_url: str, salon_clock: ManualClock
) -> None:
    storage = Storage(database_url)
    try:
        await migrate.upgrade(storage, [])
        store = Interactions(storage, salon_clock, timedelta(days=30))
        key = await store.remember("telegram", [["basics.confirm", "yes"]], space="42")
        assert key == await store.remember("telegram", [["basics.confirm", "yes"]], space="42")
        other = await store.remember("slack", {"form": "x"}, key="slack-form-1")

        fresh = Interactions(storage, salon_clock, timedelta(days=30))  # after a restart
        assert await fresh.recall(key) == [["basics.confirm", "yes"]]
        latest = await fresh.latest("telegram", "42")
        assert latest is not None and latest.key == key

        salon_clock.advance(timedelta(days=29))
        await store.remember("slack", {"form": "x"}, key="slack-form-1")  # sent again: extended
        salon_clock.advance(timedelta(days=2))
        assert await fresh.recall(key) is None
        assert await fresh.latest("telegram", "42") is None
        assert await store.recall(other) == {"form": "x"}

        assert await store.prune() == 1
        async with storage.engine.connect() as connection:
            keys = (await connection.execute(sa.select(tables.interactions.c.key))).scalars()
            assert list(keys) == ["slack-form-1"]
    finally:
        await storage.dispose()


async def test_a_press_after_expiry_gets_a_friendly_reply(salon_bot) -> None:  # type: ignore[no-untyped-def]
    # An adapter turns a press of a forgotten button into EXPIRED: never "sent" as such.
    [reply] = salon_bot.texts(await salon_bot.press(Button("Yes", EXPIRED), forged=True))
    assert reply.startswith("This button has expired (buttons work for 30 days")


async def test_the_bots_pruning_removes_expired_buttons(salon_bot, salon_clock) -> None:  # type: ignore[no-untyped-def]
    store = salon_bot.bot.interactions
    old = await store.remember("memory", ["old"])
    salon_clock.advance(timedelta(days=20))
    new = await store.remember("memory", ["new"])
    salon_clock.advance(timedelta(days=11))

    await salon_bot.bot.prune()  # what the hourly task runs

    assert await store.get(old, expired=True) is None
    assert await store.recall(new) == ["new"]
