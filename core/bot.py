"""The running bot: plugins, commands, storage, scheduler, send queues and adapters, wired.

``Bot`` is the public core API plugins and adapters receive. Adapters hand it inbound events
(``receive``, ``receive_press``, ``receive_join``); plugins reach storage, the scheduler, time
zones and their own settings through it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, ParamSpec
from zoneinfo import ZoneInfo

import attrs
import pluggy
from sqlalchemy.ext.asyncio import AsyncConnection

from salon.core.acked import AckedRequests
from salon.core.adapter import Adapter, Capabilities
from salon.core.aio import T, TaskOwner, await_maybe, within
from salon.core.awaiting import AwaitedReplies
from salon.core.clock import Clock, SystemClock
from salon.core.cluster import Leadership
from salon.core.commands import Action, Command, CommandTable
from salon.core.config import SalonConfig, structure
from salon.core.context import JobContext, Transaction
from salon.core.dialogs import Dialog, Dialogs
from salon.core.errors import ConfigError, DeliveryError, PluginError, SalonError
from salon.core.hooks import HookRunner, collect
from salon.core.hookspecs import people as people_hooks
from salon.core.hookspecs import runtime
from salon.core.interactions import Interactions
from salon.core.linking import Linking
from salon.core.markup import italic, lines, md
from salon.core.metrics import Metrics
from salon.core.model import (
    ButtonPress,
    Community,
    Member,
    MemberRef,
    Message,
    Outbound,
    Person,
    Space,
    SpaceRef,
)
from salon.core.outage import Outage
from salon.core.outbound import Dispatcher, SendHandle, SendQueue
from salon.core.outbox import Outbox
from salon.core.people import People
from salon.core.plugins import create_plugin_manager
from salon.core.router import Router, new_error_id
from salon.core.scheduler import Job, JobHandler, Scheduler
from salon.core.spaces import Spaces, platform_title
from salon.core.storage import migrate
from salon.core.storage.engine import Storage
from salon.core.web import WebRoute

log = logging.getLogger("salon")
#: State key under which the running bot records plugins whose ``startup`` failed.
STARTUP_FAILURES = "plugins.startup_failures"
P = ParamSpec("P")


class Bot:
    """One community's bot.

    :param config: the loaded configuration.
    :param pm: a plugin manager (default: every installed plugin not disabled in config).
    :param clock: the time source (tests pass a ``ManualClock``).
    :param env: the environment to read secrets from (default: ``os.environ``).
    """

    def __init__(
        self,
        config: SalonConfig,
        *,
        pm: pluggy.PluginManager | None = None,
        clock: Clock | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.clock: Clock = clock or SystemClock()
        self.pm = pm or create_plugin_manager(config.disabled_plugins)
        self.hooks = HookRunner(self.pm, self.report_error)
        self.community = Community(config.community.name)
        #: What this bot counts, for ``/metrics`` (see ``salon.core.metrics``).
        self.metrics = Metrics()
        self.storage = Storage(config.database.url)
        if not config.database.outbox_lease > 0:
            raise ConfigError("database.outbox_lease: give a number of seconds above 0")
        self.outbox = Outbox(self.storage, lease=config.database.outbox_lease)
        #: Requests acked before their work finished, shared by the workers (``salon.core.acked``).
        self.acked = AckedRequests(self.storage, self.outbox)
        #: The people behind the accounts: lookup by account or id, cached (``salon.core.people``).
        default_tz = ZoneInfo(config.community.timezone)  # checked when the config was loaded
        self.people = People(
            self.storage, default_tz, config.organiser_refs(), self.clock, self.outbox
        )
        #: Link codes, linking and unlinking accounts (``salon.core.linking``).
        self.linking = Linking(self.people, self._merge_people)
        #: The community's spaces on every platform, by name (``salon.core.spaces``).
        self.spaces = Spaces(self.storage, self.clock, config.space_refs(), config.group_refs())
        self.commands = CommandTable()
        self.scheduler = Scheduler(self.storage, self.clock, self._run_job, metrics=self.metrics)
        self.outbound = Dispatcher()
        #: What the buttons and forms adapters sent mean (see ``salon.core.interactions``).
        self.interactions = Interactions(
            self.storage, self.clock, timedelta(days=config.interactions.expiry_days)
        )
        self.adapters: dict[str, Adapter] = {}
        #: Per adapter that receives alone: who leads its receiving (``salon.core.cluster``).
        self.leaders: dict[str, Leadership] = {}
        #: Work that finishes (an inbound event handled after an early ack); awaited on stop.
        self.tasks = TaskOwner(self._report_task_error)
        #: Platforms whose adapter has started and not yet stopped (``/readyz`` asks).
        self.connected: set[str] = set()
        #: Members plugins wait on for a DM reply (see ``salon.core.awaiting``).
        self.awaited = AwaitedReplies(self.storage, self.clock, self.tasks.spawn)
        #: Multi-step DM conversations (see ``salon.core.dialogs``).
        self.dialogs = Dialogs(self)
        self.scheduler.add_handler(self.dialogs.expiry_job())
        #: Loops that run until stopped (the scheduler); cancelled on stop.
        self.loops = TaskOwner(self._report_task_error)
        self.migration_locations: list[Path] = []
        #: HTTP routes plugins serve on the web server (``register_routes``).
        self.web_routes: list[WebRoute] = []
        self._plugin_configs: dict[str, Any] = {}
        self._collect_registries()
        self.router = Router(self)
        self._count_message_handlers()
        #: Plugins taken out of service while running, with why (see ``disable_plugin``).
        self.disabled: dict[str, str] = {}
        #: Set once every plugin's ``startup`` has finished; inbound events wait for it.
        self._ready = asyncio.Event()
        self.started = False
        #: Whether the last ``stop`` finished every step (see ``stop``).
        self.stopped_cleanly = True

    # --- setup -----------------------------------------------------------------------------
    def _collect_registries(self) -> None:
        def command(plugin: str, item: Command) -> None:
            if not isinstance(item, Command):
                raise PluginError(f"plugin {plugin!r} registered {item!r}, not a Command")
            self.commands.add(_tag(item, plugin))

        def action(plugin: str, item: Action) -> None:
            self.commands.add_action(_tag(item, plugin))

        def job(plugin: str, item: JobHandler) -> None:
            self.scheduler.add_handler(_tag(item, plugin))

        def settings(plugin: str, cls: type[Any]) -> None:
            table = self.config.plugins.get(plugin, {})
            self._plugin_configs[plugin] = structure(table, cls, f"plugins.{plugin}")

        def dialog(plugin: str, item: Dialog) -> None:
            if not isinstance(item, Dialog):
                raise PluginError(f"plugin {plugin!r} registered {item!r}, not a Dialog")
            tagged = _tag(item, plugin)
            self.dialogs.add(tagged)
            self.commands.add_action(self.dialogs.action_for(tagged))

        def migrations(plugin: str, path: Path) -> None:
            if not Path(path).is_dir():
                raise PluginError(f"plugin {plugin!r}: migrations directory {path} does not exist")
            self.migration_locations.append(Path(path))

        collect(self.pm, runtime.register_commands, command)
        collect(self.pm, runtime.register_actions, action)
        collect(self.pm, runtime.register_jobs, job)
        collect(self.pm, runtime.register_config, settings)
        collect(self.pm, runtime.register_migrations, migrations)
        collect(self.pm, runtime.register_dialogs, dialog)
        collect(self.pm, runtime.register_routes, lambda p, r: self.web_routes.append(_tag(r, p)))
        for plugin in self.config.plugins:
            if plugin not in self._plugin_configs and self.pm.get_plugin(plugin) is None:
                log.warning("[plugins.%s] is configured but no such plugin is enabled", plugin)

    def plugin_config(self, name: str) -> Any:
        """The structured ``[plugins.<name>]`` settings registered by plugin ``name``."""
        return self._plugin_configs[name]

    def add_adapter(self, adapter: Adapter) -> None:
        """Attach an adapter and give it its own send queue."""
        if adapter.platform in self.adapters:
            raise ConfigError(f"adapters.{adapter.platform}: configured twice")
        self.adapters[adapter.platform] = adapter
        self.outbound.add(
            SendQueue(adapter, self._delivery_failed, self.report_error, self.outbox, self.metrics)
        )

    async def name_of_space(self, space: SpaceRef) -> str:
        """Ask the space's adapter for its name (``""`` if it cannot say)."""
        adapter = self.adapters.get(space.platform)
        if adapter is None:
            return ""
        try:
            return await adapter.name_of_space(space)
        except Exception as error:
            await self.report_error(error, f"naming space {space}")
            return ""

    def capabilities(self, platform: str) -> Capabilities:
        adapter = self.adapters.get(platform)
        return adapter.capabilities if adapter else Capabilities()

    # --- lifecycle -------------------------------------------------------------------------
    async def prepare_database(self) -> None:
        """Apply pending migrations (if allowed) or explain how to."""
        pending = await migrate.pending_heads(self.storage, self.migration_locations)
        if not pending:
            return
        if not self.config.database.auto_migrate:
            raise ConfigError(
                "the database needs migrations (" + ", ".join(sorted(pending)) + "); "
                "run `salon db upgrade` (or set database.auto_migrate = true)"
            )
        applied = await migrate.upgrade(self.storage, self.migration_locations)
        log.info("applied migrations: %s", ", ".join(applied))

    async def start(self, *, run_scheduler: bool = True) -> None:
        """Prepare storage, start send queues and adapters, run the plugins' ``startup``, then
        let events in: an adapter that receives before every ``startup`` has finished waits."""
        await self.prepare_database()
        await self.spaces.load()
        self.outbound.start()
        # Together: one platform that is down does not hold back the others.
        await _all_or_first_error([self._start_adapter(a) for a in self.adapters.values()])
        await self.spaces.fill_names(self.name_of_space)
        await self._send_owed(await self.outbox.claim(), "from before the last stop")
        self.loops.spawn(self._keep_outbox_leases(), "outbox-leases")
        await self.dialogs.load()
        await self._startup_plugins()
        self._ready.set()
        if run_scheduler:
            self.loops.spawn(self.scheduler.run_forever(), "scheduler")
            self.loops.spawn(self._prune_hourly(), "pruning")
        self.started = True

    async def _start_adapter(self, adapter: Adapter) -> None:
        """Connect ``adapter``; if only one worker may receive its events, receive them here
        when this worker leads (at once on SQLite), else wait for the lead in the background."""
        await adapter.start()
        platform = adapter.platform
        self.connected.add(platform)
        log.info("adapter %s started", platform)
        if not adapter.receives_alone:
            self.metrics.set_leader(platform, True)
            return

        async def gained() -> None:
            await adapter.start_receiving()
            self.metrics.set_leader(platform, True)

        async def lost() -> None:
            self.metrics.set_leader(platform, False)
            await adapter.stop_receiving()

        leader = Leadership(
            self.storage,
            f"receiver:{adapter.platform}",
            gained,
            lost,
            self.report_error,
            poll=self.config.database.leader_poll,
        )
        self.leaders[adapter.platform] = leader
        if not await leader.try_lead():
            log.info(
                "adapter %s: another worker receives its events; standing by", adapter.platform
            )
        self.loops.spawn(leader.run(), f"leader-{adapter.platform}")

    async def _startup_plugins(self) -> None:
        failed: dict[str, BaseException] = {}
        runner = HookRunner(self.pm, self.report_error, failed=failed.setdefault)
        await runner.notify(runtime.startup, bot=self)
        for plugin, error in failed.items():
            self.disable_plugin(plugin, f"its startup failed: {error!r}"[:300])
        await self.storage.set_state(STARTUP_FAILURES, dict(self.disabled))

    def disable_plugin(self, name: str, reason: str) -> None:
        """Take plugin ``name`` out of service: its hooks, commands, actions and job handlers.

        Its scheduled jobs are kept as they are (not run, not advanced) and run again once the
        plugin is back. ``salon plugins`` shows it as disabled, with ``reason``.
        """
        log.error("plugin %s is disabled: %s", name, reason)
        self.pm.unregister(name=name)
        self.commands.remove_plugin(name)
        self.scheduler.remove_plugin(name)
        self.dialogs.remove_plugin(name)
        self.disabled[name] = reason
        self._count_message_handlers()

    def _count_message_handlers(self) -> None:
        impls = self.pm.hook.message_received.get_hookimpls()
        self.has_message_handlers = bool(impls)
        #: The plugins implementing ``message_received`` (the router's precomputed table).
        self.message_handler_names = frozenset(impl.plugin_name for impl in impls)

    async def stop(self, *, drain_seconds: float = 10.0) -> None:
        """Stop gracefully: take no new events, finish the ones taken, deliver what is queued
        (each step up to ``drain_seconds``), then disconnect and close.

        No step waits longer than ``drain_seconds``: a database or platform that stopped
        answering must not keep salon from stopping. What a late step left undone is safe in
        the database (owed messages, leases that run out); ``stopped_cleanly`` says whether
        every step finished.
        """
        self.stopped_cleanly = True
        step = self._stop_step
        await step(self.notify(runtime.shutdown, bot=self), "the shutdown hooks", drain_seconds)
        for leader in self.leaders.values():
            leader.closing = True  # no lead taken from here on
        for adapter in self.adapters.values():
            await step(
                adapter.stop_receiving(), f"stopping adapter {adapter.platform}", drain_seconds
            )
        for leader in self.leaders.values():
            # another worker takes over receiving
            await step(leader.close(), f"releasing the lead of {leader.name}", drain_seconds)
        self.leaders.clear()
        await step(self.loops.close(), "stopping the background loops", drain_seconds)
        if not await self.tasks.settle(drain_seconds):
            log.warning("stopped with inbound events still being handled")
        try:
            await asyncio.wait_for(self.outbound.drain(), drain_seconds)
        except TimeoutError:
            log.warning("stopped with messages still queued (scheduled ones are resent at start)")
        await step(self.awaited.settle(), "settling the awaited replies", drain_seconds)
        await step(self.tasks.close(), "stopping the inbound handlers", drain_seconds)
        for adapter in self.adapters.values():
            self.connected.discard(adapter.platform)
            self.metrics.set_leader(adapter.platform, False)
            await step(adapter.stop(), f"stopping adapter {adapter.platform}", drain_seconds)
        await step(self.outbound.stop(), "stopping the send queues", drain_seconds)
        await step(self.outbox.close(), "closing the outbox", drain_seconds)
        released = await step(self.outbox.release(), "releasing the outbox rows", drain_seconds)
        if released:
            log.info("%d owed messages left for the next start (or another worker)", released)
        released = await step(
            self.acked.release(), "releasing the acknowledged requests", drain_seconds
        )
        if released:
            log.info("%d acknowledged requests left unfinished for another worker", released)
        await step(self.storage.dispose(), "closing the database connections", drain_seconds)
        self.started = False

    async def _stop_step(self, work: Awaitable[T], doing: str, seconds: float) -> T | None:
        """One step of ``stop``: its errors are reported, and it is given up after ``seconds``."""
        if not self.stopped_cleanly:
            seconds = min(seconds, 1.0)  # one step hung already: the next would too, likely
        try:
            finished, result = await within(work, seconds)
        except Exception as error:
            await self.report_error(error, doing)
            return None
        if not finished:
            self.stopped_cleanly = False
            log.warning(
                "%s did not finish in %.0f s (is the database answering?); stopping without it",
                doing,
                seconds,
            )
        return result

    async def _send_owed(self, owed: Sequence[tuple[str, Outbound]], why: str) -> None:
        if owed:
            log.info("sending %d owed messages %s", len(owed), why)
        for outbox_id, outbound in owed:
            self.outbound.enqueue(outbound, outbox_id)

    async def _keep_outbox_leases(self) -> None:
        """Renew this worker's outbox and acked-request leases; take over outbox rows whose
        worker is gone (each adapter takes over its own acked requests)."""
        interval = self.outbox.lease.total_seconds() / 3
        outage = Outage(log, "renewing the outbox leases", self.report_error)
        while True:
            await asyncio.sleep(interval)
            try:
                await self.outbox.renew()
                await self.acked.renew()
                await self._send_owed(await self.outbox.claim(), "taken over from a stopped worker")
            except Exception as error:
                await outage.failed(error)
            else:
                outage.succeeded()

    async def _prune_hourly(self) -> None:
        while True:
            await self.prune()
            await asyncio.sleep(3600)

    async def prune(self) -> None:
        """Forget what is no longer needed: ledger entries older than any platform redelivers
        (days, not minutes) and expired buttons and forms. Runs hourly while salon runs."""
        try:
            await self.storage.prune_events(self.clock.now() - timedelta(days=7))
        except Exception as error:
            await self.report_error(error, "pruning the inbound-event ledger")
        try:
            await self.interactions.prune()
        except Exception as error:
            await self.report_error(error, "pruning expired buttons and forms")
        try:
            await self.storage.prune_replied(self.clock.now() - timedelta(days=1))
            await self.awaited.prune(self.clock.now() - timedelta(days=30))
        except Exception as error:
            await self.report_error(
                error, "pruning the shared duplicate filter and awaited replies"
            )

    # --- inbound ---------------------------------------------------------------------------
    async def receive(self, message: Message) -> None:
        """Handle one inbound message (adapters call this)."""
        if not self._ready.is_set():
            await self._ready.wait()
        async with self._counted(message.space.ref.platform, "message"):
            await self.router.receive(message)

    async def receive_press(self, press: ButtonPress) -> None:
        """Handle one button press (adapters call this)."""
        if not self._ready.is_set():
            await self._ready.wait()
        async with self._counted(press.space.ref.platform, "press"):
            await self.router.receive_press(press)

    async def receive_join(self, member: Member, space: Space) -> None:
        """A member joined a space (adapters call this)."""
        if not self._ready.is_set():
            await self._ready.wait()
        async with self._counted(space.ref.platform, "join"):
            await self.notify(
                runtime.member_joined,
                member=member,
                space=space,
                community=self.community,
                bot=self,
            )

    @asynccontextmanager
    async def _counted(self, platform: str, kind: str) -> AsyncIterator[None]:
        """Count an inbound event as received, then as handled (``ok`` or ``error``)."""
        self.metrics.events_received.labels(platform, kind).inc()
        outcome = "error"
        try:
            yield
            outcome = "ok"
        finally:
            self.metrics.events_handled.labels(platform, kind, outcome).inc()

    def send(self, outbound: Outbound) -> SendHandle:
        """Queue a message outside any handler, in memory only (prefer ``ctx.reply`` inside a
        handler and ``bot.transaction()`` in hooks, where sends are durable).

        Returns a handle: ``await handle.sent()`` gives the ``Sent`` (platform message id and
        space) once delivered, to edit (``Outbound(edit_of=...)``) or delete it later.
        """
        handle = SendHandle()
        self.outbound.enqueue(outbound, handle=handle)
        return handle

    # --- storage ---------------------------------------------------------------------------
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One read-write transaction with durable sends, for hooks and background work::

            async with bot.transaction() as tx:
                await tx.db.execute(badges.insert().values(...))
                tx.send_direct(member.ref, "You reached your goal!")

        Commits when the block ends (rolls back if it raises); what ``tx`` sent is stored in
        the outbox in the same transaction and delivered after the commit. Inside a handler
        use ``ctx.transaction()`` instead (it also records the inbound event); do not open one
        transaction inside another (on SQLite writers wait for each other).
        """
        opened: list[Transaction] = []
        try:
            async with self.storage.transaction() as connection:
                tx = Transaction(self, connection)
                opened.append(tx)
                yield tx
                stored = await self.outbox.store(connection, tx.outbox, self.clock.now())
        except BaseException:
            for rolled_back in opened:
                rolled_back.discard()  # nothing is sent, and waiting handles are told
            raise
        tx.outbox_ids = stored  # only once the transaction holds them
        await tx.flush()

    async def get_state(self, key: str, default: Any = None) -> Any:
        """A small JSON value stored under ``key`` (sync tokens, offsets), or ``default``."""
        return await self.storage.get_state(key, default)

    async def set_state(self, key: str, value: Any, db: AsyncConnection | None = None) -> None:
        """Store a small JSON value under ``key`` (in ``db``'s transaction if given).

        Namespace keys by platform or plugin: ``"telegram:<bot>:offset"``.
        """
        await self.storage.set_state(key, value, db)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reading only::

            async with bot.read() as db:
                rows = (await db.execute(sa.select(my_table))).all()

        Nothing is committed; write through ``ctx.transaction()`` or ``bot.transaction()``.
        """
        async with self.storage.engine.connect() as connection:
            yield connection

    # --- hooks -----------------------------------------------------------------------------
    async def notify(
        self, spec: Callable[P, object], *args: P.args, **kwargs: P.kwargs
    ) -> list[Any]:
        """Call every implementation of the hook ``spec`` declares, awaiting async ones.

        ``await bot.notify(runtime.member_joined, member=m, space=s, community=c)``: the spec
        function names the hook, so mypy checks the arguments. Errors are reported naming the
        plugin, not raised, so one broken plugin cannot stop the others.

        :returns: the implementations' non-None results.
        """
        return await self.hooks.notify(spec, *args, **kwargs)

    async def first_result(
        self, spec: Callable[P, object], *args: P.args, **kwargs: P.kwargs
    ) -> Any:
        """Call a ``firstresult`` hook until an implementation returns non-None.

        ``AlreadyHandled`` (a redelivered event) and ``UserError`` (a sentence for the member,
        say about a file they sent) propagate; other errors are reported.
        """
        return await self.hooks.first_result(spec, *args, **kwargs)

    async def gather(
        self, spec: Callable[P, object], *args: P.args, **kwargs: P.kwargs
    ) -> list[Any]:
        """Call every implementation of a hook whose work must succeed together, inside the
        caller's transaction (``people.forget_person``): the first error propagates, so the
        transaction rolls back.

        :returns: the implementations' non-None results.
        """
        return await self.hooks.gather(spec, *args, **kwargs)

    async def _merge_people(
        self, kept: Person, merged: Person, connection: AsyncConnection
    ) -> None:
        await self.dialogs.merge(connection, kept.id, merged.id)
        await self.gather(
            people_hooks.people_merged, kept=kept, merged=merged, connection=connection, bot=self
        )

    async def report_error(self, error: BaseException, where: str) -> str:
        """Log an unexpected error (and pass it to ``handle_error``); return its short id."""
        error_id = new_error_id()
        if not self.pm.hook.handle_error.get_hookimpls() or not isinstance(error, SalonError):
            log.error("error %s in %s", error_id, where, exc_info=error)

        async def log_failure(failure: BaseException, failed_in: str) -> None:
            log.error("%s failed", failed_in, exc_info=failure)

        await HookRunner(self.pm, log_failure).notify(
            runtime.handle_error, error=error, error_id=error_id, where=where, bot=self
        )
        return error_id

    async def _report_task_error(self, error: BaseException, name: str) -> None:
        await self.report_error(error, f"background task {name}")

    async def _delivery_failed(self, outbound: Outbound, error: DeliveryError) -> None:
        target = outbound.space or outbound.recipient
        log.warning("could not deliver a message to %s: %s", target, error.reason)
        recipient = outbound.recipient
        if (
            recipient is not None
            and error.unreachable
            and await self._reach_elsewhere(outbound, recipient)
        ):
            return
        await self.notify(runtime.delivery_failed, outbound=outbound, error=error, bot=self)

    async def _reach_elsewhere(self, outbound: Outbound, account: MemberRef) -> bool:
        """A direct message could not reach ``account``: send it to another account of the
        same person, saying so (once: later messages go straight to the account that works)."""
        person = await self.people.of(account)
        if person is None:
            return False
        self.people.unreachable.add(account)
        others = [a for a in person.dm_accounts() if a not in self.people.unreachable]
        if not others:
            return False
        note = md(
            italic(
                f"I couldn't reach you on {platform_title(account.platform)}, so I'm "
                f"writing here. (Send dm here on {platform_title(account.platform)} after "
                "starting a chat with me there to move back.)"
            )
        )
        self.outbound.enqueue(
            attrs.evolve(outbound, recipient=others[0], body=lines(note, outbound.body))
        )
        return True

    # --- scheduled jobs --------------------------------------------------------------------
    async def _run_job(
        self, handler: JobHandler, job: Job, connection: AsyncConnection
    ) -> Callable[[], Awaitable[None]]:
        ctx = JobContext(self, job, connection)
        try:
            async with connection.begin_nested():
                await await_maybe(handler.run(ctx, job))
                stored = await self.outbox.store(connection, ctx.outbox, self.clock.now())
            ctx.outbox_ids = stored  # only once the savepoint holds them
        except Exception as error:
            ctx.discard()
            self.metrics.jobs_run.labels(job.kind, "error").inc()
            await self.report_error(error, f"job {job.kind} ({job.key})")
        else:
            self.metrics.jobs_run.labels(job.kind, "ok").inc()
        return ctx.flush


async def _all_or_first_error(coroutines: Sequence[Awaitable[None]]) -> None:
    """Run ``coroutines`` together until all are done or one fails; then the others are
    cancelled and its error is raised."""
    tasks = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        done, _ = (
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION) if tasks else ((), ())
        )
        for task in done:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _tag(item: Any, plugin: str) -> Any:
    return attrs.evolve(item, plugin=plugin) if not getattr(item, "plugin", "") else item
