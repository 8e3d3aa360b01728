"""Replies of a command that changed state are durable, and every send returns a handle."""

from __future__ import annotations

import asyncio

import pytest

from salon.core import Command, Context, SalonError, SendHandle, Sent, UserError, hookimpl
from salon.core.storage import sa, tables
from salon.core.testing import SalonHarness


class Notes:
    def __init__(self) -> None:
        self.handles: list[SendHandle] = []

    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(Command("note", self.note, help="Save a note."))
        register(Command("oops", self.oops, help="Fail after replying."))
        register(Command("peek", self.peek, help="Answer."))

    async def note(self, ctx: Context) -> None:
        async with ctx.transaction():
            self.handles.append(ctx.reply("Saved."))

    async def oops(self, ctx: Context) -> None:
        async with ctx.transaction():
            self.handles.append(ctx.reply("Saved?"))
            raise UserError("No, that did not work.")

    def peek(self, ctx: Context) -> None:
        self.handles.append(ctx.reply("nothing new"))


@pytest.fixture
def notes() -> Notes:
    return Notes()


@pytest.fixture
def salon_plugins(notes: Notes) -> list[tuple[str, object]]:
    return [("notes", notes)]


async def owed_rows(harness: SalonHarness) -> int:
    async with harness.bot.storage.engine.connect() as db:
        result = await db.execute(sa.select(sa.func.count()).select_from(tables.outbox))
        return int(result.scalar() or 0)


async def test_the_handle_gives_the_sent_reply_and_its_row_is_gone(salon_bot, notes) -> None:  # type: ignore[no-untyped-def]
    delivered = await salon_bot.send("!note")
    assert salon_bot.texts(delivered) == ["Saved."]
    sent = await notes.handles[0].sent()
    assert sent == Sent(delivered[0].message_id, salon_bot.space().ref)
    assert await owed_rows(salon_bot) == 0
    await salon_bot.send("!peek")  # a read-only reply gives its Sent too
    assert (await notes.handles[1].sent()).message_id == salon_bot.replies[-1].message_id


async def test_a_rolled_back_reply_is_never_sent_and_its_handle_says_so(salon_bot, notes) -> None:  # type: ignore[no-untyped-def]
    assert salon_bot.texts(await salon_bot.send("!oops")) == ["No, that did not work."]
    with pytest.raises(SalonError, match="rolled back"):
        await notes.handles[0].sent()
    assert await owed_rows(salon_bot) == 0


async def test_a_committed_reply_survives_a_crash_before_it_was_sent(
    salon_bot, salon_config, salon_plugins
) -> None:  # type: ignore[no-untyped-def]
    config = {**salon_config, "database": {**salon_config["database"], "outbox_lease": 0.3}}
    await salon_bot.stop()
    first = SalonHarness(config, salon_bot.clock, salon_plugins)
    await first.start()
    await first.bot.outbound.queues["memory"].stop()  # the process dies before sending
    await first.bot.receive(first.adapter.message(first.member("alice"), first.space(), "!note"))
    assert first.replies == []
    assert await owed_rows(first) == 1  # stored with the note, in the same transaction
    await first.bot.loops.close()
    await first.bot.storage.dispose()

    again = SalonHarness(config, first.clock, salon_plugins)
    await again.start()
    try:
        await asyncio.sleep(0.5)  # the dead worker's lease runs out
        await again.bot.outbound.drain()
        assert again.texts() == ["Saved."]
        assert await owed_rows(again) == 0
    finally:
        await again.stop()
