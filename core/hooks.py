"""Calling hooks through pluggy: async implementations awaited, one broken plugin isolated.

Every hook is called as ``pm.hook.<name>(...)``, so ``@hookimpl(wrapper=True)``,
``hookwrapper``, ``tryfirst`` and ``trylast`` behave as pluggy documents. Two things pluggy does
not do are added at registration, by wrapping each (non-wrapper) implementation:

- an exception comes back as a ``Failed`` value instead of stopping the other plugins, and is
  reported naming the plugin;
- an awaitable comes back as ``Pending`` (tagged with its plugin), which the caller awaits
  (datasette's ``await_me_maybe``), so plugin authors write ``def`` or ``async def``.

Wrappers therefore see what implementations returned before it is awaited.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Generator, Iterable
from contextvars import ContextVar
from typing import Any, ParamSpec

import attrs
import pluggy

from salon.core.errors import AlreadyHandled, ConfigError, PluginError, UserError

P = ParamSpec("P")
#: The plugin whose hook implementation is running (a ``register`` callback reads it).
CURRENT_PLUGIN: ContextVar[str] = ContextVar("salon_current_plugin", default="")
Report = Callable[[BaseException, str], Awaitable[object]]
#: What a ``firstresult`` hook lets through to its caller: a redelivered event, and a sentence
#: for the member (a file they sent that cannot be read, say), which the router replies with.
_FIRST_RESULT_RAISES: tuple[type[Exception], ...] = (AlreadyHandled, UserError)


@attrs.frozen
class Failed:
    """An implementation raised; carried back to the caller instead of stopping the call."""

    plugin: str
    error: Exception


@attrs.frozen
class Pending:
    """An implementation returned an awaitable; the caller awaits it."""

    plugin: str
    awaitable: Awaitable[Any]


class SalonPluginManager(pluggy.PluginManager):
    """A pluggy ``PluginManager`` whose implementations report errors and tag awaitables."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        #: ``(plugin name, family)`` of hookspecs published through ``register_hookspecs``.
        self.published: list[tuple[str, object]] = []

    def register(self, plugin: object, name: str | None = None) -> str | None:
        registered = super().register(plugin, name)
        if registered is not None:
            for caller in self.get_hookcallers(plugin) or ():
                for impl in caller.get_hookimpls():
                    if impl.plugin is plugin and not (impl.wrapper or impl.hookwrapper):
                        _guard(impl)
        return registered


def _guard(impl: pluggy.HookImpl) -> None:
    function, plugin = impl.function, impl.plugin_name

    def guarded(*args: Any, **kwargs: Any) -> Any:
        token = CURRENT_PLUGIN.set(plugin)
        try:
            result = function(*args, **kwargs)
        except AlreadyHandled:
            raise
        except Exception as error:
            return Failed(plugin, error)
        finally:
            CURRENT_PLUGIN.reset(token)
        return Pending(plugin, result) if inspect.isawaitable(result) else result

    # pluggy calls ``impl.function(*args)`` with ``impl.argnames`` computed from the original.
    setattr(impl, "function", guarded)  # noqa: B010 - HookImpl.function is typed Final


def hook_name(spec: Callable[..., object]) -> str:
    """The hook a spec function declares (``runtime.member_joined`` → ``"member_joined"``)."""
    name = getattr(spec, "__name__", None)
    if not isinstance(name, str) or not callable(spec):
        raise TypeError(
            f"hooks are called by their spec function (e.g. bot.notify(runtime.member_joined, "
            f"...)), not {spec!r}"
        )
    return name


async def _resolve(pending: Pending) -> Any:
    token = CURRENT_PLUGIN.set(pending.plugin)
    try:
        return await pending.awaitable
    finally:
        CURRENT_PLUGIN.reset(token)


