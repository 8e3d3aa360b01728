"""The plugin-author test harness, registered as a pytest plugin (``pytest11`` entry point).

In a plugin's tests::

    async def test_ping(salon_bot):
        replies = await salon_bot.send("!ping", as_="alice")
        assert replies[-1].text == "pong"

Fixtures (override any of them in your conftest):

``salon_config``
    the raw configuration mapping (``salon.toml`` as a dict); the database is a temporary
    SQLite file and ``memory:olive`` is an organiser.
``salon_plugins``
    extra ``(name, plugin)`` pairs to register besides the installed ones.
``salon_clock``
    the ``ManualClock`` the bot and its scheduler run on.
``salon_bot``
    a started ``SalonHarness``; stopped (and everything it opened closed) after the test.

Needs ``pytest-asyncio`` (``asyncio_mode = "auto"`` or mark your tests).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from salon.core.bot import Bot
from salon.core.clock import ManualClock
from salon.core.config import config_from_mapping
from salon.core.files import attachment_from_bytes
from salon.core.memory_adapter import Delivered, MemoryAdapter
from salon.core.model import Button, ButtonPress, Form, Member, Space
from salon.core.plugins import create_plugin_manager

try:
    import pytest_asyncio

    _async_fixture: Any = pytest_asyncio.fixture
except ImportError:  # pragma: no cover - the harness documents the requirement
    _async_fixture = pytest.fixture


class SalonHarness:
    """A bot on the in-memory platform, driven as members would drive it."""

    def __init__(
        self,
        config: Mapping[str, Any],
        clock: ManualClock,
        plugins: Iterable[tuple[str, object]] = (),
        *,
        load_entrypoints: bool = True,
    ) -> None:
        self.raw_config = config
        self.clock = clock
        self.plugins = list(plugins)
        self.load_entrypoints = load_entrypoints
        #: Extra in-memory platforms (``add_platform``), rebuilt on ``restart``.
        self.platforms: list[str] = []
        self.adapters: dict[str, MemoryAdapter] = {}
        self.bot, self.adapter = self._build()
        self.replies: list[Delivered] = []

    def _build(self) -> tuple[Bot, MemoryAdapter]:
        config = config_from_mapping(self.raw_config, source="test")
        pm = create_plugin_manager(
            config.disabled_plugins, load_entrypoints=self.load_entrypoints, extra=self.plugins
        )
        bot = Bot(config, pm=pm, clock=self.clock, env={})
        adapter = MemoryAdapter(bot)
        adapter.listeners.append(self._record)
        bot.add_adapter(adapter)
        self.adapters = {adapter.platform: adapter}
        for platform in self.platforms:
            self._attach(bot, platform)
        return bot, adapter

    def _attach(self, bot: Bot, platform: str) -> MemoryAdapter:
        cls = type(f"MemoryAdapter_{platform}", (MemoryAdapter,), {"platform": platform})
        adapter: MemoryAdapter = cls(bot)
        adapter.listeners.append(self._record)
        bot.add_adapter(adapter)
        self.adapters[platform] = adapter
        return adapter

    def add_platform(self, platform: str) -> MemoryAdapter:
        """Another in-memory platform (before ``start``): ``send(..., platform=...)`` then
        writes from the member's account there, as a person with accounts on several
        platforms would (``link``)."""
        self.platforms.append(platform)
        return self._attach(self.bot, platform)

    def _record(self, delivered: Delivered) -> None:
        self.replies.append(delivered)

    async def start(self) -> None:
        await self.bot.start(run_scheduler=False)

    async def stop(self) -> None:
        if self.bot.started:
            await self.bot.stop()

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same database and clock (a process restart)."""
        await self.stop()
        self.bot, self.adapter = self._build()
        await self.start()

    # --- acting as members -----------------------------------------------------------------
    def member(self, name: str, platform: str | None = None) -> Member:
        adapter = self._adapter(platform)
        return adapter.member(name)

    def _adapter(self, platform: str | None) -> MemoryAdapter:
        return self.adapter if platform is None else self.adapters[platform]

    def space(self, name: str = "general", *, dm_of: str | None = None) -> Space:
        if dm_of is not None:
            return self.adapter.dm_space(self.member(dm_of))
        return self.adapter.space(name)

    async def send(
        self,
        text: str,
        *,
        as_: str = "alice",
        space: str = "general",
        dm: bool = False,
        event_id: str | None = None,
        platform: str | None = None,
        files: Iterable[tuple[str, bytes]] = (),
    ) -> list[Delivered]:
        """Send ``text`` as member ``as_`` (in a DM with ``dm=True``; from their account on
        ``platform``, see ``add_platform``), with ``files`` as ``(name, bytes)`` attachments;
        return what the bot sent."""
        adapter = self._adapter(platform)
        member = adapter.member(as_)
        where = adapter.dm_space(member) if dm else adapter.space(space)
        attachments = tuple(attachment_from_bytes(name, data) for name, data in files)
        message = adapter.message(member, where, text, event_id=event_id, attachments=attachments)
        return await self._collect(self.bot.receive(message))

    async def press(
        self,
        button: Button,
        *,
        as_: str = "alice",
        space: str = "general",
        dm: bool = False,
        message_id: str | None = None,
        event_id: str | None = None,
        platform: str | None = None,
    ) -> list[Delivered]:
        """Press ``button`` as member ``as_`` (on ``platform``); return what the bot sent."""
        adapter = self._adapter(platform)
        member = adapter.member(as_)
        where = adapter.dm_space(member) if dm else adapter.space(space)
        press = ButtonPress(
            space=where,
            member=member,
            action=button.action,
            value=button.value,
            event_id=event_id or f"press-{len(self.replies)}-{button.action}-{as_}",
            message_id=message_id,
        )
        return await self._collect(self.bot.receive_press(press))

    async def submit(
        self,
        form: Form,
        values: Mapping[str, str],
        *,
        as_: str = "alice",
        space: str = "general",
        dm: bool = False,
        event_id: str | None = None,
    ) -> list[Delivered]:
        """Submit ``form`` as member ``as_`` with ``values`` by field name, as a platform with
        ``Capabilities.forms`` would (where the form was sent: ``dm=True`` for a DM); return
        what the bot sent."""
        member = self.member(as_)
        where = self.adapter.dm_space(member) if dm else self.adapter.space(space)
        press = ButtonPress(
            space=where,
            member=member,
            action=form.action,
            value="",
            event_id=event_id or f"submit-{len(self.replies)}-{form.action}-{as_}",
            values=dict(values),
        )
        return await self._collect(self.bot.receive_press(press))

    async def advance(
        self, delta: timedelta | None = None, *, to: datetime | None = None
    ) -> list[Delivered]:
        """Move the clock, run the jobs that fell due, return what the bot sent."""
        if to is not None:
            self.clock.set(to)
        if delta is not None:
            self.clock.advance(delta)
        return await self._collect(self.bot.scheduler.run_due())

    async def _collect(self, work: Any) -> list[Delivered]:
        before = len(self.replies)
        await work
        await self.bot.outbound.drain()
        await self.bot.outbox.settle()
        return self.replies[before:]

    # --- looking at what was sent ----------------------------------------------------------
    def sent_to(self, name: str, platform: str | None = None) -> list[Delivered]:
        """Direct messages the bot sent to member ``name`` (on ``platform``)."""
        ref = self.member(name, platform).ref
        return [d for d in self.replies if d.recipient == ref]

    def texts(self, delivered: Iterable[Delivered] | None = None) -> list[str]:
        return [d.text for d in (self.replies if delivered is None else delivered)]


def default_config(database: Path) -> dict[str, Any]:
    return {
        "community": {"name": "Test group", "organisers": ["memory:olive"]},
        "database": {"url": f"sqlite:///{database}"},
    }


@pytest.fixture
def salon_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def salon_config(tmp_path: Path) -> dict[str, Any]:
    return default_config(tmp_path / "salon.db")


@pytest.fixture
def salon_plugins() -> list[tuple[str, object]]:
    return []


@_async_fixture  # type: ignore[untyped-decorator]
async def salon_bot(
    salon_config: dict[str, Any],
    salon_clock: ManualClock,
    salon_plugins: list[tuple[str, object]],
) -> AsyncIterator[SalonHarness]:
    harness = SalonHarness(salon_config, salon_clock, salon_plugins)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
