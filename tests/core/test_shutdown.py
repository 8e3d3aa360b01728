"""Stopping gracefully: events already taken are answered before the send queues close."""

from __future__ import annotations

import asyncio

import pytest

from salon.core import Command, Context, hookimpl


class Slow:
    @hookimpl
    def register_commands(self, register):  # type: ignore[no-untyped-def]
        register(Command("slow", self.slow, help="Think, then answer."))

    async def slow(self, ctx: Context) -> None:
        await asyncio.sleep(0.2)
        ctx.reply("done thinking")


@pytest.fixture
def salon_plugins() -> list[tuple[str, object]]:
    return [("slow", Slow())]


async def test_an_event_being_handled_at_stop_is_still_answered(salon_bot) -> None:  # type: ignore[no-untyped-def]
    # An adapter that acks first and works after (Slack) hands the work to bot.tasks.
    member = salon_bot.member("alice")
    message = salon_bot.adapter.message(member, salon_bot.space(), "!slow")
    salon_bot.bot.tasks.spawn(salon_bot.bot.receive(message), "inbound")
    await asyncio.sleep(0)  # the handler is now sleeping inside the command
    await salon_bot.stop()
    assert salon_bot.texts() == ["done thinking"]