class HookRunner:
    """Calls hooks of one plugin manager; errors go to ``report(error, where)``.

    :param failed: also told ``(plugin, error)`` for each implementation that raised.
    """

    def __init__(
        self,
        pm: pluggy.PluginManager,
        report: Report,
        *,
        failed: Callable[[str, BaseException], object] | None = None,
    ) -> None:
        self.pm = pm
        self.report = report
        self.failed = failed
        #: ``firstresult`` callers without the plugins already asked, built once per set (a
        #: subset caller reads the current implementations on every call, so it stays right).
        self._subsets: dict[tuple[str, frozenset[str]], Any] = {}

    async def notify(
        self, spec: Callable[P, object], *args: P.args, **kwargs: P.kwargs
    ) -> list[Any]:
        """Call every implementation; return their non-None results (awaited)."""
        name = _keywords_only(spec, args)
        results = getattr(self.pm.hook, name)(**kwargs)
        values = []
        for result in results if isinstance(results, list) else [results]:
            value = await self._settle(name, result)
            if value is not None:
                values.append(value)
        return values

    async def gather(
        self, spec: Callable[P, object], *args: P.args, **kwargs: P.kwargs
    ) -> list[Any]:
        """Call every implementation for work that must succeed together (inside one
        transaction: merging people, forgetting one): the first error propagates, so the
        caller's transaction rolls back. Returns the non-None results (awaited)."""
        name = _keywords_only(spec, args)
        called = getattr(self.pm.hook, name)(**kwargs)
        results = called if isinstance(called, list) else [called]
        failed = next((r for r in results if isinstance(r, Failed)), None)
        if failed is not None:
            for result in results:  # started, never to be awaited: no "never awaited" warning
                close = getattr(getattr(result, "awaitable", None), "close", None)
                if callable(close):
                    close()
            raise failed.error
        values = []
        for result in results:
            value = await _resolve(result) if isinstance(result, Pending) else result
            if inspect.isawaitable(value):
                value = await value
            if value is not None:
                values.append(value)
        return values

    async def first_result(
        self, spec: Callable[P, object], *args: P.args, **kwargs: P.kwargs
    ) -> Any:
        """Call a ``firstresult`` hook until an implementation's (awaited) result is not None.

        ``AlreadyHandled`` (a redelivered event) and ``UserError`` (a sentence for the member)
        propagate; other errors are reported and the next implementation is asked.
        """
        name = _keywords_only(spec, args)
        return await self._first(name, getattr(self.pm.hook, name), [], kwargs)

    async def _first(self, name: str, caller: Any, tried: list[str], kwargs: dict[str, Any]) -> Any:
        while True:
            result = caller(**kwargs)
            if not isinstance(result, Failed | Pending):
                return await self._settle(name, result, _FIRST_RESULT_RAISES)
            value = await self._settle(name, result, _FIRST_RESULT_RAISES)
            if value is not None:
                return value
            # An async implementation answered None (or one failed): pluggy stopped at its
            # awaitable, so ask the rest, in the same order, without it.
            tried.append(result.plugin)
            caller = self._subset(name, tried)
            if not caller.get_hookimpls():
                return None

    def _subset(self, name: str, without: Iterable[str]) -> Any:
        key = (name, frozenset(without))
        caller = self._subsets.get(key)
        if caller is None:
            plugins = [self.pm.get_plugin(plugin) for plugin in key[1]]
            caller = self.pm.subset_hook_caller(name, [p for p in plugins if p is not None])
            self._subsets[key] = caller
        return caller

    async def first_result_of(
        self,
        plugins: frozenset[str] | None,
        spec: Callable[P, object],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> Any:
        """``first_result`` asking only ``plugins`` (all of them when ``None``)."""
        if plugins is None:
            return await self.first_result(spec, *args, **kwargs)
        name = _keywords_only(spec, args)
        others = [n for n, p in self.pm.list_name_plugin() if p is not None and n not in plugins]
        return await self._first(name, self._subset(name, others), others, kwargs)

    async def _settle(
        self,
        name: str,
        result: Any,
        raises: tuple[type[Exception], ...] = (AlreadyHandled,),
    ) -> Any:
        if isinstance(result, Failed):
            if isinstance(result.error, raises):
                raise result.error
            await self._failure(name, result.plugin, result.error)
            return None
        if isinstance(result, Pending):
            try:
                return await _resolve(result)
            except raises:
                raise
            except Exception as error:
                await self._failure(name, result.plugin, error)
                return None
        if inspect.isawaitable(result):  # a wrapper returned one
            return await result
        return result

    async def _failure(self, name: str, plugin: str, error: BaseException) -> None:
        if self.failed is not None:
            self.failed(plugin, error)
        await self.report(error, f"{name} in plugin {plugin}")


def collect(
    pm: pluggy.PluginManager, spec: Callable[..., object], register: Callable[[str, Any], None]
) -> None:
    """Call a registry hook through pluggy; ``register(plugin_name, item)`` gets each item
    tagged with the plugin that registered it.

    A plugin that publishes a registry hook of its own (``register_prompt_sources``) collects
    it the same way: ``collect(bot.pm, prompts.register_prompt_sources, add)``.

    Registry hooks run once, before the event loop serves anything: an ``async def``
    implementation is run to completion here, and one that waits on I/O is an error naming
    the plugin (do that in ``startup``).
    """
    name = hook_name(spec)

    def register_item(item: Any) -> None:
        plugin = CURRENT_PLUGIN.get()
        if not plugin:
            raise PluginError(f"{name}: register() was called after the hook returned")
        register(plugin, item)

    results = getattr(pm.hook, name)(register=register_item)
    for result in results if isinstance(results, list) else [results]:
        if isinstance(result, Failed):
            # The core's own verdict on what was registered (a settings table that does not
            # fit its class) already names the plugin's key: it is not wrapped.
            if isinstance(result.error, PluginError | ConfigError):
                raise result.error
            raise PluginError(
                f"plugin {result.plugin!r} failed in {name}: {result.error!r}"
            ) from result.error
        if isinstance(result, Pending):
            _run_now(result, name)


def _run_now(pending: Pending, name: str) -> None:
    steps: Generator[Any, None, Any] = pending.awaitable.__await__()
    cannot_wait = PluginError(
        f"plugin {pending.plugin!r}: async {name} waited on something; registry hooks run once "
        "at startup and cannot wait (do that in the `startup` hook)"
    )
    token = CURRENT_PLUGIN.set(pending.plugin)
    try:
        steps.send(None)
    except StopIteration:
        return
    except (PluginError, ConfigError):
        raise
    except RuntimeError as error:
        if "event loop" in str(error):  # it awaited asyncio with no loop running yet
            raise cannot_wait from error
        raise PluginError(f"plugin {pending.plugin!r} failed in {name}: {error!r}") from error
    except Exception as error:
        raise PluginError(f"plugin {pending.plugin!r} failed in {name}: {error!r}") from error
    finally:
        CURRENT_PLUGIN.reset(token)
    steps.close()
    raise cannot_wait


def _keywords_only(spec: Callable[..., object], args: tuple[object, ...]) -> str:
    if args:
        raise TypeError("hooks take keyword arguments only")
    return hook_name(spec)
