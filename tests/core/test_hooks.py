"""Hooks are called through pluggy: wrappers, tryfirst/trylast, async implementations (event
and registry hooks), one broken plugin isolated, and hook families published by plugins."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Generator
from typing import Any

import pytest

from salon.core import Command, hookimpl, hookspec
from salon.core.bot import Bot
from salon.core.config import config_from_mapping
from salon.core.errors import PluginError, UserError
from salon.core.hooks_doc import render_hooks_markdown
from salon.core.hookspecs import runtime
from salon.core.model import Member, MemberRef, Space, SpaceRef
from salon.core.plugins import create_plugin_manager, published_hookspecs
from salon.core.testing import SalonHarness

ALICE = Member(MemberRef("memory", "alice"), "alice")
GENERAL = Space(SpaceRef("memory", "general"), "general")


def bot_with(*plugins: tuple[str, object]) -> Bot:
    pm = create_plugin_manager(extra=plugins, load_entrypoints=False)
    return Bot(config_from_mapping({}), pm=pm, env={})


class Recorder:
    def __init__(self, name: str, calls: list[str]) -> None:
        self.name, self.calls = name, calls

    @hookimpl
    async def member_joined(self, member: Member) -> str:
        await asyncio.sleep(0)
        self.calls.append(self.name)
        return self.name


class First(Recorder):
    @hookimpl(tryfirst=True)
    async def member_joined(self, member: Member) -> str:
        self.calls.append(self.name)
        return self.name


class Wrapper:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    @hookimpl(wrapper=True)
    def member_joined(self) -> Generator[None, Any, Any]:
        self.calls.append("before")
        results = yield
        self.calls.append(f"after {len(results)}")
        return results


async def test_wrappers_and_tryfirst_work_and_async_implementations_are_awaited() -> None:
    calls: list[str] = []
    bot = bot_with(
        ("first", First("first", calls)),
        ("second", Recorder("second", calls)),
        ("wrap", Wrapper(calls)),
    )
    results = await bot.notify(
        runtime.member_joined, member=ALICE, space=GENERAL, community=bot.community, bot=bot
    )
    # pluggy's order: wrapper around; tryfirst before the later-registered "second"
    assert calls == ["before", "after 2", "first", "second"]
    assert results == ["first", "second"]


class Broken:
    @hookimpl
    def member_joined(self) -> None:
        raise RuntimeError("sync boom")


class BrokenAsync:
    @hookimpl
    async def member_joined(self) -> None:
        raise RuntimeError("async boom")


async def test_one_broken_plugin_cannot_stop_the_others_and_is_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[str] = []
    bot = bot_with(
        ("fine", Recorder("fine", calls)),
        ("broken", Broken()),
        ("broken_async", BrokenAsync()),
    )
    results = await bot.notify(
        runtime.member_joined, member=ALICE, space=GENERAL, community=bot.community, bot=bot
    )
    assert results == ["fine"]
    logged = caplog.text
    assert "member_joined in plugin broken" in logged
    assert "member_joined in plugin broken_async" in logged


def test_hooks_are_named_by_their_spec_not_a_string() -> None:
    bot = bot_with()
    with pytest.raises(TypeError, match="spec function"):
        asyncio.run(bot.notify("member_joined"))  # type: ignore[arg-type]


class AsyncMessages:
    def __init__(self, answer: bool | None, seen: list[str], name: str) -> None:
        self.answer, self.seen, self.name = answer, seen, name

    @hookimpl
    async def message_received(self) -> bool | None:
        self.seen.append(self.name)
        return self.answer


async def test_firstresult_asks_the_next_plugin_when_an_async_one_answers_none() -> None:
    seen: list[str] = []
    bot = bot_with(
        ("takes", AsyncMessages(True, seen, "takes")),
        ("passes", AsyncMessages(None, seen, "passes")),
    )
    result = await bot.first_result(runtime.message_received, message=None, ctx=None)  # type: ignore[arg-type]
    assert result is True
    assert seen == ["passes", "takes"]  # last registered is asked first, as in pluggy


class AsyncRegistry:
    @hookimpl
    async def register_commands(self, register: Any) -> None:
        register(Command("later", lambda ctx: ctx.reply("async registered"), help="Async."))


async def test_an_async_registry_hook_registers_its_commands(salon_clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    harness = SalonHarness(
        {"database": {"url": f"sqlite:///{tmp_path}/s.db"}},
        salon_clock,
        [("asyncreg", AsyncRegistry())],
    )
    await harness.start()
    try:
        assert harness.bot.commands.get("later").plugin == "asyncreg"
        assert harness.texts(await harness.send("!later")) == ["async registered"]
    finally:
        await harness.stop()


class WaitingRegistry:
    @hookimpl
    async def register_commands(self, register: Any) -> None:
        await asyncio.sleep(0.01)


class RaisingRegistry:
    @hookimpl
    def register_commands(self, register: Any) -> None:
        raise ValueError("no commands today")


def test_a_registry_hook_that_waits_or_raises_is_an_error_naming_the_plugin() -> None:
    with pytest.raises(PluginError, match="plugin 'waits'.*cannot wait"):
        bot_with(("waits", WaitingRegistry()))

    async def inside_a_loop() -> None:
        bot_with(("waits", WaitingRegistry()))

    with pytest.raises(PluginError, match="plugin 'waits'.*cannot wait"):
        asyncio.run(inside_a_loop())
    with pytest.raises(PluginError, match="plugin 'raises' failed in register_commands"):
        bot_with(("raises", RaisingRegistry()))


trophy_hooks = types.ModuleType("trophy_hooks", "Trophies: fired by the trophy plugin.")


@hookspec
def trophy_awarded(member: Member, trophy: str) -> None:
    """A member earned a trophy.

    :param member: who earned it.
    :param trophy: its name.
    """


trophy_hooks.trophy_awarded = trophy_awarded  # type: ignore[attr-defined]


class Publisher:
    @hookimpl
    def register_hookspecs(self, register: Any) -> None:
        register(trophy_hooks)


class Listener:
    def __init__(self) -> None:
        self.trophies: list[str] = []

    @hookimpl
    def trophy_awarded(self, trophy: str) -> None:
        self.trophies.append(trophy)


async def test_a_plugin_publishes_its_own_hooks_which_others_implement_and_docs_list() -> None:
    listener = Listener()
    bot = bot_with(("listener", listener), ("trophies", Publisher()))
    await bot.notify(trophy_hooks.trophy_awarded, member=ALICE, trophy="first draft")
    assert listener.trophies == ["first draft"]
    published = published_hookspecs(bot.pm)
    assert published == [("trophies", trophy_hooks)]
    text = render_hooks_markdown(published)
    assert "## Plugin trophies: Trophies: fired by the trophy plugin" in text
    assert "trophy_awarded(member: Member, trophy: str) -> None" in text


def test_an_implementation_of_an_unpublished_hook_still_fails_loudly() -> None:
    with pytest.raises(PluginError, match="plugin 'listener'.*trophy_awarded"):
        create_plugin_manager(extra=[("listener", Listener())], load_entrypoints=False)


class OldStyleWrapper:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    @hookimpl(hookwrapper=True)
    def member_joined(self) -> Generator[None, Any, None]:
        outcome = yield
        self.calls.append(f"old-style saw {len(outcome.get_result())}")


class Last(Recorder):
    @hookimpl(trylast=True)
    async def member_joined(self, member: Member) -> str:
        self.calls.append(self.name)
        return self.name


async def test_hookwrapper_and_trylast_work_too() -> None:
    calls: list[str] = []
    bot = bot_with(
        ("last", Last("last", calls)),
        ("old", OldStyleWrapper(calls)),
        ("plain", Recorder("plain", calls)),
    )
    await bot.notify(
        runtime.member_joined, member=ALICE, space=GENERAL, community=bot.community, bot=bot
    )
    assert calls == ["old-style saw 2", "plain", "last"]


class Refuses:
    @hookimpl
    def message_received(self) -> bool:
        raise UserError("I can't read that file.")


async def test_a_user_error_from_message_received_is_the_members_reply(
    salon_config: dict[str, Any], salon_clock: Any
) -> None:
    harness = SalonHarness(salon_config, salon_clock, [("refuses", Refuses())])
    await harness.start()
    try:
        replies = await harness.send("here is my chapter", dm=True)
        assert harness.texts(replies) == ["I can't read that file."]
    finally:
        await harness.stop()
