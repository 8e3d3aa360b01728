"""The community's spaces: recorded by name, joined by config or by organisers, announced to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from salon.core import Command, ConfigError, Context, Role, SpaceRef, bold, hookimpl, md
from salon.core.clock import ManualClock
from salon.core.config import config_from_mapping
from salon.core.memory_adapter import Delivered
from salon.core.testing import SalonHarness, default_config


class Announcer:
    @hookimpl
    def register_commands(self, register: Callable[[Command], None]) -> None:
        register(Command("announce", self.announce, help="Tell everyone.", role=Role.ORGANISER))

    def announce(self, ctx: Context) -> None:
        sent = ctx.announce(md(bold("Write-in"), " on Saturday!"), group="announcements")
        ctx.reply(f"announced in {sent} spaces")


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[SalonHarness]:
    config: dict[str, Any] = default_config(tmp_path / "salon.db")
    config["community"]["spaces"] = ["telegram:-100"]
    config["community"]["groups"] = {"announcements": ["telegram:-100"]}
    harness = SalonHarness(config, ManualClock(), [("announcer", Announcer())])
    harness.add_platform("telegram")
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


def text(delivered: list[Delivered]) -> str:
    return "\n".join(d.outbound.body.plain() for d in delivered)


async def test_spaces_are_listed_by_name_and_joined_by_organisers(bot: SalonHarness) -> None:
    await bot.send("hello", as_="alice", space="writers", platform="telegram")
    replies = await bot.send("!spaces", as_="olive")
    assert "#writers on Telegram — not in the community" in text(replies)
    # configured, but never heard from (and this platform cannot tell its name): no raw id
    assert "a space on Telegram — in the community" in text(replies)
    assert "-100" not in text(replies)
    replies = await bot.send("!space join", as_="alice")
    assert "Only organisers" in text(replies)
    replies = await bot.send("!space join announcements", as_="olive")
    assert "#general on Memory is now part of the community and its group announcements" in text(
        replies
    )
    replies = await bot.send("!space leave critique", as_="olive")
    assert "is not in the group critique" in text(replies)
    replies = await bot.send("!space join Not A Group", as_="olive")
    assert "Usage" in text(replies)  # one word only


async def test_one_call_announces_in_every_space_of_a_group(bot: SalonHarness) -> None:
    await bot.send("!space join announcements", as_="olive")
    await bot.send("!space join", as_="olive", space="lounge")  # the community, not the group
    replies = await bot.send("!announce", as_="olive")
    posted = {d.outbound.space for d in replies if "Write-in" in d.outbound.body.plain()}
    assert posted == {SpaceRef("memory", "general"), SpaceRef("telegram", "-100")}
    assert "announced in 2 spaces" in text(replies)
    await bot.restart()  # joined spaces survive a restart
    replies = await bot.send("!announce", as_="olive")
    assert "announced in 2 spaces" in text(replies)


def test_space_config_is_checked_at_start() -> None:
    with pytest.raises(ConfigError, match="community.spaces"):
        config_from_mapping({"community": {"spaces": ["general"]}})
    with pytest.raises(ConfigError, match="community.groups"):
        config_from_mapping({"community": {"groups": {"news": ["nowhere"]}}})
