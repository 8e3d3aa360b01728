"""The plugin manager: built-ins and third-party plugins load the same way, by entry point.

Built-in plugins are listed under the ``salon`` entry-point group in our own ``pyproject.toml``,
exactly as a third-party package lists its own, so any of them can be disabled by name.
"""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Iterable
from types import ModuleType

import pluggy

from salon.core import hookspecs
from salon.core.errors import PluginError
from salon.core.hooks import SalonPluginManager, collect

log = logging.getLogger(__name__)

GROUP = "salon"
#: Plugins that cannot be disabled: without them members cannot even ask for help.
ESSENTIAL = frozenset({"basics"})


def create_plugin_manager(
    disabled: Iterable[str] = (),
    *,
    load_entrypoints: bool | Iterable[str] = True,
    extra: Iterable[tuple[str, object]] = (),
) -> pluggy.PluginManager:
    """A fresh plugin manager with every installed plugin not in ``disabled``.

    :param load_entrypoints: ``True``: every installed plugin; ``False``: none; names: only
        those installed plugins (and the essential ones), as the test harness does.
    :param extra: ``(name, plugin)`` pairs registered directly (tests, embedding).
    """
    pm = SalonPluginManager(GROUP)
    for family in hookspecs.FAMILIES:
        pm.add_hookspecs(family)
    for name in disabled:
        if name in ESSENTIAL:
            raise PluginError(f"plugins.disabled: {name!r} is essential and cannot be disabled")
        pm.set_blocked(name)
    try:
        if load_entrypoints is True:
            pm.load_setuptools_entrypoints(GROUP)
        elif load_entrypoints is not False:
            _load_named(pm, {*load_entrypoints, *ESSENTIAL})
    except PluginError:
        raise
    except Exception as error:
        raise PluginError(f"a plugin failed to import: {error!r}") from error
    if load_entrypoints is True:
        for warning in unknown_disabled(disabled):
            log.warning("%s", warning)
    for name, plugin in extra:
        if not pm.is_blocked(name):
            pm.register(plugin, name=name)
    _add_published_hookspecs(pm)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        name = pm.get_name(error.plugin) or repr(error.plugin)
        detail = str(error).split(" in plugin ")[0]
        raise PluginError(
            f"plugin {name!r}: {detail} (is it misspelled? see `salon hooks`)"
        ) from None
    return pm


def unknown_disabled(disabled: Iterable[str]) -> list[str]:
    """A sentence for each name in ``plugins.disabled`` that no installed plugin has (a typo
    there would otherwise leave the plugin running without a word)."""
    installed = sorted({entry.name for entry in importlib.metadata.entry_points(group=GROUP)})
    return [
        f"plugins.disabled: no installed plugin is named {name!r} "
        f"(installed: {', '.join(installed)})"
        for name in disabled
        if name not in installed
    ]


def _load_named(pm: pluggy.PluginManager, names: set[str]) -> None:
    found = {ep.name: ep for ep in importlib.metadata.entry_points(group=GROUP) if ep.name in names}
    missing = sorted(names - set(found))
    if missing:
        raise PluginError(f"no installed plugin is called {', '.join(map(repr, missing))}")
    for name, entry_point in sorted(found.items()):
        if not pm.is_blocked(name) and pm.get_plugin(name) is None:
            pm.register(entry_point.load(), name=name)


def _add_published_hookspecs(pm: SalonPluginManager) -> None:
    def add(plugin: str, family: object) -> None:
        if not isinstance(family, ModuleType | type):
            raise PluginError(
                f"plugin {plugin!r}: register_hookspecs takes a module or class of @hookspec "
                f"functions, not {family!r}"
            )
        try:
            pm.add_hookspecs(family)
        except ValueError as error:
            raise PluginError(f"plugin {plugin!r}: register_hookspecs: {error}") from None
        pm.published.append((plugin, family))

    collect(pm, hookspecs.runtime.register_hookspecs, add)


def published_hookspecs(pm: pluggy.PluginManager) -> list[tuple[str, object]]:
    """``(plugin name, family)`` for every hook family a plugin published."""
    return list(getattr(pm, "published", ()))


def plugin_version(pm: pluggy.PluginManager, plugin: object) -> str:
    """The version of the distribution that provides ``plugin``, or ``""``."""
    for loaded, dist in pm.list_plugin_distinfo():
        if loaded is plugin:
            return str(dist.version)
    module = plugin if isinstance(plugin, ModuleType) else None
    if module is not None and module.__name__.startswith("salon."):
        try:
            return importlib.metadata.version("salon")
        except importlib.metadata.PackageNotFoundError:
            return ""
    return ""


def describe_plugins(pm: pluggy.PluginManager) -> list[tuple[str, str, list[str]]]:
    """``(name, version, hooks)`` for every registered plugin, sorted by name."""
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or ())
        rows.append((name, plugin_version(pm, plugin), hooks))
    return sorted(rows)
