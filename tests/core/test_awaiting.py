"""An awaited member's plain DM goes to the plugin that asked, before command parsing."""

from __future__ import annotations

import pytest

from salon.core import Context, Message, hookimpl


class Survey:
    def __init__(self) -> None:
        self.answers: list[str] = []

    @hookimpl
    def message_received(self, message: Message, ctx: Context) -> bool | None:
        if ctx.member.ref not in ctx.bot.awaited:
            return None
        self.answers.append(message.text)
        ctx.bot.awaited.release(ctx.member.ref, "survey")
        ctx.reply("Noted.")
        return True


@pytest.fixture
def survey() -> Survey:
    return Survey()


@pytest.fixture
def salon_plugins(survey: Survey) -> list[tuple[str, object]]:
    return [("survey", survey)]


async def test_awaited_text_is_an_answer_then_commands_again(salon_bot, survey) -> None:  # type: ignore[no-untyped-def]
    salon_bot.bot.awaited.expect(salon_bot.member("alice").ref, "survey")
    assert salon_bot.texts(await salon_bot.send("ping pong all day", dm=True)) == ["Noted."]
    assert survey.answers == ["ping pong all day"]
    assert salon_bot.texts(await salon_bot.send("ping", dm=True)) == ["pong"]


async def test_the_prefix_always_means_a_command(salon_bot, survey) -> None:  # type: ignore[no-untyped-def]
    salon_bot.bot.awaited.expect(salon_bot.member("alice").ref, "survey")
    assert salon_bot.texts(await salon_bot.send("!ping", dm=True)) == ["pong"]
    assert survey.answers == []
