"""People: linking accounts, the cached lookup, preferences, DMs that reach the person."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from salon.core import Command, Context, MemberRef, Role, hookimpl
from salon.core.clock import ManualClock
from salon.core.memory_adapter import Delivered
from salon.core.testing import SalonHarness, default_config

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


class Organised:
    """An organiser-only command, to check where the organiser role reaches."""

    @hookimpl
    def register_commands(self, register: Callable[[Command], None]) -> None:
        register(Command("secret", self.secret, help="Organisers only.", role=Role.ORGANISER))

    def secret(self, ctx: Context) -> None:
        ctx.reply(f"organiser {ctx.person.display_name}")


@pytest.fixture
async def bot(tmp_path: Any) -> AsyncIterator[SalonHarness]:
    config = default_config(tmp_path / "salon.db")
    config["community"]["organisers"] = ["memory:olive"]
    harness = SalonHarness(config, ManualClock(), [("organised", Organised())])
    harness.add_platform("telegram")
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


def text(delivered: list[Delivered]) -> str:
    return "\n".join(d.outbound.body.plain() for d in delivered)


async def code_for(bot: SalonHarness, name: str, platform: str | None = None) -> str:
    replies = await bot.send("link", as_=name, dm=True, platform=platform)
    found = CODE.search(text(replies))
    assert found, text(replies)
    return found.group(1)


async def link(bot: SalonHarness, name: str) -> list[Delivered]:
    code = await code_for(bot, name)
    return await bot.send(f"link {code}", as_=name, dm=True, platform="telegram")


async def person(bot: SalonHarness, name: str, platform: str = "memory") -> Any:
    found = await bot.bot.people.of(MemberRef(platform, name))
    assert found is not None
    return found


async def counts(bot: SalonHarness) -> tuple[int, int, int]:
    async with bot.bot.storage.engine.connect() as db:
        found = [
            int((await db.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar() or 0)
            for table in ("salon_persons", "salon_members", "salon_link_codes")
        ]
    return found[0], found[1], found[2]


async def test_a_code_links_two_accounts_into_one_person(bot: SalonHarness) -> None:
    await bot.send("tz Europe/Berlin", as_="alice", dm=True)
    replies = await link(bot, "alice")
    assert "Linked!" in text(replies)
    assert "Memory, Telegram" in text(replies)
    # the other account hears about it (in case it wasn't them)
    assert any("was just linked" in d.outbound.body.plain() for d in bot.sent_to("alice"))
    mine, theirs = await person(bot, "alice"), await person(bot, "alice", "telegram")
    assert mine == theirs and len(mine.accounts) == 2
    replies = await bot.send("tz", as_="alice", dm=True, platform="telegram")
    assert "Europe/Berlin" in text(replies)  # the time zone belongs to the person
    replies = await bot.send("!accounts", as_="alice", platform="telegram")
    assert "Memory" in text(replies) and "Telegram" in text(replies)
    assert await counts(bot) == (1, 2, 0)


async def test_an_organiser_named_by_one_account_is_one_everywhere(bot: SalonHarness) -> None:
    replies = await bot.send("!secret", as_="olive", platform="telegram")
    assert "Only organisers" in text(replies)
    code = await code_for(bot, "olive")
    await bot.send(f"link {code}", as_="olive", dm=True, platform="telegram")
    replies = await bot.send("!secret", as_="olive", platform="telegram")
    assert text(replies) == "organiser olive"


async def test_wrong_expired_reused_and_own_codes_change_nothing(bot: SalonHarness) -> None:
    code = await code_for(bot, "alice")
    await bot.send("ping", as_="alice", dm=True, platform="telegram")  # known, not linked
    before = await counts(bot)
    replies = await bot.send("link AAAA-BBBB", as_="alice", dm=True, platform="telegram")
    assert "wrong or was already used" in text(replies) and "4 more tries" in text(replies)
    replies = await bot.send(f"link {code}", as_="alice", dm=True)
    assert "from the account you want to add" in text(replies)
    replies = await bot.send(f"!link {code}", as_="alice", platform="telegram")
    assert "direct message" in text(replies)  # never in a group, where others see it
    assert await counts(bot) == before
    bot.clock.advance(timedelta(minutes=11))
    replies = await bot.send(f"link {code}", as_="alice", dm=True, platform="telegram")
    assert "expired" in text(replies)
    assert await counts(bot) == before
    # a fresh code works once; the same code again (from a third account) does not
    code = await code_for(bot, "alice")
    assert "Linked!" in text(
        await bot.send(f"link {code}", as_="alice", dm=True, platform="telegram")
    )
    replies = await bot.send(f"link {code}", as_="carol", dm=True, platform="telegram")
    assert "wrong or was already used" in text(replies)


async def test_five_wrong_codes_lock_linking_for_fifteen_minutes(bot: SalonHarness) -> None:
    code = await code_for(bot, "alice")
    for attempt in range(5):
        replies = await bot.send(
            f"link WRNG-{attempt:04d}", as_="alice", dm=True, platform="telegram"
        )
    assert "locked for 15 minutes" in text(replies)
    before = await counts(bot)
    replies = await bot.send(f"link {code}", as_="alice", dm=True, platform="telegram")
    assert "Linking is locked" in text(replies)  # the 6th try: even the right code waits
    assert await counts(bot) == before
    bot.clock.advance(timedelta(minutes=15, seconds=1))
    code = await code_for(bot, "alice")
    replies = await bot.send(f"link {code}", as_="alice", dm=True, platform="telegram")
    assert "Linked!" in text(replies)


async def test_unlink_undoes_a_link_but_never_the_last_account(bot: SalonHarness) -> None:
    replies = await bot.send("unlink memory", as_="alice", dm=True)
    assert "only account" in text(replies)
    await link(bot, "alice")
    replies = await bot.send("unlink slack", as_="alice", dm=True)
    assert "no slack account" in text(replies)
    replies = await bot.send("unlink telegram", as_="alice", dm=True)
    assert "Unlinked your Telegram account" in text(replies)
    assert (await person(bot, "alice")).id != (await person(bot, "alice", "telegram")).id


async def test_names_and_time_zones_reach_every_account(bot: SalonHarness) -> None:
    await link(bot, "alice")
    await bot.send("name Ada L.", as_="alice", dm=True, platform="telegram")
    replies = await bot.send("name", as_="alice", dm=True)
    assert "Ada L." in text(replies)
    replies = await bot.send("name " + "x" * 65, as_="alice", dm=True)
    assert "1 to 64 characters" in text(replies)


async def test_a_known_person_costs_no_database_round_trip(bot: SalonHarness) -> None:
    await bot.send("!ping", as_="alice")
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = bot.bot.storage.engine.sync_engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert text(await bot.send("!ping", as_="alice")) == "pong"
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert statements == []


async def test_direct_messages_go_where_the_person_prefers(bot: SalonHarness) -> None:
    await link(bot, "alice")
    await bot.send("!my data", as_="alice", platform="telegram")  # in a group: sent by DM
    assert bot.sent_to("alice", "telegram")[-1].outbound.body.plain().startswith("Everything")
    await bot.send("dm here", as_="alice", dm=True)  # memory
    await bot.send("!my data", as_="alice", platform="telegram")
    assert bot.sent_to("alice")[-1].outbound.body.plain().startswith("Everything")
    replies = await bot.send("!dm", as_="alice", platform="telegram")
    assert "Memory" in text(replies) and "you chose it" in text(replies)


async def test_an_unreachable_account_falls_back_to_another_once(bot: SalonHarness) -> None:
    await link(bot, "alice")
    await bot.send("dm here", as_="alice", dm=True, platform="telegram")
    bot.adapters["telegram"].unreachable.add(MemberRef("telegram", "alice"))
    await bot.send("!my data", as_="alice", space="general")
    fallback = bot.sent_to("alice")[-1].outbound.body.plain()
    assert fallback.startswith("I couldn't reach you on Telegram, so I'm writing here.")
    assert "Everything salon keeps" in fallback
    await bot.send("!my data", as_="alice", space="general")
    again = bot.sent_to("alice")[-1].outbound.body.plain()
    assert again.startswith("Everything")  # said once; now straight to the account that works


async def test_organisers_link_for_a_member_only_with_both_confirmations(
    bot: SalonHarness,
) -> None:
    await bot.send("ping", as_="bob", dm=True)
    await bot.send("ping", as_="bob", dm=True, platform="telegram")
    replies = await bot.send("!link memory:bob telegram:bob", as_="alice")
    assert "Only organisers" in text(replies)
    replies = await bot.send("!link memory:bob telegram:bob", as_="olive")
    assert "confirm" in text(replies)
    [ask_here] = [d for d in bot.sent_to("bob") if d.outbound.buttons]
    [ask_there] = [d for d in bot.sent_to("bob", "telegram") if d.outbound.buttons]
    yes, _no = ask_here.outbound.buttons
    replies = await bot.press(yes, as_="carol", dm=True, forged=True)  # not carol's button
    assert "belongs to someone else" in text(replies)
    replies = await bot.press(yes, as_="bob", dm=True)
    assert "press the button" in text(replies)
    assert (await person(bot, "bob")).id != (await person(bot, "bob", "telegram")).id
    yes, _no = ask_there.outbound.buttons
    replies = await bot.press(yes, as_="bob", dm=True, platform="telegram")
    assert "Linked!" in text(replies)
    assert (await person(bot, "bob")).id == (await person(bot, "bob", "telegram")).id


async def test_forget_me_removes_every_linked_account(bot: SalonHarness) -> None:
    await link(bot, "alice")
    replies = await bot.send("forget me", as_="alice", dm=True, platform="telegram")
    assert "all 2 of your linked accounts" in text(replies)
    yes, _no = replies[-1].outbound.buttons
    replies = await bot.press(yes, as_="alice", dm=True, platform="telegram")
    assert "deleted" in text(replies)
    assert await counts(bot) == (0, 0, 0)


class BrokenMerge:
    """A plugin whose rows cannot be merged: the whole link must roll back."""

    @hookimpl
    def people_merged(self, kept: Any, merged: Any) -> None:
        raise RuntimeError("cannot merge")


async def test_a_failing_merge_links_nothing(tmp_path: Any) -> None:
    harness = SalonHarness(
        default_config(tmp_path / "salon.db"),
        ManualClock(),
        [("broken", BrokenMerge())],
        allow_errors=True,  # the merge fails on purpose
    )
    harness.add_platform("telegram")
    await harness.start()
    try:
        await harness.send("ping", as_="alice", dm=True, platform="telegram")
        code = await code_for(harness, "alice")
        before = await counts(harness)
        replies = await harness.send(f"link {code}", as_="alice", dm=True, platform="telegram")
        assert "Something went wrong" in text(replies)
        assert await counts(harness) == before  # the code is still there, nothing moved
        mine = await person(harness, "alice")
        theirs = await person(harness, "alice", "telegram")
        assert mine.id != theirs.id
    finally:
        await harness.stop()
