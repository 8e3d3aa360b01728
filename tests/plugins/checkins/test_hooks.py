"""The check-in hook family fires after the transaction commits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from plugins.checkins.helpers import join, setup_checkin, utc
from salon.core import Bot, hookimpl
from salon.core.storage import sa
from salon.core.testing import SalonHarness
from salon.plugins.checkins import tables


class SpyPlugin:
    """Records each hook call and whether the plugin's rows were already committed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.bot: Bot | None = None

    @hookimpl
    def startup(self, bot: Bot) -> None:
        self.bot = bot

    async def _committed(self, table: sa.Table) -> int:
        assert self.bot is not None
        # A separate connection sees only committed rows.
        async with self.bot.storage.engine.connect() as db:
            return int((await db.execute(sa.select(sa.func.count()).select_from(table))).scalar())

    @hookimpl
    async def goal_set(self, goal: Any, member: Any, community: Any) -> None:
        self.calls.append(("goal_set", {"goal": goal, "rows": await self._committed(tables.goals)}))

    @hookimpl
    async def progress_logged(self, entry: Any, member: Any) -> None:
        rows = await self._committed(tables.progress)
        self.calls.append(("progress_logged", {"entry": entry, "rows": rows}))

    @hookimpl
    def goal_reached(self, goal: Any, member: Any) -> None:
        self.calls.append(("goal_reached", {"goal": goal}))

    @hookimpl
    async def checkin_recorded(self, checkin: Any, member: Any) -> None:
        assert self.bot is not None
        async with self.bot.storage.engine.connect() as db:
            status = (
                await db.execute(
                    sa.select(tables.responses.c.status).where(tables.responses.c.id == checkin.id)
                )
            ).scalar()
        self.calls.append(("checkin_recorded", {"checkin": checkin, "status": status}))

    @hookimpl
    def streak_broken(self, streak: Any, member: Any) -> None:
        self.calls.append(("streak_broken", {"streak": streak, "member": member}))

    @hookimpl
    async def buddies_paired(self, pair: Any) -> None:
        rows = await self._committed(tables.pairs)
        self.calls.append(("buddies_paired", {"pair": pair, "rows": rows}))

    def named(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for hook, kwargs in self.calls if hook == name]


@pytest.fixture
def spy() -> SpyPlugin:
    return SpyPlugin()


@pytest.fixture
def salon_plugins(spy: SpyPlugin) -> list[Any]:
    return ["checkins", ("spy", spy)]


async def test_goal_and_progress_hooks_fire_after_commit(
    salon_bot: SalonHarness, spy: SpyPlugin
) -> None:
    await salon_bot.send("!goal 500 words daily")
    [goal_set] = spy.named("goal_set")
    assert goal_set["rows"] == 1 and goal_set["goal"].target == 500
    await salon_bot.send("!wc 200")
    await salon_bot.send("!wc +400")
    await salon_bot.send("!wc 650")  # still reached: goal_reached fires once a day
    logged = spy.named("progress_logged")
    assert [c["entry"].amount for c in logged] == [200, 600, 650]
    assert all(c["rows"] == 1 for c in logged)
    [reached] = spy.named("goal_reached")
    assert reached["goal"].progress == 600
    salon_bot.clock.advance(timedelta(days=1))
    await salon_bot.send("!wc 500")
    assert len(spy.named("goal_reached")) == 2


async def test_bad_input_fires_nothing(salon_bot: SalonHarness, spy: SpyPlugin) -> None:
    for text in ("!goal -5", "!wc lots", "!goal 10 words by 2020-01-01"):
        await salon_bot.send(text)
    assert spy.calls == []


async def test_checkin_recorded_after_commit(salon_bot: SalonHarness, spy: SpyPlugin) -> None:
    await setup_checkin(salon_bot)
    await join(salon_bot, "bob")
    await salon_bot.send("!goal 3 sessions weekly", as_="bob")
    await salon_bot.advance(to=utc(2026, 1, 8, 9, 0))
    for answer in ("Chapter 1", "Chapter 2", "Nothing"):
        await salon_bot.send(answer, as_="bob", dm=True)
    [recorded] = spy.named("checkin_recorded")
    assert recorded["status"] == "done"
    checkin = recorded["checkin"]
    assert checkin.answers[0] == ("What did you write since the last check-in?", "Chapter 1")
    assert checkin.goal is not None and checkin.goal.unit == "sessions"


async def test_streak_broken_from_the_hourly_check(salon_bot: SalonHarness, spy: SpyPlugin) -> None:
    await salon_bot.send("!wc 100", as_="bob")
    salon_bot.clock.advance(timedelta(days=1))
    await salon_bot.send("!wc 100", as_="bob")
    await salon_bot.advance(timedelta(days=2))  # one missed day: grace
    assert spy.named("streak_broken") == []
    await salon_bot.advance(timedelta(days=1))  # two missed days
    [broken] = spy.named("streak_broken")
    assert broken["streak"].length == 2 and broken["member"].display_name == "bob"
    await salon_bot.advance(timedelta(hours=3))
    await salon_bot.send("!wc 100", as_="bob")
    assert len(spy.named("streak_broken")) == 1


async def test_buddies_paired_after_commit(salon_bot: SalonHarness, spy: SpyPlugin) -> None:
    for name in ("alice", "bob", "carol"):
        await salon_bot.send("!buddy join", as_=name)
    await salon_bot.send("!buddy pair", as_="olive")
    [paired] = spy.named("buddies_paired")
    assert paired["rows"] == 1 and len(paired["pair"].people) == 3


class BadgePlugin:
    """A third party reacting to goal_reached with no module global: the hook gets ``bot``."""

    @hookimpl
    async def goal_reached(self, goal: Any, member: Any, bot: Bot) -> None:
        async with bot.transaction() as tx:
            owed = await tx.db.execute(sa.select(sa.func.count()).select_from(tables.goals))
            assert owed.scalar() == 1  # reads in the same transaction
            tx.send_direct(member.ref, f"Badge: {goal.target} {goal.unit}!")
            rows = await tx.db.execute(sa.text("SELECT count(*) FROM salon_outbox"))
            assert rows.scalar() == 0  # stored when the block ends, with the transaction

    @hookimpl
    async def progress_logged(self, entry: Any, member: Any, bot: Bot) -> None:
        if entry.amount == 13:
            with pytest.raises(RuntimeError):
                async with bot.transaction() as tx:
                    tx.send_direct(member.ref, "never sent")
                    raise RuntimeError("rolled back")


@pytest.mark.parametrize("salon_plugins", [["checkins", ("badges", BadgePlugin())]])
async def test_a_hook_sends_durably_through_the_transaction_it_is_given(
    salon_bot: SalonHarness,
) -> None:
    await salon_bot.send("!goal 500 words daily")
    await salon_bot.send("!wc 13")
    assert salon_bot.texts(salon_bot.sent_to("alice")) == []  # rolled back: nothing sent
    await salon_bot.send("!wc 600")
    assert salon_bot.texts(salon_bot.sent_to("alice")) == ["Badge: 500 words!"]
    async with salon_bot.bot.read() as db:
        left = await db.execute(sa.text("SELECT count(*) FROM salon_outbox"))
        assert left.scalar() == 0  # delivered, so its outbox row is gone
