"""Assembling and running a bot from configuration: adapters by entry point, the web server."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import logging
import os
import signal
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from salon.core.adapter import Adapter
from salon.core.aio import within
from salon.core.bot import Bot
from salon.core.cluster import process_lock
from salon.core.config import SalonConfig, env_secrets, structure
from salon.core.errors import ConfigError
from salon.core.web import WebServer

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

log = logging.getLogger("salon")
ADAPTER_GROUP = "salon.adapters"
DEFAULT_ADAPTER = "console"
#: How long each step of stopping may take (draining the send queues, closing the database).
STOP_STEP_SECONDS = 10.0


def installed_adapters() -> list[str]:
    """Names of the installed adapters (the ``salon.adapters`` entry-point group)."""
    return sorted(entry.name for entry in importlib.metadata.entry_points(group=ADAPTER_GROUP))


def adapter_class(name: str) -> type[Adapter]:
    """Import the adapter called ``name``; only configured adapters are ever imported."""
    for entry in importlib.metadata.entry_points(group=ADAPTER_GROUP, name=name):
        try:
            cls = entry.load()
        except ModuleNotFoundError as error:
            raise ConfigError(missing_module(name, entry, error)) from None
        except (ImportError, AttributeError) as error:
            raise ConfigError(
                f"adapters.{name}: the adapter could not be loaded: {error}"
            ) from None
        if not (isinstance(cls, type) and issubclass(cls, Adapter)):
            raise ConfigError(f"adapters.{name}: {entry.value} is not an Adapter")
        return cls
    known = ", ".join(installed_adapters()) or "none"
    raise ConfigError(f"adapters.{name}: no such adapter is installed (installed: {known})")


def missing_module(
    name: str, entry: importlib.metadata.EntryPoint, error: ModuleNotFoundError
) -> str:
    """What to ``pip install`` for adapter ``name`` whose import found a module missing: the
    extra of the same name when its package declares one (``salon[slack]``)."""
    module = (error.name or str(error)).split(".")[0]
    dist = entry.dist
    if dist is not None and name in (dist.metadata.get_all("Provides-Extra") or []):
        install = f"`pip install '{dist.name}[{name}]'`"
        if dist.name == "salon":
            install += f" (in a clone of salon: `pip install '.[{name}]'`)"
    else:
        install = f"`pip install {module}`"
    return (
        f"adapters.{name}: the {name} adapter needs {module}, which is not installed; run {install}"
    )


def enabled_adapters(config: SalonConfig) -> Mapping[str, Mapping[str, Any]]:
    """The ``[adapters.*]`` tables not switched off with ``enabled = false`` (console if none)."""
    tables = {
        name: {k: v for k, v in table.items() if k != "enabled"}
        for name, table in config.adapters.items()
        if table.get("enabled", True)
    }
    return tables or {DEFAULT_ADAPTER: {}}


def missing_secrets(cls: type[Adapter], env: Mapping[str, str]) -> list[str]:
    """The adapter's required environment variables that are not set (``A|B``: either)."""
    return [
        spec.replace("|", " or ")
        for spec in cls.secrets
        if not any(env.get(name, "").strip() for name in spec.split("|"))
    ]


def build_adapters(bot: Bot, env: Mapping[str, str]) -> list[Adapter]:
    adapters = []
    for name, table in enabled_adapters(bot.config).items():
        cls = adapter_class(name)
        missing = missing_secrets(cls, env)
        if missing:
            raise ConfigError(f"adapters.{name}: set the environment variable {', '.join(missing)}")
        settings = (
            structure(table, cls.config_class, f"adapters.{name}") if cls.config_class else table
        )
        adapters.append(cls(bot, settings, env))
    return adapters


def run_ends_with(bot: Bot) -> list[asyncio.Event]:
    """Besides a signal, what ends ``salon run``: the end of console input, but only when the
    console is the only adapter. Beside real platforms (say under systemd, with stdin at
    /dev/null) the bot keeps running when the console's input ends."""
    if len(bot.adapters) != 1:
        return []
    events = []
    for adapter in bot.adapters.values():
        done = getattr(adapter, "done", None)
        if adapter.is_interactive and isinstance(done, asyncio.Event):
            events.append(done)
    return events


async def run(config: SalonConfig, env: Mapping[str, str] | None = None) -> None:
    """Run the bot until interrupted (or, on the console, until input ends)."""
    secrets = env_secrets(env)
    lock = process_lock(config.database.url)
    if lock is not None:
        lock.acquire()  # SQLite serves one process: a second salon run stops here
    try:
        await _run(config, secrets)
    finally:
        if lock is not None:
            lock.release()


async def _run(config: SalonConfig, secrets: Mapping[str, str]) -> None:
    bot = Bot(config, env=secrets)
    for adapter in build_adapters(bot, secrets):
        bot.add_adapter(adapter)
    web: WebServer | None = None
    routes = [route for adapter in bot.adapters.values() for route in adapter.routes()]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():  # a second Ctrl-C (or SIGTERM) while stopping: do not wait any more
            _exit_now("a second signal while stopping")
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, on_signal)
    try:
        # Inside the try: a half-started bot is stopped and closed too. A signal during the
        # start (an adapter still waiting for its platform to be reachable) ends it cleanly.
        if not await _start_unless_stopped(bot, stop):
            return
        if routes or bot.web_routes or config.web.enabled:
            web = await _start_web(bot, config, routes)
        waiters = [asyncio.ensure_future(stop.wait())]
        waiters += [asyncio.ensure_future(event.wait()) for event in run_ends_with(bot)]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
    finally:
        stop.set()  # from here on, a signal means "exit now"
        if web is not None and not (await within(web.stop(), STOP_STEP_SECONDS))[0]:
            log.warning("the web server did not stop in %.0f s", STOP_STEP_SECONDS)
        await bot.stop(drain_seconds=STOP_STEP_SECONDS)
        if not bot.stopped_cleanly:
            # What a late step left is safe in the database; its task, still stuck on a
            # server, would keep the event loop (and salon) from ending.
            _exit_now("a step of stopping did not finish")


def _exit_now(why: str) -> None:
    """End the process at once: owed messages and leases are safe in the database (another
    worker, or the next start, takes them over)."""
    log.warning("%s: salon exits now, without waiting for the rest of the stop", why)
    logging.shutdown()
    os._exit(1)


async def _start_web(bot: Bot, config: SalonConfig, routes: list[BaseRoute]) -> WebServer | None:
    """Serve the adapters' and plugins' routes. Adapters need theirs (webhooks) and
    ``[web] enabled`` asks for it, so then failing to listen stops ``salon run``; plugins'
    routes alone (a calendar feed) are not worth that: a warning, and the bot runs without
    them."""
    web = WebServer(bot, config.web.host, config.web.port)
    web.add_routes(routes)
    web.add_plugin_routes(bot.web_routes)
    try:
        await web.start()
    except OSError as error:
        if routes or config.web.enabled:
            raise
        log.warning(
            "%s; plugins' routes (%s) are not served: set [web] port to a free one",
            error,
            ", ".join(sorted({route.plugin for route in bot.web_routes})),
        )
        return None
    log.info("web server on http://%s:%d (/healthz)", web.host, web.port)
    return web


async def _start_unless_stopped(bot: Bot, stop: asyncio.Event) -> bool:
    """``bot.start()``, given up if ``stop`` is set first; whether it started."""
    starting = asyncio.ensure_future(bot.start())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait((starting, stopping), return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not starting.done():
        log.info("stopping before salon finished starting")
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        return False
    starting.result()  # a startup error propagates
    return True
