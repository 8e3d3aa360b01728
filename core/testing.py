"""The plugin-author test harness, registered as a pytest plugin (``pytest11`` entry point).

In a plugin's tests::

    @pytest.fixture
    def salon_plugins():
        return ["cheer"]  # installed plugins by entry-point name, or (name, object)


    async def test_cheer(salon_bot):
        replies = await salon_bot.send("!cheer bob", as_="alice")
        assert salon_bot.texts(replies) == ["Go, *bob*! Every word counts."]

The harness tells the truth:

- **hermetic**: only the plugins named in ``salon_plugins`` (plus the essential ``basics``)
  are loaded, not every installed one;
- **errors fail the test**: an exception in a handler, job or hook (anything the bot reports)
  fails the test at the next step, with the traceback; opt out per test with
  ``@pytest.mark.salon_allow_errors`` and look at ``salon_bot.errors``;
- **buttons and forms must have been sent**: ``press`` and ``submit`` refuse a button or form
  the bot never sent to that member (or to the space they press it in);
- **platforms vary**: ``salon_platforms`` lists the in-memory platforms the bot runs on, each
  with its ``Capabilities`` (``RICH``, ``PLAIN``, ``WITH_FORMS`` or your own), several at once
  if you like, so a plugin's fallbacks are tested.

Fixtures (override any of them in your conftest, or ``pytest.mark.parametrize`` them):

``salon_config``
    the raw configuration mapping (``salon.toml`` as a dict); the database is a temporary
    SQLite file and ``memory:olive`` is an organiser.
``salon_plugins``
    the plugins to load: entry-point names of installed plugins and ``(name, plugin)`` pairs.
``salon_platforms``
    ``Platform(name, capabilities)`` for each in-memory adapter (default: one ``RICH``
    platform called ``memory``).
``salon_clock``
    the ``ManualClock`` the bot and its scheduler run on.
``salon_bot``
    a started ``SalonHarness``; stopped (and everything it opened closed) after the test.

Needs ``pytest-asyncio`` (``asyncio_mode = "auto"`` or mark your tests).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from salon.core.adapter import Capabilities
from salon.core.bot import Bot
from salon.core.clock import ManualClock
from salon.core.config import config_from_mapping
from salon.core.files import attachment_from_bytes
from salon.core.hookspecs import hookimpl
from salon.core.memory_adapter import Delivered, MemoryAdapter
from salon.core.model import Button, ButtonPress, Form, Member, Space
from salon.core.plugins import create_plugin_manager

try:
    import pytest_asyncio

    _async_fixture: Any = pytest_asyncio.fixture
except ImportError:  # pragma: no cover - the harness documents the requirement
    _async_fixture = pytest.fixture

#: Buttons, images, threads and edits; no forms (as Telegram and Matrix).
RICH = MemoryAdapter.capabilities
#: Text only: no buttons, no forms, no images, no threads, no edits.
PLAIN = Capabilities(direct_messages=True)
#: Everything, forms included (as Slack).
WITH_FORMS = attrs.evolve(RICH, forms=True)

PluginSpec = str | tuple[str, object]


@attrs.frozen
class Platform:
    """One in-memory platform of the harness: its name and what it can show."""

    name: str = "memory"
    capabilities: Capabilities = RICH


class HarnessError(AssertionError):
    """The bot reported an error during a test that did not allow errors."""


class _ErrorRecorder:
    def __init__(self, errors: list[tuple[str, BaseException]]) -> None:
        self.errors = errors

    @hookimpl
    def handle_error(self, error: BaseException, where: str) -> None:
        self.errors.append((where, error))


class SalonHarness:
    """A bot on in-memory platforms, driven as members would drive it.

    :param plugins: entry-point names of installed plugins and ``(name, plugin)`` pairs;
        only these (and the essential ``basics``) are loaded.
    :param load_entrypoints: ``True`` loads every installed plugin as well (not hermetic).
    :param platforms: the in-memory platforms (default: one ``RICH`` one called ``memory``).
    :param allow_errors: do not fail on errors the bot reports; read them in ``errors``.
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        clock: ManualClock,
        plugins: Iterable[PluginSpec] = (),
        *,
        load_entrypoints: bool = False,
        platforms: Sequence[Platform] = (Platform(),),
        allow_errors: bool = False,
    ) -> None:
        self.raw_config = config
        self.clock = clock
        self.plugins = list(plugins)
        self.load_entrypoints = load_entrypoints
        self.platforms = tuple(platforms)
        self.allow_errors = allow_errors
        #: ``(where, error)`` for every error the bot reported, in order.
        self.errors: list[tuple[str, BaseException]] = []
        self._checked_errors = 0
        self.replies: list[Delivered] = []
        self.bot, self.adapters = self._build()

    @property
    def adapter(self) -> MemoryAdapter:
        """The first platform's adapter."""
        return self.adapters[self.platforms[0].name]

    def _build(self) -> tuple[Bot, dict[str, MemoryAdapter]]:
        config = config_from_mapping(self.raw_config, source="test")
        named = [p for p in self.plugins if isinstance(p, str)]
        objects = [p for p in self.plugins if not isinstance(p, str)]
        recorder = ("salon-harness-errors", _ErrorRecorder(self.errors))
        pm = create_plugin_manager(
            config.disabled_plugins,
            load_entrypoints=True if self.load_entrypoints else named,
            extra=[*objects, recorder],
        )
        bot = Bot(config, pm=pm, clock=self.clock, env={})
        adapters = {platform.name: self._attach(bot, platform) for platform in self.platforms}
        return bot, adapters

    def _attach(self, bot: Bot, platform: Platform) -> MemoryAdapter:
        adapter_class = type(
            f"MemoryAdapter[{platform.name}]",
            (MemoryAdapter,),
            {"platform": platform.name, "capabilities": platform.capabilities},
        )
        adapter: MemoryAdapter = adapter_class(bot)
        adapter.listeners.append(self._record)
        bot.add_adapter(adapter)
        return adapter

    def add_platform(self, name: str, capabilities: Capabilities = RICH) -> MemoryAdapter:
        """Another in-memory platform, before ``start`` (kept across ``restart``); or list
        them all in ``platforms`` / the ``salon_platforms`` fixture."""
        if self.bot.started:
            raise HarnessError("add platforms before the bot starts")
        platform = Platform(name, capabilities)
        self.platforms = (*self.platforms, platform)
        self.adapters[name] = self._attach(self.bot, platform)
        return self.adapters[name]

    def _record(self, delivered: Delivered) -> None:
        self.replies.append(delivered)

    async def start(self) -> None:
        await self.bot.start(run_scheduler=False)
        self.check_errors()

    async def stop(self) -> None:
        if self.bot.started:
            await self.bot.stop()
        self.check_errors()

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same database and clock (a process restart)."""
        await self.stop()
        self.bot, self.adapters = self._build()
        await self.start()

    def check_errors(self) -> None:
        """Fail with the first error the bot reported since the last check (unless allowed)."""
        new = self.errors[self._checked_errors :]
        self._checked_errors = len(self.errors)
        if new and not self.allow_errors:
            where, error = new[0]
            more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
            raise HarnessError(
                f"the bot reported an error in {where}{more}: {error!r}; mark the test with "
                "@pytest.mark.salon_allow_errors if that is expected"
            ) from error

    # --- acting as members -----------------------------------------------------------------
    def _adapter(self, platform: str | None) -> MemoryAdapter:
        name = platform or self.platforms[0].name
        if name not in self.adapters:
            raise KeyError(f"no platform {name!r} in this harness (see salon_platforms)")
        return self.adapters[name]

    def member(self, name: str, platform: str | None = None) -> Member:
        """Member ``name`` on ``platform`` (default: the first), an organiser if configured."""
        adapter = self._adapter(platform)
        organisers = self.bot.config.organiser_refs()
        return adapter.member(name, organiser=adapter.member(name).ref in organisers)

    def space(
        self, name: str = "general", *, dm_of: str | None = None, platform: str | None = None
    ) -> Space:
        adapter = self._adapter(platform)
        if dm_of is not None:
            return adapter.dm_space(self.member(dm_of, platform=platform))
        return adapter.space(name)

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
        """Send ``text`` as member ``as_`` (in a DM with ``dm=True``; on ``platform``), with
        ``files`` as ``(name, bytes)`` attachments; return what the bot sent."""
        adapter = self._adapter(platform)
        member = self.member(as_, platform=platform)
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
        forged: bool = False,
    ) -> list[Delivered]:
        """Press ``button`` as member ``as_``; return what the bot sent.

        Only a button the bot sent to that member (``dm=True``) or to that space can be
        pressed, and only on a platform that shows buttons. ``forged=True`` presses one they
        were never shown (a forwarded or crafted press), to test that the plugin refuses it.
        """
        adapter = self._adapter(platform)
        member = self.member(as_, platform=platform)
        where = adapter.dm_space(member) if dm else adapter.space(space)
        if not adapter.capabilities.buttons:
            raise HarnessError(f"platform {adapter.platform!r} shows no buttons to press")
        seen = any(button in d.outbound.buttons for d in self._seen_by(member, where))
        if not seen and not forged:
            raise HarnessError(f"{button!r} was never sent to {as_} in {where.name}")
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
        platform: str | None = None,
    ) -> list[Delivered]:
        """Submit ``form`` as member ``as_`` with ``values`` by field name, as a platform with
        ``Capabilities.forms`` would (where the form was sent: ``dm=True`` for a DM); return
        what the bot sent. Only a form sent there, on a platform that shows forms, works."""
        adapter = self._adapter(platform)
        member = self.member(as_, platform=platform)
        where = adapter.dm_space(member) if dm else adapter.space(space)
        if not adapter.capabilities.forms:
            raise HarnessError(f"platform {adapter.platform!r} shows no forms to submit")
        if not any(d.outbound.form == form for d in self._seen_by(member, where)):
            raise HarnessError(f"form {form.title!r} was never sent to {as_} in {where.name}")
        press = ButtonPress(
            space=where,
            member=member,
            action=form.action,
            value="",
            event_id=event_id or f"submit-{len(self.replies)}-{form.action}-{as_}",
            values=dict(values),
        )
        return await self._collect(self.bot.receive_press(press))

    def _seen_by(self, member: Member, where: Space) -> list[Delivered]:
        return [
            d
            for d in self.replies
            if (where.is_direct and d.recipient == member.ref) or d.space == where.ref
        ]

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
        # Background work the bot started (a plugin awaiting ``handle.sent()``) ends first.
        await self.bot.tasks.settle(5.0)
        self.check_errors()
        return self.replies[before:]

    # --- looking at what was sent ----------------------------------------------------------
    def sent_to(self, name: str, platform: str | None = None) -> list[Delivered]:
        """Direct messages the bot sent to member ``name``."""
        ref = self.member(name, platform=platform).ref
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
def salon_plugins() -> list[PluginSpec]:
    return []


@pytest.fixture
def salon_platforms() -> list[Platform]:
    return [Platform()]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "salon_allow_errors: errors the bot reports do not fail this test"
    )


@_async_fixture  # type: ignore[untyped-decorator]
async def salon_bot(
    request: pytest.FixtureRequest,
    salon_config: dict[str, Any],
    salon_clock: ManualClock,
    salon_plugins: list[PluginSpec],
    salon_platforms: list[Platform],
) -> AsyncIterator[SalonHarness]:
    allow = request.node.get_closest_marker("salon_allow_errors") is not None
    harness = SalonHarness(
        salon_config,
        salon_clock,
        salon_plugins,
        platforms=salon_platforms,
        allow_errors=allow,
    )
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
